"""The pipeline's steps: what each does, which job carries it, and its safe fallback.

A step either *ensures* a job of another app's service (forecast run, bid plan, household
schedule, pool dispatch: found again when it exists, so a rerun duplicates nothing) or runs its
own work in a ``pipeline_step`` job (fetches, submission, results import, publication), written
so that running it twice changes nothing (upserts, the lifecycle's content checks, publication
by content hash). ``fallback`` names the safe action recorded when the step fails or misses its
deadline; the publication step carries it out (heat-led setpoints, the plan's expected schedule,
the last valid household schedule).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings

from ainergy.common.errors import TransientError, ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_bounds, delivery_day_periods
from ainergy.jobs.models import Job, JobStatus
from ainergy.pipeline.models import PipelineEnrollment, PipelineStepRun, ScheduleCause, StepStatus
from ainergy.pipeline.timeline import PlannedStep

logger = logging.getLogger(__name__)

KW_PER_MW = 1000.0


@dataclass
class StepContext:
    enrollment: PipelineEnrollment
    day: dt.date
    planned: PlannedStep
    now: dt.datetime
    run: PipelineStepRun | None = None

    @property
    def tenant(self):
        return self.enrollment.tenant

    @property
    def pool(self):
        return self.enrollment.pool

    @property
    def site(self):
        return self.enrollment.site

    @property
    def parameters(self) -> dict:
        return self.enrollment.parameters or {}

    def sibling(self, step: str) -> PipelineStepRun | None:
        return PipelineStepRun.objects.filter(
            enrollment=self.enrollment, delivery_day=self.day, step=step
        ).first()


class Step:
    """Base: ``needs`` are steps that must be DONE (else this one is SKIPPED)."""

    name = ""
    needs: tuple[str, ...] = ()
    description = ""

    def ensure(self, ctx: StepContext) -> list[Job] | None:
        """Jobs of other services carrying this step; None = run ``execute`` in our own job."""
        return None

    def execute(self, ctx: StepContext) -> dict:
        raise NotImplementedError

    def fallback(self, ctx: StepContext) -> str:
        return "none needed: later steps use the data already stored"


# --- helpers -----------------------------------------------------------------------------


def pool_sites(ctx: StepContext) -> list:
    from optimization.selectors.bidding import pool_heat_pumps

    pumps = pool_heat_pumps(ctx.tenant, ctx.pool, ctx.day)
    return sorted({pump.site for pump in pumps}, key=lambda site: site.pk)


def site_weather_series(site) -> dict[str, object]:
    """The site's weather series the pipeline keeps (outdoor temperature, irradiance; hourly)."""
    from ainergy.timeseries.models import Series
    from ainergy.timeseries.services import series_create

    out = {}
    for kind, stem in (("outdoor_temperature", "temperature"), ("solar_irradiance", "irradiance")):
        key = f"weather-site-{site.pk}-{stem}"
        series = Series.objects.filter(tenant_id=site.tenant_id, key=key).first()
        out[kind] = series or series_create(
            tenant=site.tenant,
            key=key,
            kind=kind,
            resolution_minutes=60,
            site=site,
            description=f"{site.name}: {kind} (Open-Meteo analyses and issued forecasts)",
        )
    return out


def weather_fetch_store(*, site, issued_at: dt.datetime, now: dt.datetime, client=None) -> dict:
    """Fetch the NWP forecast for the site and store it as issued at ``issued_at``.

    Hours before the issue time are stored as observations (the model's analysis), the rest as
    a forecast with its issue time. A forecast already stored at this issue time is kept as it
    is: a rerun never rewrites what was known then with what is known later.
    """
    from ainergy.timeseries.connectors.http import HttpClient, RetryPolicy
    from ainergy.timeseries.connectors.openmeteo import OpenMeteoClient
    from ainergy.timeseries.models import ForecastValue
    from ainergy.timeseries.services import forecasts_write, observations_write_frame

    series = site_weather_series(site)
    stored = {
        kind: ForecastValue.objects.filter(series=s, issued_at=issued_at).exists()
        for kind, s in series.items()
    }
    if all(stored.values()):
        return {"site": site.pk, "reused_issue": issued_at.isoformat()}
    client = client or OpenMeteoClient(
        settings.OPEN_METEO_URL, HttpClient(retry=RetryPolicy(max_attempts=3))
    )
    start = (issued_at - dt.timedelta(days=1)).astimezone(dt.UTC).date()
    end = (issued_at + dt.timedelta(days=settings.WEATHER_FORECAST_DAYS)).astimezone(dt.UTC).date()
    batches = client.fetch_forecast(
        latitude_deg=site.latitude_deg,
        longitude_deg=site.longitude_deg,
        start_date=start,
        end_date=end,
        received_at=now,
    )
    cut = pd.Timestamp(issued_at).floor("h")
    written = {}
    for batch in batches:
        target = series[batch.kind]
        frame = pd.DataFrame({"time": pd.DatetimeIndex(batch.times_at), "value": batch.values})
        past, future = frame[frame["time"] < cut], frame[frame["time"] >= cut]
        if len(past):
            observations_write_frame(
                series=target,
                frame=past,
                source="open-meteo:analysis",
                received_at=now,
                tenant=site.tenant,
            )
        if len(future) and not stored[batch.kind]:
            forecasts_write(
                tenant=site.tenant,
                series=target,
                issued_at=issued_at,
                frame=future,
                source="open-meteo:forecast",
            )
        written[batch.kind] = {"analysis_hours": len(past), "forecast_hours": len(future)}
    return {"site": site.pk, "issued_at": issued_at.isoformat(), "series": written}


def _jobs_or_new(existing: list[Job]) -> list[Job]:
    return [job for job in existing if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED)]


# --- shared steps ------------------------------------------------------------------------


class MarketData(Step):
    name = "market_data"
    description = "Fetch public market data: prices, reserve prices, imbalance, CO2"

    def execute(self, ctx: StepContext) -> dict:
        from ainergy.timeseries.sync import market_data_sync

        feeds = (
            settings.PIPELINE_POOL_FEEDS
            if ctx.pool is not None
            else settings.PIPELINE_HOUSEHOLD_FEEDS
        )
        return {feed: market_data_sync(feed=feed, now=ctx.now)["series"] for feed in feeds}

    def fallback(self, ctx: StepContext) -> str:
        return "continue with the market data already stored"


class WeatherForecast(Step):
    name = "weather_forecast"
    description = "Fetch the numerical weather forecast (Open-Meteo) for every site"

    def execute(self, ctx: StepContext) -> dict:
        sites = pool_sites(ctx) if ctx.pool is not None else [ctx.site]
        issued_at = ctx.run.earliest_at if ctx.run else ctx.planned.earliest_at
        return {
            "sites": [
                weather_fetch_store(site=site, issued_at=issued_at, now=ctx.now) for site in sites
            ]
        }

    def fallback(self, ctx: StepContext) -> str:
        return "continue with the latest weather forecast issued before"


# --- pool steps --------------------------------------------------------------------------


def _forecast_ensure(ctx: StepContext, series, model_name: str, **kwargs) -> Job:
    from forecasting.models import ForecastRun
    from forecasting.services import forecast_run_request

    issued_at = ctx.planned.earliest_at
    existing = (
        ForecastRun.objects.for_tenant(ctx.tenant)
        .filter(series=series, issued_at=issued_at)
        .exclude(job__status__in=(JobStatus.FAILED, JobStatus.CANCELLED))
        .select_related("job")
        .first()
    )
    if existing is not None:
        return existing.job
    run = forecast_run_request(
        tenant=ctx.tenant,
        series=series,
        model_name=model_name,
        issued_at=issued_at,
        delivery_day=ctx.day,
        history_days=ctx.parameters.get("forecast_history_days", 56),
        **kwargs,
    )
    return run.job


class HeatDemandForecast(Step):
    name = "heat_demand_forecast"
    description = "Forecast each site's heat demand (temperature regression on the NWP forecast)"

    def ensure(self, ctx: StepContext) -> list[Job]:
        from optimization.selectors.bidding import site_heat_demand_series

        jobs = []
        for site in pool_sites(ctx):
            series = site_heat_demand_series(ctx.tenant, site)
            if series is None:
                raise ValidationError("pool_id", f"site {site.name!r} has no heat demand series")
            temperature = site_weather_series(site)["outdoor_temperature"]
            jobs.append(
                _forecast_ensure(
                    ctx,
                    series,
                    ctx.parameters.get("heat_model", "temperature_regression"),
                    regressor_series=[temperature],
                )
            )
        return jobs

    def fallback(self, ctx: StepContext) -> str:
        return "the bid plan bootstraps heat scenarios from history before gate closure"


class PriceForecast(Step):
    name = "price_forecast"
    description = "Forecast day-ahead price scenarios of the zone"

    def ensure(self, ctx: StepContext) -> list[Job]:
        from optimization.selectors.household import zone_public_series

        series = zone_public_series(ctx.pool.bidding_zone, "day_ahead_price")
        if series is None:
            raise ValidationError(
                "pool_id", f"no public day-ahead price series in {ctx.pool.bidding_zone.code}"
            )
        return [
            _forecast_ensure(
                ctx,
                series,
                ctx.parameters.get("price_model", "seasonal_naive"),
                scenario_count=ctx.parameters.get("price_scenarios", 5),
            )
        ]

    def fallback(self, ctx: StepContext) -> str:
        return "the bid plan bootstraps price scenarios from history before gate closure"


def day_plan(ctx: StepContext):
    from optimization.models import BidPlan

    return (
        BidPlan.objects.for_tenant(ctx.tenant)
        .filter(pool=ctx.pool, delivery_day=ctx.day)
        .exclude(job__status__in=(JobStatus.FAILED, JobStatus.CANCELLED))
        .select_related("job")
        .order_by("-id")
        .first()
    )


HEAT_LED = "heat-led setpoints: each unit covers its share of the forecast heat at its COP"


class BidPlanStep(Step):
    name = "bid_plan"
    description = "Solve the pool's bid plan: reserve offers and day-ahead curves"

    def ensure(self, ctx: StepContext) -> list[Job]:
        from optimization.services.bidding import bid_plan_request

        plan = day_plan(ctx)
        if plan is None:
            params = ctx.parameters
            plan = bid_plan_request(
                tenant=ctx.tenant,
                pool_id=ctx.pool.pk,
                delivery_day=ctx.day,
                mtu_minutes=params.get("mtu_minutes", 60),
                scenario_count=params.get("scenario_count", 5),
                product_codes=params.get("product_codes"),
                seed=params.get("seed", 0),
            )
        return [plan.job]

    def fallback(self, ctx: StepContext) -> str:
        return f"no bid: {HEAT_LED}"


class Submit(Step):
    name = "submit"
    needs = ("bid_plan",)
    description = "Submit reserve offers and day-ahead curves (the plan's exchange file)"

    def execute(self, ctx: StepContext) -> dict:
        from optimization.services.bidding_lifecycle import bid_plan_submit

        plan = day_plan(ctx)
        if plan is None:
            raise ValidationError("bid_plan", "no bid plan for the day")
        if plan.status == plan.Status.DRAFT:
            plan = bid_plan_submit(tenant=ctx.tenant, bid_plan_id=plan.pk)
        return {"bid_plan": plan.pk, "status": plan.status, "sha256": plan.exchange_file_sha256}

    def fallback(self, ctx: StepContext) -> str:
        return f"nothing submitted: {HEAT_LED}"


def _published_on(series, index: pd.DatetimeIndex, step_minutes: int) -> np.ndarray:
    from ainergy.timeseries.selectors import observations_resampled

    if series is None:
        return np.full(len(index), np.nan)
    resolution = max(series.resolution_minutes, step_minutes)
    end = index[-1] + pd.Timedelta(minutes=step_minutes)
    frame = observations_resampled(
        series, index[0].to_pydatetime(), end.to_pydatetime(), resolution_minutes=resolution
    )
    if frame.empty:
        return np.full(len(index), np.nan)
    return frame["value"].astype(float).reindex(index.floor(f"{resolution}min")).to_numpy(float)


class ResultsImport(Step):
    name = "results_import"
    needs = ("submit",)
    description = "Import what cleared once the auctions have published"

    def execute(self, ctx: StepContext) -> dict:
        """Price-taker clearing on the published prices: the curve at the area price, offers
        (submitted at 0 EUR/MW/h) accepted in full and paid the published capacity price."""
        from ainergy.markets.models import MarketProduct
        from ainergy.timeseries.sync import market_data_sync
        from optimization.selectors.bidding import bid_plan_bids
        from optimization.selectors.household import zone_public_series
        from optimization.services.bidding_data import capacity_price_series
        from optimization.services.bidding_lifecycle import bid_plan_results_record

        plan = day_plan(ctx)
        if plan is None or plan.status == plan.Status.DRAFT:
            raise ValidationError("bid_plan", "no submitted bid plan for the day")
        for feed in settings.PIPELINE_RESULTS_FEEDS:
            market_data_sync(feed=feed, now=ctx.now)
        zone = ctx.pool.bidding_zone
        index = delivery_day_periods(ctx.day, plan.mtu_minutes)
        prices = _published_on(zone_public_series(zone, "day_ahead_price"), index, plan.mtu_minutes)
        missing = int(np.isnan(prices).sum())
        if missing:
            raise TransientError(
                f"day-ahead prices of {ctx.day.isoformat()} in {zone.code} not published yet: "
                f"{missing} of {len(index)} MTUs missing"
            )
        reserves = []
        for bid in bid_plan_bids(plan):
            if bid.product.code == "day_ahead":
                continue
            product = MarketProduct.objects.get(code=bid.product.code)
            start = pd.DatetimeIndex([bid.delivery_start_at]).tz_convert("UTC")
            price = _published_on(capacity_price_series(product, zone), start, 60)[0]
            if math.isnan(price):
                raise TransientError(
                    f"{bid.product.code} capacity price of {bid.delivery_start_at:%Y-%m-%dT%H:%MZ}"
                    " not published yet"
                )
            offer_price = bid.capacity_price_eur_per_mw_h or 0.0
            reserves.append(
                {
                    "product_code": bid.product.code,
                    "delivery_start_at": bid.delivery_start_at,
                    "capacity_mw": bid.capacity_mw if price >= offer_price else 0.0,
                    "capacity_price_eur_per_mw_h": float(price),
                }
            )
        dispatch = bid_plan_results_record(
            tenant=ctx.tenant,
            bid_plan_id=plan.pk,
            day_ahead_clearing_prices_eur_per_mwh=[round(float(p), 2) for p in prices],
            reserves=[r for r in reserves if r["capacity_mw"] > 0],
        )
        return {
            "bid_plan": plan.pk,
            "results_version": dispatch.results.version,
            "dispatch_job": dispatch.job_id,
            "source": "published prices, price-taker clearing",
        }

    def fallback(self, ctx: StepContext) -> str:
        return "publish the bid plan's expected schedule (no cleared position recorded)"


class Dispatch(Step):
    name = "dispatch"
    needs = ("results_import",)
    description = "Turn the cleared position into setpoints per heat pump"

    def ensure(self, ctx: StepContext) -> list[Job]:
        from optimization.models import BidPlanResults

        plan = day_plan(ctx)
        latest = (
            BidPlanResults.objects.filter(bid_plan=plan).order_by("-version").first()
            if plan
            else None
        )
        dispatch = getattr(latest, "dispatch", None) if latest else None
        if dispatch is None:
            raise ValidationError("results_import", "no recorded results to dispatch")
        return [Job.objects.get(pk=dispatch.job_id)]

    def fallback(self, ctx: StepContext) -> str:
        return "publish the bid plan's expected schedule"


class Publish(Step):
    name = "publish"
    description = "Publish the setpoints (versioned; devices pull, webhooks and subscribers told)"

    def execute(self, ctx: StepContext) -> dict:
        from ainergy.pipeline.publication import schedule_publish

        source = pool_setpoints(ctx) if ctx.pool is not None else household_setpoints(ctx)
        if source is None:
            return {
                "published": False,
                "reason": "no schedule to publish: devices keep local control",
            }
        setpoints, cause, detail, links = source
        version, created = schedule_publish(
            tenant=ctx.tenant,
            delivery_day=ctx.day,
            setpoints=setpoints,
            cause=cause,
            cause_detail=detail,
            pool=ctx.pool,
            site=ctx.site,
            **links,
        )
        return {"version": version.version, "created": created, "cause": cause}

    def fallback(self, ctx: StepContext) -> str:
        return "devices keep the last published version"


# --- setpoint sources ----------------------------------------------------------------------


def _done(ctx: StepContext, step: str) -> bool:
    run = ctx.sibling(step)
    return run is not None and run.status == StepStatus.DONE


def dispatch_setpoints(dispatch) -> list:
    from ainergy.pipeline.publication import Setpoint
    from optimization.models import PoolDispatchSetpoint

    plan = dispatch.bid_plan
    step = dt.timedelta(minutes=plan.mtu_minutes)
    capacity = {
        int(unit["heat_pump_id"]): unit.get("storage_capacity_mwh", 0.0) * KW_PER_MW
        for unit in (plan.pool_snapshot or {}).get("heat_pumps", [])
    }
    return [
        Setpoint(
            heat_pump_id=row.heat_pump_id,
            start_at=row.start_at,
            end_at=row.start_at + step,
            power_kw=row.power_kw,
            is_on=row.is_on,
            storage_kwh=row.storage_kwh,
            storage_soc_fraction=(row.storage_kwh / capacity[row.heat_pump_id])
            if capacity.get(row.heat_pump_id)
            else None,
        )
        for row in PoolDispatchSetpoint.objects.filter(dispatch=dispatch).order_by(
            "heat_pump_id", "start_at"
        )
    ]


def pool_setpoints(ctx: StepContext):
    """Dispatch setpoints when the dispatch is done, else the plan's expected schedule, else
    heat-led setpoints (both fallbacks are recorded as the version's cause)."""
    from ainergy.pipeline.publication import Setpoint
    from optimization.models import BidPlanSchedulePeriod, PoolDispatch

    plan = day_plan(ctx)
    if plan is not None and _done(ctx, "dispatch"):
        dispatch = (
            PoolDispatch.objects.filter(bid_plan=plan, job__status=JobStatus.SUCCEEDED)
            .order_by("-results__version")
            .first()
        )
        if dispatch is not None:
            detail = {"source": "dispatch", "results_version": dispatch.results.version}
            return (
                dispatch_setpoints(dispatch),
                ScheduleCause.DISPATCH,
                detail,
                {"pool_dispatch": dispatch},
            )
    if plan is not None and plan.job.status == JobStatus.SUCCEEDED:
        step = dt.timedelta(minutes=plan.mtu_minutes)
        rows = BidPlanSchedulePeriod.objects.filter(bid_plan=plan).order_by(
            "heat_pump_id", "start_at"
        )
        setpoints = [
            Setpoint(
                heat_pump_id=row.heat_pump_id,
                start_at=row.start_at,
                end_at=row.start_at + step,
                power_kw=row.power_kw,
                is_on=row.power_kw > 0,
                storage_kwh=row.storage_kwh,
            )
            for row in rows
        ]
        if setpoints:
            detail = {"source": "bid plan expected schedule", "bid_plan": plan.pk,
                      "reason": "no dispatch of a cleared position"}  # fmt: skip
            return setpoints, ScheduleCause.FALLBACK, detail, {}
    setpoints, detail = heat_led_setpoints(ctx)
    return setpoints, ScheduleCause.FALLBACK, detail, {}


def _unit_cop(pump, source_c: float | None = None) -> float:
    """COP = eta * T_sink / (T_sink - T_source) [K], clipped to [1, cop_max]; 3 if unknown."""
    sink = pump.sink_temperature_c
    source = pump.source_temperature_c if source_c is None else source_c
    eta = pump.carnot_quality_grade
    if sink is None or source is None or eta is None or sink <= source:
        return 3.0
    cop = eta * (sink + 273.15) / (sink - source)
    return float(min(max(cop, 1.0), pump.cop_max))


def _heat_kw(series, index: pd.DatetimeIndex, now: dt.datetime) -> np.ndarray:
    """Heat demand [kW] on ``index``: the latest point forecast issued by ``now``, else the
    observations one week earlier (same local hour and weekday), else the mean of the last week."""
    from ainergy.timeseries.selectors import observations_resampled
    from forecasting.selectors import regressor_forecast

    values = regressor_forecast(series, issued_at=now, index=index).to_numpy(float)
    if np.isnan(values).any():
        week = pd.Timedelta(days=7)
        frame = observations_resampled(
            series,
            (index[0] - week).to_pydatetime(),
            (index[-1] - week + pd.Timedelta(hours=1)).to_pydatetime(),
            resolution_minutes=60,
        )
        earlier = frame["value"].astype(float).reindex((index - week).floor("h")).to_numpy(float)
        values = np.where(np.isnan(values), earlier, values)
    if np.isnan(values).any():
        mean = np.nanmean(values) if np.isfinite(values).any() else 0.0
        values = np.where(np.isnan(values), mean, values)
    return values


def heat_led_setpoints(ctx: StepContext):
    from ainergy.pipeline.publication import Setpoint
    from optimization.selectors.bidding import pool_heat_pumps, site_heat_demand_series

    mtu = int(ctx.parameters.get("mtu_minutes", 60))
    index = delivery_day_periods(ctx.day, mtu)
    pumps = pool_heat_pumps(ctx.tenant, ctx.pool, ctx.day)
    setpoints = []
    for site in sorted({p.site for p in pumps}, key=lambda s: s.pk):
        on_site = [p for p in pumps if p.site_id == site.pk]
        series = site_heat_demand_series(ctx.tenant, site)
        heat = _heat_kw(series, index, ctx.now) if series else np.zeros(len(index))
        total = sum(p.power_max_kw for p in on_site)
        for pump in on_site:
            share = pump.power_max_kw / total
            power = np.clip(share * heat / _unit_cop(pump), 0.0, pump.power_max_kw)
            power = np.where(power < pump.power_min_kw, 0.0, power)
            for start, kw in zip(index, power, strict=True):
                setpoints.append(
                    Setpoint(
                        heat_pump_id=pump.pk,
                        start_at=start.to_pydatetime(),
                        end_at=(start + pd.Timedelta(minutes=mtu)).to_pydatetime(),
                        power_kw=float(kw),
                        is_on=bool(kw > 0),
                    )
                )
    return setpoints, {"source": "heat-led", "rule": HEAT_LED}


# --- household steps -------------------------------------------------------------------


def day_schedule(ctx: StepContext):
    from optimization.models import HouseholdSchedule

    return (
        HouseholdSchedule.objects.for_tenant(ctx.tenant)
        .filter(site=ctx.site, delivery_day=ctx.day)
        .exclude(job__status__in=(JobStatus.FAILED, JobStatus.CANCELLED))
        .select_related("job")
        .order_by("-id")
        .first()
    )


HOUSEHOLD_REQUEST_FIELDS = (
    "tariff_table",
    "grid_company",
    "export_fee_dkk_per_kwh",
    "supplier_markup_dkk_per_kwh",
    "step_minutes",
    "heat_demand_series_id",
    "annual_heat_demand_kwh",
    "household_electricity_kwh_per_year",
    "tariff_year",
    "building",
    "co2_price_eur_per_tonne",
)


class HouseholdScheduleStep(Step):
    name = "household_schedule"
    description = "Solve the household's day-ahead schedule on published prices"

    def ensure(self, ctx: StepContext) -> list[Job]:
        from optimization.services.household import household_schedule_request

        schedule = day_schedule(ctx)
        if schedule is None:
            weather = site_weather_series(ctx.site)
            kwargs = {k: v for k, v in ctx.parameters.items() if k in HOUSEHOLD_REQUEST_FIELDS}
            schedule = household_schedule_request(
                tenant=ctx.tenant,
                site_id=ctx.site.pk,
                delivery_day=ctx.day,
                temperature_series_id=ctx.parameters.get(
                    "temperature_series_id", weather["outdoor_temperature"].pk
                ),
                solar_irradiance_series_id=ctx.parameters.get(
                    "solar_irradiance_series_id", weather["solar_irradiance"].pk
                ),
                **kwargs,
            )
        return [schedule.job]

    def fallback(self, ctx: StepContext) -> str:
        return "repeat the last valid household schedule (by local time of day)"


def _household_pump(site):
    from ainergy.assets.models import HeatPump

    return (
        HeatPump.objects.filter(site=site, kind="household", retired_at__isnull=True)
        .order_by("id")
        .first()
    )


def schedule_setpoints(schedule, pump, day: dt.date) -> list:
    """A household schedule's heat-pump setpoints mapped onto ``day`` (by local clock time when
    the schedule is of another day)."""
    from ainergy.pipeline.publication import Setpoint
    from optimization.models import HouseholdSchedulePeriod

    rows = list(HouseholdSchedulePeriod.objects.filter(schedule=schedule).order_by("start_at"))
    step = dt.timedelta(minutes=schedule.step_minutes)
    if schedule.delivery_day == day:
        pairs = [(row.start_at, row) for row in rows]
    else:
        by_clock = {row.start_at.astimezone(LOCAL_TZ).time(): row for row in rows}
        index = delivery_day_periods(day, schedule.step_minutes)
        pairs = []
        for start in index:
            row = by_clock.get(start.tz_convert(LOCAL_TZ).time())
            if row is not None:
                pairs.append((start.to_pydatetime(), row))
    return [
        Setpoint(
            heat_pump_id=pump.pk,
            start_at=start,
            end_at=start + step,
            power_kw=row.heat_pump_power_kw,
            is_on=row.heat_pump_power_kw > 0,
            storage_kwh=row.tank_energy_kwh,
        )
        for start, row in pairs
    ]


def household_setpoints(ctx: StepContext):
    from optimization.models import HouseholdSchedule

    pump = _household_pump(ctx.site)
    if pump is None:
        return None
    schedule = day_schedule(ctx)
    if schedule is not None and schedule.job.status == JobStatus.SUCCEEDED:
        detail = {"source": "household schedule", "household_schedule": schedule.pk}
        links = {"household_schedule": schedule}
        return (
            schedule_setpoints(schedule, pump, ctx.day),
            ScheduleCause.HOUSEHOLD_SCHEDULE,
            detail,
            links,
        )
    start, _ = delivery_day_bounds(ctx.day)
    last = (
        HouseholdSchedule.objects.for_tenant(ctx.tenant)
        .filter(site=ctx.site, delivery_day__lt=ctx.day, job__status=JobStatus.SUCCEEDED)
        .order_by("-delivery_day", "-id")
        .first()
    )
    if last is None:
        return None
    detail = {"source": "last valid household schedule", "household_schedule": last.pk,
              "of_day": last.delivery_day.isoformat()}  # fmt: skip
    return schedule_setpoints(last, pump, ctx.day), ScheduleCause.FALLBACK, detail, {}


POOL_STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        MarketData(),
        WeatherForecast(),
        HeatDemandForecast(),
        PriceForecast(),
        BidPlanStep(),
        Submit(),
        ResultsImport(),
        Dispatch(),
        Publish(),
    )
}
HOUSEHOLD_STEPS: dict[str, Step] = {
    step.name: step
    for step in (MarketData(), WeatherForecast(), HouseholdScheduleStep(), Publish())
}


def steps_of(enrollment: PipelineEnrollment) -> dict[str, Step]:
    return POOL_STEPS if enrollment.pool_id else HOUSEHOLD_STEPS
