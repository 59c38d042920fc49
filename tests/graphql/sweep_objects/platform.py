"""Tenant A's objects of the platform's node types, for the isolation sweep."""


def make(tenant, made: dict) -> dict:
    """One object of every tenant-owned node type besides memberships, tokens and jobs."""
    import datetime as dt

    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create
    from ainergy.markets.models import Bid, MarketProduct, MarketResult
    from ainergy.markets.services import market_account_create
    from ainergy.timeseries.services import series_create
    from ainergy.timeseries.sync import meter_data_authorization_create
    from tenants.models import AuditEvent

    site = asset_create(
        tenant=tenant,
        model=assets.Site,
        data={
            "name": "Secret Plant",
            "latitude_deg": 56.2,
            "longitude_deg": 10.5,
            "bidding_zone": "DK1",
        },
    )
    pump = asset_create(
        tenant=tenant,
        model=assets.HeatPump,
        data={
            "site_id": site.pk,
            "name": "Secret Plant HP1",
            "kind": "large",
            "power_min_kw": 400.0,
            "power_max_kw": 1000.0,
            "carnot_quality_grade": 0.5,
            "source_temperature_mode": "fixed",
            "source_temperature_c": 8.0,
            "sink_temperature_c": 75.0,
        },
    )
    account = market_account_create(
        tenant=tenant,
        name="Secret Plant BRP",
        bidding_zone="DK1",
        enabled_product_codes=["day_ahead", "mfrr_up"],
    )
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    bid = Bid.objects.create(
        tenant=tenant,
        market_account=account,
        product=MarketProduct.objects.get(code="mfrr_up"),
        delivery_start_at=start,
        delivery_end_at=start + dt.timedelta(hours=1),
        capacity_mw=0.5,
    )
    return {
        "Site": site,
        "HeatPump": pump,
        "ThermalStorage": asset_create(
            tenant=tenant,
            model=assets.ThermalStorage,
            data={"site_id": site.pk, "name": "Secret Plant tank", "capacity_kwh": 5000.0},
        ),
        "PvSystem": asset_create(
            tenant=tenant,
            model=assets.PvSystem,
            data={"site_id": site.pk, "name": "Secret Plant PV", "peak_power_kw": 50.0},
        ),
        "Battery": asset_create(
            tenant=tenant,
            model=assets.Battery,
            data={
                "site_id": site.pk,
                "name": "Secret Plant battery",
                "energy_capacity_kwh": 100.0,
                "power_max_kw": 50.0,
            },
        ),
        "EvCharger": asset_create(
            tenant=tenant,
            model=assets.EvCharger,
            data={
                "site_id": site.pk,
                "name": "Secret Plant EV",
                "power_max_kw": 11.0,
                "ev_arrival_local_time": dt.time(18),
                "ev_departure_local_time": dt.time(7),
                "ev_energy_need_kwh": 20.0,
            },
        ),
        "BackupHeater": asset_create(
            tenant=tenant,
            model=assets.BackupHeater,
            data={
                "site_id": site.pk,
                "name": "Secret Plant boiler",
                "heat_power_max_kw": 2000.0,
                "heat_cost_eur_per_mwh": 60.0,
            },
        ),
        "Pool": asset_create(
            tenant=tenant,
            model=assets.Pool,
            data={
                "name": "Secret Plant pool",
                "bidding_zone": "DK1",
                "market_account_id": account.pk,
                "heat_pump_ids": [pump.pk],
            },
        ),
        "MarketAccount": account,
        "Bid": bid,
        "MarketResult": MarketResult.objects.create(tenant=tenant, bid=bid, accepted_volume_mw=0.5),
        "MeterDataAuthorization": meter_data_authorization_create(
            tenant=tenant,
            site=site,
            name="Secret Plant meter",
            refresh_token="secret-refresh-token-of-alpha-0001",
            metering_point_ids=["571313100000000001"],
        ),
        "Series": series_create(
            tenant=tenant, key="secret-heat", kind="heat_demand", resolution_minutes=60, site=site
        ),
        "AuditEvent": AuditEvent.objects.create(
            tenant=tenant,
            actor_kind="user",
            actor_label="owner@alpha.dk",
            operation="mutation siteCreate",
            object_ids=["U2l0ZTox"],
            outcome="OK",
        ),
    }
