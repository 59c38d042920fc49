"""A simulated delivery day, end to end, on the moved clock.

Real PostgreSQL, Redis, a Celery worker and Celery beat (the timeline scheduler), real data of
``../shared/data`` served over HTTP in the Energi Data Service and Open-Meteo formats, a DK1 pool,
a DK2 pool and a DK1 household. The test moves the simulated clock (a Redis key every process
reads; ``time_machine`` moves the test process too) through every instant of the three
timelines and waits at each for the pipeline to settle. The DK2 pool's pipeline is paused by its
operator across its bid deadline: that is the one missed deadline, which must raise the alert
(job status, signed webhook) and end in the recorded heat-led fallback. Then every step of the
DK1 pool is rerun (nothing may change), and a fake fleet publishes drifting telemetry over MQTT
(Mosquitto on 127.0.0.1:1883, a unique topic prefix), which must give a re-dispatch.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import numpy as np
import pandas as pd
import pytest
import time_machine

from tests.pipeline.fake_services import MarketAndWeatherServer, WebhookReceiver, shared_frames

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2024, 10, 15)  # a Tuesday with DK1/DK2 spot, mFRR and DK2 aFRR data
HISTORY_DAYS = 70
COPENHAGEN = "Europe/Copenhagen"


def heat_model():
    """Heat vs temperature of the real Flensburg district-heating data (``../shared/data``), as
    fitted by ``python -m ainergy.demo.build_sample`` (the fit takes a minute; its coefficients
    are committed)."""
    from ainergy.demo.seed import heat_model as fitted

    return fitted()[0]


def build_world(tenant):
    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create
    from ainergy.markets.services import market_account_create
    from ainergy.pipeline.steps import site_weather_series
    from ainergy.timeseries.services import observations_write_frame, series_create

    weather = shared_frames()["weather"].set_index("time")
    start = pd.Timestamp(DAY, tz="UTC") - pd.Timedelta(days=HISTORY_DAYS)
    history_end = pd.Timestamp(DAY, tz="UTC") - pd.Timedelta(
        days=2
    )  # the weather step adds the rest
    model = heat_model()
    world = {}
    for zone, products, latitude in (
        ("DK1", ["day_ahead", "mfrr_up"], 56.2),
        ("DK2", ["day_ahead", "afrr_up", "mfrr_up"], 55.7),
    ):
        site = asset_create(tenant=tenant, model=assets.Site, data={
            "name": f"{zone} plant", "latitude_deg": latitude, "longitude_deg": 10.5,
            "bidding_zone": zone})  # fmt: skip
        pumps = [
            asset_create(
                tenant=tenant,
                model=assets.HeatPump,
                data={
                    "site_id": site.pk,
                    "name": f"{zone} HP{i + 1}",
                    "kind": "large",
                    "device_id": f"{zone.lower()}-hp-{i + 1}",
                    "power_max_kw": power,
                    "power_min_kw": 0.3 * power,
                    "ramp_limit_kw_per_min": power / 10,
                    "start_cost_eur": 20.0,
                    "carnot_quality_grade": 0.5,
                    "cop_max": 6.0,
                    "source_temperature_mode": "fixed",
                    "source_temperature_c": 10.0,
                    "sink_temperature_mode": "fixed",
                    "sink_temperature_c": 75.0,
                },
            )  # fmt: skip
            for i, power in enumerate((2000.0, 1500.0))
        ]
        asset_create(tenant=tenant, model=assets.ThermalStorage, data={
            "site_id": site.pk, "name": f"{zone} pit", "capacity_kwh": 20_000.0,
            "loss_fraction_per_h": 0.002, "soc_min_fraction": 0.1, "soc_max_fraction": 0.9,
            "soc_initial_fraction": 0.5})  # fmt: skip
        asset_create(tenant=tenant, model=assets.BackupHeater, data={
            "site_id": site.pk, "name": f"{zone} boiler", "heat_power_max_kw": 12_000.0,
            "heat_cost_eur_per_mwh": 60.0})  # fmt: skip
        account = market_account_create(tenant=tenant, name=f"{zone} BRP", bidding_zone=zone,
                                         enabled_product_codes=products)  # fmt: skip
        pool = asset_create(tenant=tenant, model=assets.Pool, data={
            "name": f"{zone} pool", "bidding_zone": zone, "market_account_id": account.pk,
            "heat_pump_ids": [p.pk for p in pumps]})  # fmt: skip
        heat = series_create(tenant=tenant, key=f"{zone.lower()}-heat", kind="heat_demand",
                             resolution_minutes=60, site=site)  # fmt: skip
        temperature = weather["temperature_c"][
            (weather.index >= start) & (weather.index < pd.Timestamp(DAY, tz="UTC"))
        ]
        heat_kw = model.predict(temperature) / model.predict(temperature).max() * 5500.0
        observations_write_frame(
            series=heat,
            frame=pd.DataFrame({"time": heat_kw.index, "value": heat_kw.clip(lower=0).values}),
            source="flensburg-heat-model:shared-weather",
            tenant=tenant,
        )
        _load_weather(tenant, site_weather_series(site), weather, start, history_end)
        world[zone] = {"site": site, "pool": pool, "pumps": pumps, "heat": heat}
    house = asset_create(tenant=tenant, model=assets.Site, data={
        "name": "Villa", "latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"})  # fmt: skip
    asset_create(tenant=tenant, model=assets.HeatPump, data={
        "site_id": house.pk, "name": "air-water", "kind": "household", "device_id": "villa-hp",
        "power_min_kw": 0.0, "power_max_kw": 3.0, "carnot_quality_grade": 0.45, "cop_max": 5.5,
        "source_temperature_c": 5.0, "sink_temperature_c": 45.0})  # fmt: skip
    asset_create(tenant=tenant, model=assets.ThermalStorage, data={
        "site_id": house.pk, "name": "tank", "capacity_kwh": 8.0, "loss_fraction_per_h": 0.01})  # fmt: skip
    _load_weather(tenant, site_weather_series(house), weather, start, history_end)
    world["household"] = {"site": house}
    return world


def _load_weather(tenant, series: dict, weather, start, end) -> None:
    from ainergy.timeseries.services import observations_write_frame

    rows = weather[(weather.index >= start) & (weather.index < end)]
    for kind, column in (("outdoor_temperature", "temperature_c"),
                         ("solar_irradiance", "solar_radiation_w_per_m2")):  # fmt: skip
        observations_write_frame(
            series=series[kind],
            frame=pd.DataFrame({"time": rows.index, "value": rows[column].values}),
            source="open-meteo:archive",
            tenant=tenant,
        )


def load_public_history(server_url: str, until: dt.datetime) -> None:
    """Public market history over the real connector (what an operator backfills once)."""
    from ainergy.timeseries.connectors import EnergiDataServiceClient
    from ainergy.timeseries.sync import store_batches

    client = EnergiDataServiceClient(base_url=server_url)
    start = until - dt.timedelta(days=HISTORY_DAYS)
    batches = client.fetch_day_ahead_prices(start_at=start, end_at=until)
    batches += client.fetch_series("mfrr_capacity", start_at=start, end_at=until)
    batches += client.fetch_series("afrr_capacity", start_at=start, end_at=until, zones=("DK2",))
    store_batches(tenant=None, batches=batches)


def snapshot(tenant) -> dict:
    """Everything the pipeline writes, as counts and content hashes."""
    from ainergy.markets.models import Bid, MarketResult
    from ainergy.pipeline.models import ScheduleSetpoint, ScheduleVersion
    from ainergy.timeseries.models import ForecastValue, Observation
    from forecasting.models import ForecastRun
    from optimization.models import BidPlan, BidPlanResults, HouseholdSchedule, PoolDispatch

    def rows(queryset, *fields):
        return sorted(map(tuple, queryset.values_list(*fields)))

    return {
        "forecast_runs": ForecastRun.objects.filter(tenant=tenant).count(),
        "forecast_values": ForecastValue.objects.filter(series__tenant=tenant).count(),
        "observations": Observation.objects.count(),
        "plans": rows(BidPlan.objects.filter(tenant=tenant), "pk", "status", "exchange_file_sha256"),
        "bids": Bid.objects.filter(tenant=tenant).count(),
        "results": rows(BidPlanResults.objects.filter(tenant=tenant), "pk", "version", "content_sha256"),
        "market_results": MarketResult.objects.filter(tenant=tenant).count(),
        "dispatches": PoolDispatch.objects.filter(tenant=tenant).count(),
        "schedules": HouseholdSchedule.objects.filter(tenant=tenant).count(),
        "versions": rows(ScheduleVersion.objects.filter(tenant=tenant), "pk", "version", "content_sha256"),
        "setpoints": ScheduleSetpoint.objects.filter(tenant=tenant).count(),
    }  # fmt: skip


class Simulation:
    def __init__(self, processes, traveller):
        import redis
        from django.conf import settings

        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        self.processes = processes
        self.traveller = traveller
        self.now: dt.datetime | None = None

    def move_to(self, moment: dt.datetime) -> None:
        from ainergy.pipeline import clock

        self.traveller.move_to(moment)
        clock.simulate(moment)
        self.now = moment

    def settle(self, tenant, timeout_s: float = 180.0) -> dict:
        """Wait until a whole advance pass at this instant changed nothing and nothing runs."""
        from ainergy.jobs.models import Job
        from ainergy.pipeline.models import PipelineStepRun

        key = f"{self.processes.clock_key}:advance"
        deadline = time.monotonic() + timeout_s
        quiet = 0
        last = None
        while time.monotonic() < deadline:
            raw = self.redis.get(key)
            last = json.loads(raw) if raw else None
            busy = Job.objects.filter(tenant=tenant, status__in=["queued", "running"]).exclude(
                kind="pipeline_replan"
            )
            # a pass that read the runs before another pass started a step may write the last
            # record (0 changes, 0 running) while that step's job has already succeeded and
            # the step is not yet marked done: the step table itself must be settled too
            unsettled = PipelineStepRun.objects.filter(tenant=tenant, status="running")
            if (
                last
                and last["at"] == self.now.isoformat()
                and last["changes"] == 0
                and last["running"] == 0
                and not busy.exists()
                and not unsettled.exists()
            ):
                quiet += 1
                if quiet >= 2:
                    return last
            else:
                quiet = 0
            time.sleep(0.2)
        raise AssertionError(
            f"pipeline did not settle at {self.now}: last pass {last}\n"
            f"{self.processes.log('worker')[-4000:]}"
        )


def instants(enrollments) -> list[dt.datetime]:
    """Every moment a step may start: jobs finish at the instant they start on (the clock
    waits for the pipeline to settle), so deadlines are met unless a step never ran."""
    from ainergy.pipeline.services import plan_of

    moments = set()
    for enrollment in enrollments:
        for step in plan_of(enrollment, DAY):
            moments.add(step.earliest_at)
    return sorted(moments)


@pytest.fixture
def fake_market(processes_factory):
    holder = {}
    server = MarketAndWeatherServer(now=lambda: holder["now"]())
    http = server.start()
    yield server, holder
    http.shutdown()


def test_a_simulated_delivery_day_runs_the_timeline_end_to_end(
    tenant, fake_market, processes_factory, settings
):
    from ainergy.jobs.models import Job
    from ainergy.pipeline import clock
    from ainergy.pipeline.models import (
        PipelineAlert,
        PipelineStepRun,
        ScheduleVersion,
    )
    from ainergy.pipeline.services import enrollment_create, enrollment_set_enabled, step_rerun
    from ainergy.pipeline.webhooks import webhook_create

    server, holder = fake_market
    processes = processes_factory(
        beat=True,
        extra_env={"ENERGI_DATA_SERVICE_URL": server.url, "OPEN_METEO_URL": server.url},
    )
    holder["now"] = clock.now
    settings.ENERGI_DATA_SERVICE_URL = server.url
    settings.OPEN_METEO_URL = server.url
    receiver = WebhookReceiver(secret="whsec-" + uuid.uuid4().hex)
    receiver_http = receiver.start()
    tariff = json.loads((settings.BASE_DIR / "docs/examples/household_tariff_n1.json").read_text())

    start = dt.datetime(2024, 10, 14, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        sim = Simulation(processes, traveller)
        sim.move_to(start)
        # given: a world on real data, public history backfilled, a webhook, three enrolments
        world = build_world(tenant)
        load_public_history(server.url, start)
        webhook_create(tenant=tenant, url=receiver.url, secret=receiver.secret,
                       events=["schedule.published", "deadline.missed", "step.failed",
                               "job.finished"])  # fmt: skip
        dk1 = enrollment_create(tenant=tenant, pool=world["DK1"]["pool"],
                                parameters={"scenario_count": 4, "price_scenarios": 4})  # fmt: skip
        dk2 = enrollment_create(tenant=tenant, pool=world["DK2"]["pool"],
                                parameters={"scenario_count": 4, "price_scenarios": 4})  # fmt: skip
        house = enrollment_create(tenant=tenant, site=world["household"]["site"],
                                  parameters={"tariff_table": tariff, "step_minutes": 60,
                                              "annual_heat_demand_kwh": 12_000.0})  # fmt: skip
        from ainergy.pipeline.services import plan_of

        dk2_bid = next(s for s in plan_of(dk2, DAY) if s.step == "bid_plan")
        # when: the clock runs through every instant of the three timelines
        for moment in instants([dk1, dk2, house]):
            if dk2_bid.earliest_at <= moment <= dk2_bid.deadline_at:
                enrollment_set_enabled(tenant=tenant, enrollment_id=dk2.pk, is_enabled=False)
            elif not dk2.is_enabled:
                enrollment_set_enabled(tenant=tenant, enrollment_id=dk2.pk, is_enabled=True)
            sim.move_to(moment)
            sim.settle(tenant)
            dk2.refresh_from_db()

        # then: every step of DK1 and of the household done, and on time
        for enrollment in (dk1, house):
            runs = {r.step: r for r in PipelineStepRun.objects.filter(enrollment=enrollment)}
            assert set(runs) == {s.step for s in plan_of(enrollment, DAY)}
            for run in runs.values():
                assert (run.step, run.status, run.is_on_time) == (run.step, "done", True), (
                    run.detail
                )
                assert run.finished_at <= run.deadline_at
        # the DK2 pool: the bid deadline missed → alert, later bid steps skipped, heat-led fallback
        dk2_runs = {r.step: r for r in PipelineStepRun.objects.filter(enrollment=dk2)}
        assert dk2_runs["bid_plan"].status == "missed"
        assert [dk2_runs[s].status for s in ("submit", "results_import", "dispatch")] == [
            "skipped"
        ] * 3
        assert dk2_runs["publish"].status == "done"
        alerts = list(PipelineAlert.objects.filter(tenant=tenant).select_related("step_run"))
        assert len(alerts) == 1, [(a.kind, a.step_run.step, a.message) for a in alerts]
        (alert,) = alerts
        assert (alert.kind, alert.step_run.step) == ("deadline_missed", "bid_plan")
        assert alert.fallback_action.startswith("no bid: heat-led setpoints")
        missed_job = Job.objects.get(pk=dk2_runs["bid_plan"].fallback_job_id)
        assert missed_job.status == "failed"
        assert "deadline" in missed_job.error_message and "heat-led" in missed_job.error_message
        # setpoints published: DK1 from its dispatch, DK2 heat-led, the household's schedule
        causes = {
            (v.pool_id or v.site_id): (v.version, v.cause)
            for v in ScheduleVersion.objects.filter(tenant=tenant, delivery_day=DAY)
        }
        assert causes == {
            world["DK1"]["pool"].pk: (1, "dispatch"),
            world["DK2"]["pool"].pk: (1, "fallback"),
            world["household"]["site"].pk: (1, "household_schedule"),
        }
        fallback = ScheduleVersion.objects.get(pool=world["DK2"]["pool"])
        assert fallback.cause_detail["source"] == "heat-led"
        powers = np.array(fallback.setpoints.values_list("power_kw", flat=True))
        assert len(powers) == 2 * 24 and (powers >= 0).all() and powers.max() <= 2000.0
        # webhooks: signed, verified by the receiver's own HMAC, for every event kind raised
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(receiver.events("schedule.published")) < 3:
            time.sleep(0.2)
        assert len(receiver.events("schedule.published")) == 3
        (missed,) = receiver.events("deadline.missed")
        assert (missed.body["step"], missed.body["delivery_day"]) == ("bid_plan", "2024-10-15")
        assert receiver.events("job.finished")
        assert all(r.signature_valid for r in receiver.received)

        # devices pull their setpoints with ETag / If-None-Match
        from django.test import Client

        from tenants.services import api_token_create

        _, secret = api_token_create(tenant=tenant, name="fleet", scopes=["read", "ingest"])
        device = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        first = device.get("/api/v1/devices/dk1-hp-1/setpoints", {"day": DAY.isoformat()})
        assert first.status_code == 200 and first.json()["cause"] == "dispatch"
        assert len(first.json()["setpoints"]) == 24
        again = device.get("/api/v1/devices/dk1-hp-1/setpoints", {"day": DAY.isoformat()},
                           HTTP_IF_NONE_MATCH=first["ETag"])  # fmt: skip
        assert (again.status_code, again.content) == (304, b"")

        # a rerun of every DK1 step changes nothing
        before = snapshot(tenant)
        rerun_jobs = []
        for run in PipelineStepRun.objects.filter(enrollment=dk1):
            rerun_jobs += step_rerun(tenant=tenant, step_run_id=run.pk)[1]
        deadline = time.monotonic() + 120
        while Job.objects.filter(
            pk__in=[j.pk for j in rerun_jobs], status__in=["queued", "running"]
        ).exists():
            assert time.monotonic() < deadline, processes.log("worker")[-3000:]
            time.sleep(0.3)
        assert {j.status for j in Job.objects.filter(pk__in=[j.pk for j in rerun_jobs])} == {
            "succeeded"
        }
        assert snapshot(tenant) == before

        # a fake fleet drifts during delivery: telemetry over MQTT → re-dispatch, new version
        delivery = dt.datetime(2024, 10, 15, 8, 0, tzinfo=dt.UTC)  # 10:00 local
        sim.move_to(delivery)
        from tests.pipeline.test_mqtt import FleetClient, running_bridge

        with running_bridge() as bridge:
            fleet = FleetClient(bridge.prefix)
            version = ScheduleVersion.objects.get(pool=world["DK1"]["pool"], delivery_day=DAY)
            for pump in world["DK1"]["pumps"]:
                current = version.setpoints.get(heat_pump=pump, start_at__lte=delivery,
                                                end_at__gt=delivery)  # fmt: skip
                drifting = pump.device_id == "dk1-hp-1"
                power = current.power_kw + (0.6 * pump.power_max_kw if current.power_kw < 1000
                                            else -0.6 * pump.power_max_kw) if drifting else current.power_kw  # fmt: skip
                ack = fleet.publish(pump.device_id, secret, {
                    "time": (delivery - dt.timedelta(minutes=1)).isoformat(),
                    "electric_power_kw": max(power, 0.0), "is_on": True})  # fmt: skip
                assert ack == {"accepted_readings": 1}
            fleet.close()
        deadline = time.monotonic() + 60
        while not ScheduleVersion.objects.filter(pool=world["DK1"]["pool"], version=2).exists():
            assert time.monotonic() < deadline, processes.log("worker")[-3000:]
            time.sleep(0.2)
        replanned = ScheduleVersion.objects.get(pool=world["DK1"]["pool"], version=2)
        assert replanned.cause == "redispatch"
        (drift,) = replanned.cause_detail["drift"]
        assert (drift["name"], drift["quantity"]) == ("DK1 HP1", "power_kw")
        # re-planned from the period starting now; periods before keep their setpoints
        assert replanned.cause_detail["replanned_from"] == "2024-10-15T08:00:00+00:00"
        kept = list(replanned.setpoints.filter(start_at__lt=dt.datetime(2024, 10, 15, 8, tzinfo=dt.UTC))
                    .order_by("heat_pump_id", "start_at").values_list("power_kw", flat=True))  # fmt: skip
        original = list(version.setpoints.filter(start_at__lt=dt.datetime(2024, 10, 15, 8, tzinfo=dt.UTC))
                        .order_by("heat_pump_id", "start_at").values_list("power_kw", flat=True))  # fmt: skip
        assert kept == original  # periods under way keep their setpoints
        newer = device.get("/api/v1/devices/dk1-hp-1/setpoints", {"day": DAY.isoformat()},
                           HTTP_IF_NONE_MATCH=first["ETag"])  # fmt: skip
        assert newer.status_code == 200 and newer.json()["version"] == 2

        # an hour later (past REPLAN_MIN_INTERVAL_S) over REST: the second unit trips while
        # planned on, the first unit's storage is far off plan → re-dispatch, version 3
        later = delivery + dt.timedelta(hours=1)  # 11:00 local
        sim.move_to(later)
        hp1, hp2 = world["DK1"]["pumps"]
        tripped = replanned.setpoints.get(heat_pump=hp2, start_at=later)
        assert tripped.is_on and tripped.power_kw > 0, "the trip needs a unit planned on"
        steady = replanned.setpoints.get(heat_pump=hp1, start_at=later)
        planned_soc = replanned.setpoints.get(heat_pump=hp1, end_at=later).storage_soc_fraction
        measured_soc = 0.85 if planned_soc < 0.5 else 0.15
        reading_at = (later - dt.timedelta(minutes=1)).isoformat()
        sent = device.post("/api/v1/telemetry", {"readings": [
            {"device_id": "dk1-hp-1", "time": reading_at, "electric_power_kw": steady.power_kw,
             "is_on": steady.is_on, "storage_soc_fraction": measured_soc},
            {"device_id": "dk1-hp-2", "time": reading_at, "electric_power_kw": 0.0,
             "is_on": False},
        ]}, content_type="application/json")  # fmt: skip
        assert sent.status_code == 200, sent.content
        pool_versions = ScheduleVersion.objects.filter(pool=world["DK1"]["pool"])
        deadline = time.monotonic() + 60
        while not pool_versions.filter(version=3).exists():
            assert time.monotonic() < deadline, processes.log("worker")[-3000:]
            time.sleep(0.2)
        third = pool_versions.get(version=3)
        assert third.cause == "redispatch"
        drifts = {(d["name"], d["quantity"]): d for d in third.cause_detail["drift"]}
        assert set(drifts) == {("DK1 HP1", "storage_soc_fraction"), ("DK1 HP2", "unavailable")}
        assert drifts[("DK1 HP1", "storage_soc_fraction")]["measured"] == measured_soc
        assert drifts[("DK1 HP1", "storage_soc_fraction")]["planned"] == round(planned_soc, 4)
        assert third.cause_detail["replanned_from"] == later.isoformat()
        assert third.cause_detail["previous_version"] == 2
        assert third.cause_detail["unavailable_heat_share"] == round(1500 / 3500, 4)
        # the tripped unit is held off for the rest of the day; the hours before are kept
        rest = third.setpoints.filter(heat_pump=hp2, start_at__gte=later)
        assert rest.count() == 13  # 09:00Z → 22:00Z, the end of the local day
        assert set(rest.values_list("power_kw", "is_on")) == {(0.0, False)}

        def before(version):
            return list(version.setpoints.filter(start_at__lt=later)
                        .order_by("heat_pump_id", "start_at")
                        .values_list("heat_pump_id", "start_at", "power_kw", "is_on"))  # fmt: skip

        assert before(third) == before(replanned)

        # the household's tank is far off plan → re-plan from the measured energy, version 2
        villa = ScheduleVersion.objects.get(site=world["household"]["site"], version=1)
        now_row = villa.setpoints.get(start_at=later)
        planned_kwh = villa.setpoints.get(end_at=later).storage_kwh
        tank_soc = 0.95 if planned_kwh < 4.0 else 0.05  # 8 kWh tank: ≥ 3.6 kWh off plan
        sent = device.post("/api/v1/telemetry", {"readings": [
            {"device_id": "villa-hp", "time": reading_at, "electric_power_kw": now_row.power_kw,
             "is_on": now_row.is_on, "storage_soc_fraction": tank_soc}]},
            content_type="application/json")  # fmt: skip
        assert sent.status_code == 200, sent.content
        house_versions = ScheduleVersion.objects.filter(site=world["household"]["site"])
        deadline = time.monotonic() + 60
        while not house_versions.filter(version=2).exists():
            assert time.monotonic() < deadline, processes.log("worker")[-3000:]
            time.sleep(0.2)
        replanned_house = house_versions.get(version=2)
        assert replanned_house.cause == "household_replan"
        (drift,) = replanned_house.cause_detail["drift"]
        assert (drift["name"], drift["quantity"], drift["measured"]) == (
            "air-water", "tank_energy_kwh", round(tank_soc * 8.0, 3))  # fmt: skip
        assert drift["planned"] == round(planned_kwh, 3)
        assert replanned_house.cause_detail["replanned_from"] == later.isoformat()
        assert before(replanned_house) == before(villa)
    receiver_http.shutdown()
