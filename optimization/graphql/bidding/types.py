from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.assets.graphql.types import HeatPumpType, PoolType
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import choices_enum, graphql_enum
from ainergy.jobs.graphql.types import JobType
from ainergy.markets.graphql.enums import BidStatusEnum, MarketProductCodeEnum
from ainergy.markets.graphql.types import CurvePoint, MarketAccountType
from ainergy.markets.models import Bid
from optimization import models
from optimization.services.bidding import DAY_AHEAD_CODE, bid_plan_export

CurveExportFormat = graphql_enum(
    "CurveExportFormat",
    "File format of a Nord Pool-style curve order.",
    {
        "CSV": ("csv", "Comma-separated values, one row per MTU and price step."),
        "JSON": ("json", "JSON document with one curve per MTU."),
    },
)

ScenarioSourceEnum = choices_enum(
    "ScenarioSource",
    "Where a bid plan's price and heat-demand scenarios came from.",
    models.BidPlan.ScenarioSource,
    {
        "STORED_FORECAST": "Scenario paths of stored forecasts issued before gate closure.",
        "BOOTSTRAP": "Block bootstrap of history before gate closure.",
    },
)

BidPlanActionEnum = graphql_enum(
    "BidPlanAction",
    "A step in a bid plan's lifecycle.",
    {
        "REQUEST": ("request", "The plan was requested (its job queued)."),
        "SUBMIT": ("submit", "The plan was submitted to the market."),
        "RESULTS_RECORD": ("results_record", "Clearing results were recorded."),
        "RESULTS_CORRECT": ("results_correct", "Corrected results were recorded (new version)."),
        "DISPATCH": ("dispatch", "Setpoints were computed from the latest results."),
    },
)

BidPlanStatus = choices_enum(
    "BidPlanStatus",
    "Where a bid plan is in its lifecycle.",
    models.BidPlan.Status,
    {
        "DRAFT": "Computed (or being computed); not submitted to the market.",
        "SUBMITTED": "Submitted: bids marked, exchange file frozen.",
        "RESULTS_RECORDED": "Clearing results recorded (latest version counts).",
        "DISPATCHED": "Setpoints computed from the latest results.",
    },
)


@strawberry.type
class DayAheadCurve:
    """Purchase curve of one MTU: volumes non-increasing in price, floor to cap."""

    bid_id: relay.GlobalID
    delivery_start_at: dt.datetime
    delivery_end_at: dt.datetime
    points: list[CurvePoint]
    status: BidStatusEnum  # type: ignore[valid-type]
    accepted_volume_mw: float | None
    clearing_price_eur_per_mwh: float | None


@strawberry.type
class ReserveCapacityOffer:
    """Capacity offered (price-taking) for one product and block, certified deliverable."""

    bid_id: relay.GlobalID
    product_code: MarketProductCodeEnum  # type: ignore[valid-type]
    delivery_start_at: dt.datetime
    delivery_end_at: dt.datetime
    capacity_mw: float
    capacity_price_eur_per_mw_h: float | None
    status: BidStatusEnum  # type: ignore[valid-type]
    accepted_capacity_mw: float | None


@strawberry.type
class ScenarioCost:
    scenario: int
    probability: float
    cost_eur: float


@strawberry.type
class BidPlanRisk:
    """Cost of the day net of reserve revenue [EUR]: expectation, CVaR and per scenario."""

    objective_eur: float
    expected_cost_eur: float
    cvar_eur: float
    cvar_alpha: float
    cvar_weight: float
    expected_components_eur: JSON
    scenario_costs: list[ScenarioCost]


def _bids_prefetch(to_attr: str, day_ahead: bool) -> Prefetch:
    bids = Bid.objects.select_related("product").prefetch_related("results")
    bids = (
        bids.filter(product__code=DAY_AHEAD_CODE)
        if day_ahead
        else bids.exclude(product__code=DAY_AHEAD_CODE)
    )
    return Prefetch(
        "bids", queryset=bids.order_by("delivery_start_at", "product__code", "id"), to_attr=to_attr
    )


def _last_result(bid: Bid):
    results = list(bid.results.all())
    return results[-1] if results else None


def _bids(root: models.BidPlan, attribute: str, day_ahead: bool) -> list[Bid]:
    bids = getattr(root, attribute, None)
    if bids is None:
        bids = list(_bids_prefetch(attribute, day_ahead).queryset.filter(pk__in=root.bids.all()))
    return [bid for bid in bids if bid.tenant_id == root.tenant_id]


@strawberry_django.type(models.BidPlanSchedulePeriod, name="BidPlanSchedulePeriod")
class BidPlanSchedulePeriodType(relay.Node):
    """Expected (probability-weighted) operation of one heat pump in one period [kW, kWh_th]."""

    heat_pump: HeatPumpType
    start_at: auto
    power_kw: auto
    storage_kwh: auto
    backup_heat_kw: auto
    reserve_kw: JSON

    @strawberry_django.field(only=["heat_pump_id"])
    def heat_pump_id(self, root: models.BidPlanSchedulePeriod) -> relay.GlobalID:
        return relay.GlobalID("HeatPump", str(root.heat_pump_id))

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.PoolDispatchSetpoint, name="PoolDispatchSetpoint")
class PoolDispatchSetpointType(relay.Node):
    heat_pump: HeatPumpType
    start_at: auto
    power_kw: auto
    is_on: auto
    storage_kwh: auto
    backup_heat_kw: auto
    reserve_kw: JSON

    @strawberry_django.field(only=["heat_pump_id"])
    def heat_pump_id(self, root: models.PoolDispatchSetpoint) -> relay.GlobalID:
        return relay.GlobalID("HeatPump", str(root.heat_pump_id))

    @strawberry_django.field(only=["start_at"])
    def start_local(self, root: models.PoolDispatchSetpoint) -> str:
        """Start on the Europe/Copenhagen clock, ISO 8601 with its UTC offset."""
        return root.start_at.astimezone(LOCAL_TZ).isoformat()

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.PoolDispatch, name="PoolDispatch")
class PoolDispatchType(relay.Node):
    job: JobType
    day_ahead_volume_mw: list[float]
    reserve_capacity_mw: JSON
    heat_demand_source: auto
    deviation_mw: list[float]
    costs_eur: JSON
    created_at: auto
    setpoints: list[PoolDispatchSetpointType]

    @strawberry_django.field(only=["bid_plan_id"])
    def bid_plan_id(self, root: models.PoolDispatch) -> relay.GlobalID:
        return relay.GlobalID("BidPlan", str(root.bid_plan_id))

    @strawberry_django.field(select_related=["results"], only=["results__version"])
    def results_version(self, root: models.PoolDispatch) -> int | None:
        """The results version this dispatch follows (a correction re-dispatches)."""
        return None if root.results_id is None else root.results.version

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type
class ReserveAcceptance:
    """Capacity accepted for one reserve offer in a results version."""

    bid_id: relay.GlobalID
    product_code: MarketProductCodeEnum  # type: ignore[valid-type]
    delivery_start_at: dt.datetime
    capacity_mw: float = strawberry.field(description="Accepted capacity [MW]")
    capacity_price_eur_per_mw_h: float | None = strawberry.field(
        description="Capacity price paid [EUR/(MW·h)], when given"
    )


@strawberry_django.type(models.BidPlanResults, name="BidPlanResults")
class BidPlanResultsType(relay.Node):
    """One version of what cleared for a plan; corrections add versions, the latest wins."""

    version: auto
    created_at: auto
    content_sha256: auto
    day_ahead_volume_mw: list[float] = strawberry_django.field(
        description="Accepted purchase per MTU [MW]"
    )
    day_ahead_clearing_price_eur_per_mwh: list[float] | None = strawberry_django.field(
        description="Clearing price per MTU [EUR/MWh]; null when volumes were given"
    )

    @strawberry_django.field(only=["reserve_acceptances"])
    def reserve_acceptances(self, root: models.BidPlanResults) -> list[ReserveAcceptance]:
        return [
            ReserveAcceptance(
                bid_id=relay.GlobalID("Bid", str(entry["bid_id"])),
                product_code=MarketProductCodeEnum(entry["product_code"]),
                delivery_start_at=dt.datetime.fromisoformat(entry["delivery_start_at"]),
                capacity_mw=entry["capacity_mw"],
                capacity_price_eur_per_mw_h=entry["capacity_price_eur_per_mw_h"],
            )
            for entry in root.reserve_acceptances
        ]

    @strawberry_django.field(only=["bid_plan_id"])
    def bid_plan_id(self, root: models.BidPlanResults) -> relay.GlobalID:
        return relay.GlobalID("BidPlan", str(root.bid_plan_id))

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.BidPlanEvent, name="BidPlanEvent")
class BidPlanEventType(relay.Node):
    """One lifecycle step of a plan: who (or which job) moved it, from what to what, when."""

    @strawberry_django.field(only=["action"], description="What happened.")
    def action(self, root: models.BidPlanEvent) -> BidPlanActionEnum:  # type: ignore[valid-type]
        return BidPlanActionEnum(root.action)

    results_version: int | None = strawberry_django.field(
        description="The results version the step concerns, if any"
    )
    at: auto

    @strawberry_django.field(only=["from_status"])
    def from_status(self, root: models.BidPlanEvent) -> BidPlanStatus | None:
        return BidPlanStatus(root.from_status) if root.from_status else None

    @strawberry_django.field(only=["to_status"])
    def to_status(self, root: models.BidPlanEvent) -> BidPlanStatus:
        return BidPlanStatus(root.to_status)

    @strawberry_django.field(only=["job_id"])
    def job_id(self, root: models.BidPlanEvent) -> relay.GlobalID | None:
        return None if root.job_id is None else relay.GlobalID("Job", str(root.job_id))

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.BidPlanUnit, name="BidPlanUnit")
class BidPlanUnitType(relay.Node):
    """A heat pump of a plan as it was when the plan was requested."""

    name: auto
    power_min_kw: float = strawberry_django.field(description="Minimum load then [kW]")
    power_max_kw: float = strawberry_django.field(description="Maximum power then [kW]")
    is_offered: bool = strawberry_django.field(
        description="Offered by this plan (submitted): no other plan offers it that day"
    )

    @strawberry_django.field(only=["heat_pump_id"])
    def heat_pump_id(self, root: models.BidPlanUnit) -> relay.GlobalID:
        return relay.GlobalID("HeatPump", str(root.heat_pump_id))

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.filter_type(models.BidPlan, lookups=False)
class BidPlanFilter:
    delivery_day: auto


@strawberry_django.type(models.BidPlan, name="BidPlan", filters=BidPlanFilter)
class BidPlanType(relay.Node):
    pool: PoolType
    market_account: MarketAccountType
    job: JobType
    submitted_at: auto
    exchange_file_sha256: auto
    delivery_day: auto
    mtu_minutes: auto
    gate_closure_at: auto
    scenario_count: auto
    seed: auto

    @strawberry_django.field(
        only=["scenario_source"],
        description="Where the scenarios came from; null until the job has succeeded.",
    )
    def scenario_source(self, root: models.BidPlan) -> ScenarioSourceEnum | None:  # type: ignore[valid-type]
        return ScenarioSourceEnum(root.scenario_source) if root.scenario_source else None

    @strawberry_django.field(only=["product_codes"], description="Reserve products offered.")
    def product_codes(self, root: models.BidPlan) -> list[MarketProductCodeEnum]:  # type: ignore[valid-type]
        return [MarketProductCodeEnum(code) for code in root.product_codes]

    cvar_weight: auto
    cvar_alpha: auto
    imbalance_penalty_eur_per_mwh: auto
    period_count: auto
    formulation: auto
    derated_mw: JSON
    expected_inputs: JSON
    assumptions: list[str]
    created_at: auto
    periods: list[BidPlanSchedulePeriodType]
    dispatches: list[PoolDispatchType]
    units: list[BidPlanUnitType]
    results: list[BidPlanResultsType] = strawberry_django.field(
        description="Every results version, oldest first; the last one counts"
    )
    events: list[BidPlanEventType]

    @strawberry_django.field(only=["status"])
    def status(self, root: models.BidPlan) -> BidPlanStatus:
        """draft → submitted (bids marked, exchange file frozen) → results recorded → dispatched."""
        return BidPlanStatus(root.status)

    @strawberry_django.field(
        only=[
            "objective_eur",
            "expected_cost_eur",
            "cvar_eur",
            "cvar_alpha",
            "cvar_weight",
            "expected_components_eur",
            "scenario_probabilities",
            "scenario_cost_eur",
        ]
    )
    def risk(self, root: models.BidPlan) -> BidPlanRisk | None:
        """Null until the job has succeeded."""
        if root.expected_cost_eur is None:
            return None
        return BidPlanRisk(
            objective_eur=root.objective_eur,
            expected_cost_eur=root.expected_cost_eur,
            cvar_eur=root.cvar_eur,
            cvar_alpha=root.cvar_alpha,
            cvar_weight=root.cvar_weight,
            expected_components_eur=root.expected_components_eur,
            scenario_costs=[
                ScenarioCost(scenario=k, probability=probability, cost_eur=cost)
                for k, (probability, cost) in enumerate(
                    zip(root.scenario_probabilities, root.scenario_cost_eur, strict=True)
                )
            ],
        )

    @strawberry_django.field(
        only=["tenant_id"], prefetch_related=[_bids_prefetch("day_ahead_bids", True)]
    )
    def day_ahead_curves(self, root: models.BidPlan) -> list[DayAheadCurve]:
        curves = []
        for bid in _bids(root, "day_ahead_bids", True):
            result = _last_result(bid)
            curves.append(
                DayAheadCurve(
                    bid_id=relay.GlobalID("Bid", str(bid.pk)),
                    delivery_start_at=bid.delivery_start_at,
                    delivery_end_at=bid.delivery_end_at,
                    points=[CurvePoint(price_eur_per_mwh=p, volume_mw=v) for p, v in bid.curve],
                    status=BidStatusEnum(bid.status),
                    accepted_volume_mw=None if result is None else result.accepted_volume_mw,
                    clearing_price_eur_per_mwh=None
                    if result is None
                    else result.clearing_price_eur_per_mwh,
                )
            )
        return curves

    @strawberry_django.field(
        only=["tenant_id"], prefetch_related=[_bids_prefetch("reserve_bids", False)]
    )
    def reserve_offers(self, root: models.BidPlan) -> list[ReserveCapacityOffer]:
        offers = []
        for bid in _bids(root, "reserve_bids", False):
            result = _last_result(bid)
            offers.append(
                ReserveCapacityOffer(
                    bid_id=relay.GlobalID("Bid", str(bid.pk)),
                    product_code=MarketProductCodeEnum(bid.product.code),
                    delivery_start_at=bid.delivery_start_at,
                    delivery_end_at=bid.delivery_end_at,
                    capacity_mw=bid.capacity_mw,
                    capacity_price_eur_per_mw_h=bid.capacity_price_eur_per_mw_h,
                    status=BidStatusEnum(bid.status),
                    accepted_capacity_mw=None if result is None else result.accepted_volume_mw,
                )
            )
        return offers

    @strawberry_django.field(
        only=["tenant_id", "delivery_day", "mtu_minutes"],
        prefetch_related=[_bids_prefetch("day_ahead_bids", True)],
        select_related=["market_account", "pool__bidding_zone"],
    )
    def nord_pool_export(
        self, root: models.BidPlan, format: CurveExportFormat = CurveExportFormat.CSV
    ) -> str:
        """The day-ahead curves as a Nord Pool-style curve order (purchases positive, MW)."""
        return bid_plan_export(root, _bids(root, "day_ahead_bids", True), format.value)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type
class HeatPumpSchedule:
    """Setpoints of one heat pump for a delivery day from the newest succeeded dispatch."""

    heat_pump: HeatPumpType
    delivery_day: dt.date
    mtu_minutes: int
    pool_dispatch: PoolDispatchType
    setpoints: list[PoolDispatchSetpointType]
