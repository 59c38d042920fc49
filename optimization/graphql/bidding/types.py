from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay

from ainergy.assets.graphql.types import HeatPumpType, PoolType
from ainergy.common.ids import global_id
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import choices_enum, describe, graphql_enum
from ainergy.jobs.graphql.types import JobType
from ainergy.markets.graphql.enums import BiddingZoneEnum, BidStatusEnum, MarketProductCodeEnum
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


CurveBuyReasonEnum = graphql_enum(
    "CurveBuyReason",
    "Why a day-ahead curve still buys at its highest buy price.",
    {
        "MUST_BUY": ("must_buy", "Heat above backup and storage capacity: bought at any price."),
        "RESERVE_COMMITMENT": (
            "reserve_commitment",
            "Accepted up-reserve needs its units at minimum load plus the reserve: bought at "
            "any price (the reserve markets clear before the day-ahead gate).",
        ),
        "BACKUP_VALUE": (
            "backup_value",
            "Up to backup-heat cost x COP: above it backup heat is cheaper than electricity.",
        ),
        "STORAGE_VALUE": (
            "storage_value",
            "Up to the storage value x COP: above it heat from the storage, made in another MTU, "
            "is cheaper.",
        ),
        "SCENARIO_PLAN": (
            "scenario_plan",
            "Within the scenario prices: the plan draws nothing in costlier scenarios.",
        ),
        "NONE": ("none", "Buys nothing at any price."),
    },
)

ZeroVolumeReasonEnum = graphql_enum(
    "ZeroVolumeReason",
    "Why an MTU's curve buys nothing at any price (read in its cheapest scenario).",
    {
        "STORAGE_FULL": ("storage_full", "The storage is full even in the cheapest scenario."),
        "NO_HEAT_DEMAND": ("no_heat_demand", "No heat demand and no room worth filling."),
        "HEAT_CHEAPER_ELSEWHERE": (
            "heat_cheaper_elsewhere",
            "Heat from storage or backup is worth less than the lowest scenario price.",
        ),
        "HEAT_FROM_STORAGE": (
            "heat_from_storage",
            "The storage, filled in cheaper periods, serves the heat.",
        ),
        "BACKUP_HEAT": ("backup_heat", "Backup heat serves the demand."),
        "SCENARIO_PLAN": ("scenario_plan", "No scenario's plan draws power at this MTU."),
    },
)

DeviationReasonEnum = graphql_enum(
    "DispatchDeviationReason",
    "The constraint family that makes a cleared position undeliverable in an MTU.",
    {
        "STORAGE_CAPACITY": (
            "storage_capacity",
            "The storage is full: the heat has nowhere to go.",
        ),
        "STORAGE_MINIMUM": ("storage_minimum", "The storage is at its minimum."),
        "HEAT_BALANCE": ("heat_balance", "Heat demand cannot be met."),
        "TERMINAL_STORAGE": (
            "terminal_storage",
            "The storage must end the day as full as it began.",
        ),
        "MIN_LOAD": ("min_load", "Only whole on/off decisions stand in the way (minimum load)."),
        "MAX_LOAD": ("max_load", "The cleared volume exceeds what the running units can draw."),
        "START": ("start", "Start-up of a unit."),
        "RAMP": ("ramp", "Ramp limits."),
        "BACKUP_CAPACITY": ("backup_capacity", "The backup boiler is at its maximum."),
        "RESERVE_HEADROOM_UP": (
            "reserve_headroom_up",
            "Up-reserve needs units running at minimum load plus the reserve.",
        ),
        "RESERVE_HEADROOM_DOWN": (
            "reserve_headroom_down",
            "Down-reserve needs headroom below maximum power.",
        ),
        "RESERVE_ENDURANCE_UP": (
            "reserve_endurance_up",
            "The storage cannot sustain a full up activation.",
        ),
        "RESERVE_ENDURANCE_DOWN": (
            "reserve_endurance_down",
            "The storage cannot absorb a full down activation.",
        ),
        "RESERVE_UNIT_CAPACITY": (
            "reserve_unit_capacity",
            "More reserve than the units' headroom and ramp over the activation time.",
        ),
        "TIME_LIMIT": (
            "time_limit",
            "The solver stopped before proving a deviation-free schedule exists.",
        ),
    },
)

DeviationPriceSourceEnum = graphql_enum(
    "DeviationPriceSource",
    "What settles a deviation in an MTU.",
    {
        "IMBALANCE_PRICE": ("imbalance_price", "The published imbalance price."),
        "PENALTY": (
            "penalty",
            "No imbalance price published: the recorded day-ahead price plus or minus the "
            "conservative deviation penalty.",
        ),
    },
)

DispatchSolveStatusEnum = graphql_enum(
    "DispatchSolveStatus",
    "How the dispatch schedule was found.",
    {
        "OPTIMAL": ("optimal", "Proven optimal (within the MIP gap)."),
        "FEASIBLE": ("feasible", "Best schedule found at the time limit."),
        "FALLBACK": ("fallback", "A heuristic schedule; the MILP found none in time."),
    },
)


@strawberry.type(description="Why one MTU's day-ahead curve looks as it does.")
class CurveDiagnostic:
    period_start_at: dt.datetime = strawberry.field(description="UTC start of the MTU.")
    highest_buy_price_eur_per_mwh: float | None = strawberry.field(
        description="Highest price at which the curve still buys [EUR/MWh]; null: buys nothing."
    )
    highest_buy_reason: CurveBuyReasonEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why it buys up to that price."
    )
    explanation: str = strawberry.field(
        description="The same in words, with the numbers behind it (EUR/MWh_th, COP, units)."
    )
    top_scenario_price_eur_per_mwh: float = strawberry.field(
        description="Highest scenario price of the MTU [EUR/MWh]; above it the value steps apply."
    )
    must_buy_mw: float = strawberry.field(description="Volume bought at any price [MW].")
    zero_volume_reason: ZeroVolumeReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why the MTU buys nothing at any price; null when it buys."
    )


@strawberry.type(description="The cleared position of one MTU and how the dispatch met it.")
class DispatchPeriod:
    period_start_at: dt.datetime = strawberry.field(description="UTC start of the MTU.")
    cleared_volume_mw: float = strawberry.field(description="Cleared day-ahead purchase [MW].")
    deviation_mw: float = strawberry.field(
        description="Pool power minus the cleared volume [MW]; 0 where delivered."
    )
    reason: DeviationReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Constraint family that makes the position undeliverable; null where the "
        "position is delivered (energy and reserves)."
    )
    day_ahead_price_eur_per_mwh: float | None = strawberry.field(
        description="Recorded clearing price [EUR/MWh] (published price where none was recorded)."
    )
    imbalance_price_eur_per_mwh: float | None = strawberry.field(
        description="Published imbalance price [EUR/MWh]; null where none is published."
    )
    price_source: DeviationPriceSourceEnum = strawberry.field(  # type: ignore[valid-type]
        description="What settles a deviation in this MTU."
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


@strawberry.type(description="Reserve power held for one product.")
class ReservePower:
    product_code: MarketProductCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="The reserve product."
    )
    power_kw: float = strawberry.field(description="Power held [kW].")


@strawberry.type(description="Reserve capacity of one product per MTU of the day.")
class ReserveCapacitySchedule:
    product_code: MarketProductCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="The reserve product."
    )
    capacity_mw: list[float] = strawberry.field(description="Capacity per MTU [MW].")


@strawberry.type(description="Capacity of one reserve product [MW].")
class ReserveCapacity:
    product_code: MarketProductCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="The reserve product."
    )
    capacity_mw: float = strawberry.field(description="Capacity [MW].")


@strawberry.type(description="One named part of a cost [EUR].")
class CostComponent:
    component: str = strawberry.field(
        description="What the part is, as the optimizer names it (e.g. day_ahead, reserve, "
        "imbalance, imbalance_penalty, backup, start, non_delivery); negative = revenue."
    )
    cost_eur: float = strawberry.field(description="Amount [EUR].")


def reserve_power(mapping: dict | None) -> list[ReservePower]:
    return [
        ReservePower(product_code=MarketProductCodeEnum(code), power_kw=float(value))
        for code, value in sorted((mapping or {}).items())
    ]


def cost_components(mapping: dict | None) -> list[CostComponent]:
    return [
        CostComponent(component=name, cost_eur=float(value))
        for name, value in (mapping or {}).items()
        if value is not None
    ]


@strawberry.type(
    description="Probability-weighted inputs the plan was optimised on, per MTU of the day."
)
class BidPlanExpectedInputs:
    day_ahead_price_eur_per_mwh: list[float] = strawberry.field(
        description="Expected day-ahead price [EUR/MWh]."
    )
    imbalance_price_eur_per_mwh: list[float] = strawberry.field(
        description="Expected imbalance price [EUR/MWh]."
    )
    heat_demand_mw: list[float] = strawberry.field(description="Expected heat demand [MW_th].")
    source_temperature_c: list[float] = strawberry.field(
        description="Expected heat-source temperature [°C]."
    )


@strawberry.type(
    description="One scenario of the plan's price and heat-demand fan, per MTU of the plan."
)
class BidPlanScenarioPath:
    scenario: int = strawberry.field(
        description="Index of the scenario (as in risk.scenarioCosts)."
    )
    probability: float = strawberry.field(description="Probability of the scenario.")
    day_ahead_price_eur_per_mwh: list[float] = strawberry.field(
        description="Day-ahead price of the scenario per MTU [EUR/MWh]."
    )
    heat_demand_mw: list[float] = strawberry.field(
        description="Heat demand of the pool in the scenario per MTU [MW_th]."
    )


@strawberry.type(
    description="Cost of the day net of reserve revenue [EUR]: expectation, CVaR and per scenario."
)
class BidPlanRisk:
    objective_eur: float = strawberry.field(
        description="Optimised objective: (1 − cvarWeight) × expected cost + cvarWeight × CVaR "
        "[EUR]."
    )
    expected_cost_eur: float = strawberry.field(description="Expected cost [EUR].")
    cvar_eur: float = strawberry.field(
        description="Mean cost of the worst (1 − cvarAlpha) share of scenarios [EUR]."
    )
    cvar_alpha: float = strawberry.field(description="CVaR confidence level.")
    cvar_weight: float = strawberry.field(description="Weight of CVaR in the objective.")
    expected_components: list[CostComponent] = strawberry.field(
        description="Expected cost by component [EUR]."
    )
    scenario_costs: list[ScenarioCost] = strawberry.field(description="Cost per scenario.")


@strawberry.type(description="The curve of one MTU in a curve order.")
class CurveOrderCurve:
    delivery_start_at: dt.datetime = strawberry.field(description="MTU start (UTC).")
    delivery_end_at: dt.datetime = strawberry.field(description="MTU end (UTC), exclusive.")
    points: list[CurvePoint] = strawberry.field(
        description="Price-volume points, prices strictly rising from floor to cap."
    )


@strawberry.type(description="A Nord Pool-style day-ahead curve order of one bid plan.")
class CurveOrder:
    bid_plan_id: strawberry.ID = strawberry.field(description="The bid plan.")
    auction: str = strawberry.field(description="Auction, SDAC (single day-ahead coupling).")
    delivery_day: dt.date = strawberry.field(description="Local delivery day.")
    bidding_zone: BiddingZoneEnum = strawberry.field(  # type: ignore[valid-type]
        description="Area the order is for."
    )
    portfolio: str = strawberry.field(
        description="Portfolio: the BRP code of the market account, else its name."
    )
    currency: str = strawberry.field(description="Currency of the prices (EUR).")
    mtu_minutes: int = strawberry.field(description="Market time unit [min].")
    curves: list[CurveOrderCurve] = strawberry.field(description="One curve per MTU.")

    @strawberry.field(description="Where to download the order as a file (same bearer token).")
    def download_url(
        self,
        format: Annotated[
            CurveExportFormat,  # type: ignore[valid-type]
            strawberry.argument(description="File format."),
        ] = CurveExportFormat.CSV,  # type: ignore[attr-defined]
    ) -> str:
        return f"/api/v1/bid-plans/{self.bid_plan_id}/curves?format={format.value}"


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

    @strawberry_django.field(only=["reserve_kw"], description="Reserve held per product [kW].")
    def reserve(self, root: models.BidPlanSchedulePeriod) -> list[ReservePower]:
        return reserve_power(root.reserve_kw)

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

    @strawberry_django.field(only=["reserve_kw"], description="Reserve held per product [kW].")
    def reserve(self, root: models.PoolDispatchSetpoint) -> list[ReservePower]:
        return reserve_power(root.reserve_kw)

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

    @strawberry_django.field(only=["heat_demand_source"])
    def heat_demand_source(self, root: models.PoolDispatch) -> str | None:
        return root.heat_demand_source or None

    deviation_mw: list[float]
    created_at: auto

    @strawberry_django.field(
        only=["reserve_capacity_mw"], description="Accepted reserve capacity per product."
    )
    def reserve_capacity(self, root: models.PoolDispatch) -> list[ReserveCapacitySchedule]:
        return [
            ReserveCapacitySchedule(
                product_code=MarketProductCodeEnum(code), capacity_mw=[float(v) for v in values]
            )
            for code, values in sorted((root.reserve_capacity_mw or {}).items())
        ]

    @strawberry_django.field(only=["costs_eur"], description="Cost of the day by component.")
    def costs(self, root: models.PoolDispatch) -> list[CostComponent]:
        return cost_components(root.costs_eur)

    @strawberry_django.field(
        select_related=["bid_plan"],
        only=[
            "day_ahead_volume_mw",
            "deviation_mw",
            "deviation_reasons",
            "day_ahead_price_eur_per_mwh",
            "imbalance_price_eur_per_mwh",
            "bid_plan__delivery_day",
            "bid_plan__mtu_minutes",
        ],
        description="Per MTU: cleared volume, deviation and its reason, the prices that settle "
        "it; empty until the dispatch job has succeeded.",
    )
    def periods(self, root: models.PoolDispatch) -> list[DispatchPeriod]:
        if not root.deviation_reasons:
            return []
        index = delivery_day_periods(root.bid_plan.delivery_day, root.bid_plan.mtu_minutes)
        prices = root.day_ahead_price_eur_per_mwh or [None] * len(index)
        imbalance = root.imbalance_price_eur_per_mwh or [None] * len(index)
        return [
            DispatchPeriod(
                period_start_at=start.to_pydatetime(),
                cleared_volume_mw=float(volume),
                deviation_mw=float(deviation),
                reason=DeviationReasonEnum(reason) if reason else None,
                day_ahead_price_eur_per_mwh=price,
                imbalance_price_eur_per_mwh=published,
                price_source=DeviationPriceSourceEnum(
                    "penalty" if published is None else "imbalance_price"
                ),
            )
            for start, volume, deviation, reason, price, published in zip(
                index,
                root.day_ahead_volume_mw,
                root.deviation_mw,
                root.deviation_reasons,
                prices,
                imbalance,
                strict=True,
            )
        ]

    @strawberry_django.field(only=["solve_status"])
    def solve_status(self, root: models.PoolDispatch) -> DispatchSolveStatusEnum | None:  # type: ignore[valid-type]
        """How the schedule was found; null until the dispatch job has succeeded."""
        return DispatchSolveStatusEnum(root.solve_status) if root.solve_status else None

    @strawberry_django.field(only=["deviation_penalty_eur_per_mwh"])
    def deviation_penalty_eur_per_mwh(self, root: models.PoolDispatch) -> float | None:
        """Conservative penalty on |deviation| where no imbalance price is published
        [EUR/MWh]: above the day's price spread and anything a deviation could save."""
        return root.deviation_penalty_eur_per_mwh

    @strawberry_django.field(
        only=["reserve_shortfall_mw"],
        description="Accepted reserve capacity not held, per product and MTU [MW].",
    )
    def reserve_shortfall(self, root: models.PoolDispatch) -> list[ReserveCapacitySchedule]:
        return [
            ReserveCapacitySchedule(
                product_code=MarketProductCodeEnum(code), capacity_mw=[float(v) for v in values]
            )
            for code, values in sorted((root.reserve_shortfall_mw or {}).items())
        ]

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

    @strawberry_django.field(only=["formulation"])
    def formulation(self, root: models.BidPlan) -> str | None:
        return root.formulation or None

    @strawberry_django.field(
        only=["derated_mw"],
        description="Reserve capacity the pool can certify per product after derating [MW].",
    )
    def derated_capacity(self, root: models.BidPlan) -> list[ReserveCapacity]:
        return [
            ReserveCapacity(product_code=MarketProductCodeEnum(code), capacity_mw=float(value))
            for code, value in sorted((root.derated_mw or {}).items())
        ]

    @strawberry_django.field(
        only=["diagnostics"],
        description="Per MTU: the highest buy price of its curve and why, the volume bought at "
        "any price, and why an MTU buys nothing; empty until the job has succeeded.",
    )
    def curve_diagnostics(self, root: models.BidPlan) -> list[CurveDiagnostic]:
        return [
            CurveDiagnostic(
                period_start_at=dt.datetime.fromisoformat(item["period_start_at"]),
                highest_buy_price_eur_per_mwh=item["highest_buy_price_eur_per_mwh"],
                highest_buy_reason=CurveBuyReasonEnum(item["highest_buy_reason"]),
                explanation=item["explanation"],
                top_scenario_price_eur_per_mwh=item["top_scenario_price_eur_per_mwh"],
                must_buy_mw=item["must_buy_mw"],
                zero_volume_reason=ZeroVolumeReasonEnum(item["zero_volume_reason"])
                if item["zero_volume_reason"]
                else None,
            )
            for item in (root.diagnostics or {}).get("curves", [])
        ]

    @strawberry_django.field(
        only=["expected_inputs"],
        description="Expected prices and heat demand per MTU; null until the job has succeeded.",
    )
    def expected_inputs(self, root: models.BidPlan) -> BidPlanExpectedInputs | None:
        inputs = root.expected_inputs or {}
        if not inputs:
            return None
        return BidPlanExpectedInputs(
            day_ahead_price_eur_per_mwh=inputs.get("day_ahead_price_eur_per_mwh", []),
            imbalance_price_eur_per_mwh=inputs.get("imbalance_price_eur_per_mwh", []),
            heat_demand_mw=inputs.get("heat_demand_mw", []),
            source_temperature_c=inputs.get("source_temperature_c", []),
        )

    @strawberry_django.field(
        only=["scenario_paths", "scenario_probabilities"],
        description="The scenario fan: each scenario's day-ahead price and heat demand per MTU, "
        "weighted by its probability they give expectedInputs; empty until the job has "
        "succeeded (and for plans made before the fan was stored).",
    )
    def scenario_paths(self, root: models.BidPlan) -> list[BidPlanScenarioPath]:
        paths = root.scenario_paths or {}
        prices = paths.get("day_ahead_price_eur_per_mwh", [])
        heat = paths.get("heat_demand_mw", [])
        if not prices:
            return []
        return [
            BidPlanScenarioPath(
                scenario=k,
                probability=probability,
                day_ahead_price_eur_per_mwh=price,
                heat_demand_mw=demand,
            )
            for k, (probability, price, demand) in enumerate(
                zip(root.scenario_probabilities, prices, heat, strict=True)
            )
        ]

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
            expected_components=cost_components(root.expected_components_eur),
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
        only=["tenant_id", "delivery_day", "mtu_minutes", "status"],
        prefetch_related=[_bids_prefetch("day_ahead_bids", True)],
        select_related=["market_account", "pool__bidding_zone"],
        description="The day-ahead curves as a Nord Pool-style curve order (purchases positive, "
        "MW); frozen at submission. The same order as a file: `downloadUrl`.",
    )
    def nord_pool_export(self, root: models.BidPlan) -> CurveOrder:
        data = json.loads(
            bid_plan_export(root, _bids(root, "day_ahead_bids", True), "json") or "{}"
        )
        return CurveOrder(
            bid_plan_id=global_id(root),
            auction=data.get("auction", "SDAC"),
            delivery_day=root.delivery_day,
            bidding_zone=BiddingZoneEnum(data["areaCode"]),
            portfolio=data["portfolio"],
            currency=data["currency"],
            mtu_minutes=data["resolutionMinutes"],
            curves=[
                CurveOrderCurve(
                    delivery_start_at=dt.datetime.fromisoformat(curve["deliveryStart"]),
                    delivery_end_at=dt.datetime.fromisoformat(curve["deliveryEnd"]),
                    points=[
                        CurvePoint(price_eur_per_mwh=point["price"], volume_mw=point["volume"])
                        for point in curve["curvePoints"]
                    ],
                )
                for curve in data["curves"]
            ],
        )

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


# --- descriptions ------------------------------------------------------------------------------

describe(
    DayAheadCurve,
    "Purchase curve of one MTU: volumes non-increasing in price, floor to cap.",
    bid_id="The Bid holding the curve.",
    delivery_start_at="MTU start (UTC).",
    delivery_end_at="MTU end (UTC), exclusive.",
    points="Price-volume points.",
    status="Where the bid stands.",
    accepted_volume_mw="Volume bought at clearing [MW]; null before results.",
    clearing_price_eur_per_mwh="Clearing price [EUR/MWh]; null before results.",
)
describe(
    ReserveCapacityOffer,
    "Capacity offered (price-taking) for one product and block, certified deliverable.",
    bid_id="The Bid holding the offer.",
    product_code="The reserve product.",
    delivery_start_at="Block start (UTC).",
    delivery_end_at="Block end (UTC), exclusive.",
    capacity_mw="Capacity offered [MW].",
    capacity_price_eur_per_mw_h="Capacity price asked [EUR/(MW·h)]; null: price-taking.",
    status="Where the bid stands.",
    accepted_capacity_mw="Capacity accepted [MW]; null before results.",
)
describe(
    ScenarioCost,
    "Cost of one scenario.",
    scenario="Scenario number, 0..K-1.",
    probability="Scenario probability.",
    cost_eur="Cost of the day in this scenario [EUR].",
)
describe(
    ReserveAcceptance,
    "Capacity accepted for one reserve offer in a results version.",
    bid_id="The reserve offer's Bid.",
    product_code="The reserve product.",
    delivery_start_at="Block start (UTC).",
)
describe(
    BidPlanSchedulePeriodType,
    "Expected (probability-weighted) operation of one heat pump in one MTU.",
    heat_pump="The heat pump.",
    heat_pump_id="The heat pump's id.",
    start_at="MTU start (UTC).",
    power_kw="Expected electric power [kW].",
    storage_kwh="Expected storage content at the MTU end [kWh_th].",
    backup_heat_kw="Expected backup heat [kW_th].",
)
describe(
    PoolDispatchSetpointType,
    "The setpoint of one heat pump in one MTU: what the device runs.",
    heat_pump="The heat pump.",
    heat_pump_id="The heat pump's id.",
    start_at="MTU start (UTC).",
    power_kw="Electric power setpoint [kW].",
    is_on="Whether the heat pump runs.",
    storage_kwh="Storage content at the MTU end [kWh_th].",
    backup_heat_kw="Backup heat [kW_th].",
    start_local="Start on the Europe/Copenhagen clock, ISO 8601 with its UTC offset.",
)
describe(
    PoolDispatchType,
    "Setpoints of a pool's heat pumps meeting what cleared (one results version).",
    job="The job computing it.",
    bid_plan_id="The bid plan dispatched.",
    results_version="The results version followed (a correction re-dispatches).",
    day_ahead_volume_mw="Cleared purchase per MTU [MW].",
    heat_demand_source="Where the heat demand came from; null if not recorded.",
    deviation_mw="Pool power minus the cleared volume per MTU [MW].",
    created_at="When it was queued (UTC).",
    setpoints="Setpoints per heat pump and MTU.",
)
describe(
    BidPlanResultsType,
    "One version of what cleared for a plan; corrections add versions, the latest wins.",
    version="Version number, from 1.",
    created_at="When it was recorded (UTC).",
    content_sha256="SHA-256 of the recorded content (repeats are idempotent).",
    bid_plan_id="The bid plan.",
)
describe(
    BidPlanEventType,
    "One lifecycle step of a plan: who (or which job) moved it, from what to what, when.",
    at="When (UTC).",
    from_status="Status before; null for the request.",
    to_status="Status after.",
    job_id="The job of the step, if any.",
)
describe(
    BidPlanUnitType,
    "A heat pump of a plan as it was when the plan was requested.",
    name="Its name then.",
    heat_pump_id="The heat pump's id.",
)
describe(BidPlanFilter, "Narrow the bid plans.", delivery_day="Only this local delivery day.")
describe(
    BidPlanType,
    "Curves and reserve offers of one pool for one local delivery day, their risk and lifecycle.",
    pool="The pool planned.",
    market_account="The market account bid on.",
    job="The job computing it; follow its status.",
    submitted_at="When it was submitted (UTC); null while DRAFT.",
    scenario_count="Scenarios optimised over.",
    seed="Random seed of the scenario sampling.",
    cvar_weight="Weight of CVaR against expected cost.",
    cvar_alpha="CVaR confidence level.",
    imbalance_penalty_eur_per_mwh="Penalty on deviations [EUR/MWh].",
    period_count="MTUs of the day; null until done.",
    formulation="Optimization formulation used (per_unit or clustered); null until done.",
    assumptions="Notes on data and defaults used.",
    created_at="When it was requested (UTC).",
    periods="Expected schedule per heat pump and MTU.",
    dispatches="Dispatches computed from recorded results, oldest first.",
    units="Heat pumps as they were at the request.",
    events="Lifecycle steps, oldest first.",
    status="Where the plan is in its lifecycle.",
    risk="Cost and risk figures; null until the job has succeeded.",
    day_ahead_curves="One purchase curve per MTU.",
    reserve_offers="Reserve capacity offers.",
)
describe(
    HeatPumpSchedule,
    "Setpoints of one heat pump for a delivery day from the newest succeeded dispatch.",
    heat_pump="The heat pump.",
    delivery_day="Local delivery day.",
    mtu_minutes="MTU length [min].",
    pool_dispatch="The dispatch the setpoints come from.",
    setpoints="Setpoints, one per MTU.",
)
