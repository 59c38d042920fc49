"""Tenant A's household sizing study, schedule and schedule period, for the isolation sweep."""


def make(tenant, made: dict) -> dict:
    import datetime as dt

    from ainergy.assets.models import Site
    from ainergy.assets.services import asset_create
    from ainergy.jobs.services import job_enqueue
    from ainergy.timeseries.services import series_create
    from optimization.models import HouseholdSchedule, HouseholdSchedulePeriod, SizingStudy

    # Modules run in name order, so the platform's site and series may not exist yet.
    site = asset_create(
        tenant=tenant,
        model=Site,
        data={
            "name": "Secret Plant house",
            "latitude_deg": 56.2,
            "longitude_deg": 10.5,
            "bidding_zone": "DK1",
        },
    )
    series = series_create(
        tenant=tenant, key="secret-heat-house", kind="heat_demand", resolution_minutes=60, site=site
    )
    sources = {
        "site": site,
        "temperature_series": series,
        "solar_irradiance_series": series,
        "price_series": series,
        "heat_demand_series": series,
        "tariff_table": {"name": "Secret Plant tariff"},
        "assumptions": ["Secret Plant assumption"],
    }
    study = SizingStudy.objects.create(
        tenant=tenant,
        job=job_enqueue(tenant=tenant, kind="household_sizing", parameters={"year": 2023}),
        year=2023,
        discount_rate_fraction=0.04,
        design={"heat_pump": "Secret Plant HP", "pv_kwp": 1.0, "battery_energy_kwh": 0.0,
                "battery_power_kw": 0.0, "has_ev_charger": False},
        **sources,
    )  # fmt: skip
    schedule = HouseholdSchedule.objects.create(
        tenant=tenant,
        job=job_enqueue(tenant=tenant, kind="household_schedule", parameters={}),
        delivery_day=dt.date(2024, 1, 1),
        step_minutes=60,
        **sources,
    )
    period = HouseholdSchedulePeriod.objects.create(
        tenant=tenant,
        schedule=schedule,
        start_at=dt.datetime(2023, 12, 31, 23, tzinfo=dt.UTC),
        heat_pump_power_kw=1.0,
        heat_pump_heat_kw=3.0,
        backup_heater_power_kw=0.0,
        pv_used_kw=0.0,
        battery_charge_kw=0.0,
        battery_discharge_kw=0.0,
        battery_energy_kwh=0.0,
        ev_charge_kw=0.0,
        grid_import_kw=1.5,
        grid_export_kw=0.0,
        import_price_eur_per_kwh=0.3,
        export_price_eur_per_kwh=0.05,
        cost_eur=0.45,
    )
    return {"SizingStudy": study, "HouseholdSchedule": schedule, "HouseholdSchedulePeriod": period}
