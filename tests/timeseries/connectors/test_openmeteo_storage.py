"""The pipeline's weather step against the fake Open-Meteo API: what is stored (analyses before
the issue time, the forecast after it), and that a failed fetch stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from ainergy.common.errors import TransientError, ValidationError
from ainergy.timeseries.connectors.openmeteo import OpenMeteoClient
from tests.timeseries.connectors.conftest import Fault, weather_rows

ISSUED_AT = dt.datetime(2024, 10, 26, 10, tzinfo=dt.UTC)  # 12:00 CEST before the 25-hour day


@pytest.fixture
def site(tenant):
    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create

    return asset_create(tenant=tenant, model=assets.Site, data={
        "name": "Plant", "latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"})  # fmt: skip


@pytest.fixture
def client(fake_apis, http):
    fake_apis.weather = weather_rows()
    return OpenMeteoClient(fake_apis.url, http)


def stored(site) -> dict[str, tuple[list, list]]:
    from ainergy.pipeline.steps import site_weather_series
    from ainergy.timeseries.models import ForecastValue, Observation

    return {
        kind: (
            list(
                Observation.objects.filter(series=series)
                .order_by("time")
                .values_list("time", "value")
            ),
            list(
                ForecastValue.objects.filter(series=series)
                .order_by("time")
                .values_list("issued_at", "time", "value")
            ),
        )  # fmt: skip
        for kind, series in site_weather_series(site).items()
    }


def test_analyses_before_the_issue_and_the_forecast_after_it_are_stored(
    db, fake_apis, client, site
):
    from ainergy.pipeline.steps import weather_fetch_store

    # when the step fetches at its issue time, D-1 12:00 local
    outcome = weather_fetch_store(site=site, issued_at=ISSUED_AT, now=ISSUED_AT, client=client)
    # then the asked UTC dates run from the day before the issue to two days after it
    (request,) = fake_apis.requests_to("/v1/forecast")
    assert (request.query["start_date"], request.query["end_date"]) == ("2024-10-25", "2024-10-28")
    rows = stored(site)
    first, last = dt.datetime(2024, 10, 25, tzinfo=dt.UTC), dt.datetime(2024, 10, 29, tzinfo=dt.UTC)
    recorded = {t: v for t, v in weather_rows().items() if first <= t < last}
    temperature_past, temperature_future = rows["outdoor_temperature"]
    assert temperature_past == [
        (t, v["temperature_2m"]) for t, v in sorted(recorded.items()) if t < ISSUED_AT
    ]
    assert temperature_future == [
        (ISSUED_AT, t, v["temperature_2m"]) for t, v in sorted(recorded.items()) if t >= ISSUED_AT
    ]
    # the whole local delivery day 2024-10-27 (25 hours, two missing in the source) is forecast
    day = [t for _, t, _ in temperature_future
           if dt.datetime(2024, 10, 26, 22, tzinfo=dt.UTC) <= t < dt.datetime(2024, 10, 27, 23, tzinfo=dt.UTC)]  # fmt: skip
    assert len(day) == 23
    assert outcome["series"]["outdoor_temperature"] == {
        "analysis_hours": len(temperature_past),
        "forecast_hours": len(temperature_future),
    }
    # radiation at the start of the hour it averages, also split at the issue time
    radiation_past, radiation_future = rows["solar_irradiance"]
    assert radiation_future[0][:2] == (ISSUED_AT, ISSUED_AT)
    assert radiation_past[-1][0] == ISSUED_AT - dt.timedelta(hours=1)
    # when the step runs again for the same issue: nothing is fetched, nothing rewritten
    again = weather_fetch_store(site=site, issued_at=ISSUED_AT, now=ISSUED_AT, client=client)
    assert again == {"site": site.pk, "reused_issue": ISSUED_AT.isoformat()}
    assert len(fake_apis.requests_to("/v1/forecast")) == 1
    assert stored(site) == rows


def _drop_radiation(answer: dict) -> None:
    del answer["hourly"]["shortwave_radiation"]


@pytest.mark.parametrize(
    ("break_api", "error", "message"),
    [
        (lambda apis: setattr(apis, "forecast_hook", _drop_radiation), ValidationError,
         "forecast.hourly.shortwave_radiation: missing"),
        (lambda apis: apis.fail("/v1/forecast", Fault(status=503), times=10), TransientError,
         "open-meteo forecast: HTTP 503 after 4 attempts"),
    ],
    ids=["missing-variable", "unavailable"],
)  # fmt: skip
def test_a_failed_fetch_stores_nothing(db, fake_apis, client, site, break_api, error, message):
    from ainergy.pipeline.steps import weather_fetch_store

    # given an answer without radiation, or a service that keeps answering 503
    break_api(fake_apis)
    # when
    with pytest.raises(error) as caught:
        weather_fetch_store(site=site, issued_at=ISSUED_AT, now=ISSUED_AT, client=client)
    # then the step fails (its fallback: the forecast issued before) and nothing is half-written
    assert str(caught.value) == message
    assert stored(site) == {"outdoor_temperature": ([], []), "solar_irradiance": ([], [])}
