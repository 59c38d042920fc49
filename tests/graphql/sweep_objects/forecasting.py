"""Tenant A's forecast run, for the isolation sweep."""


def make(tenant, made: dict) -> dict:
    import datetime as dt

    from ainergy.jobs.models import Job
    from ainergy.timeseries.services import series_create
    from forecasting.models import ForecastRun

    series = series_create(
        tenant=tenant,
        key="secret-heat-forecasting",
        kind="heat_demand",
        resolution_minutes=60,
        description="Secret Plant heat",
    )
    job = Job.objects.create(
        tenant=tenant, kind="forecast_run", queue="forecasting", parameters={"series_key": "x"}
    )
    issued_at = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    run = ForecastRun.objects.create(
        tenant=tenant,
        series=series,
        forecast_series=series,
        model_name="seasonal_naive",
        issued_at=issued_at,
        horizon_start_at=issued_at + dt.timedelta(hours=14),
        horizon_end_at=issued_at + dt.timedelta(hours=38),
        horizon_hours=24,
        resolution_minutes=60,
        history_days=28,
        quantiles=[0.1, 0.5, 0.9],
        metrics={"note": "Secret Plant"},
        job=job,
    )
    return {"ForecastRun": run}
