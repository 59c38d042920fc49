"""Typed job results: one type per job kind, linking to the object the job made.

``Job.result`` is the union ``JobResult``; it is null until the job has succeeded. The created
objects are referenced lazily (their apps' GraphQL types import ``JobType``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from forecasting.graphql.types import ForecastRunType
    from optimization.graphql.bidding.types import BidPlanType, PoolDispatchType
    from optimization.graphql.household.types import HouseholdScheduleType, SizingStudyType

BIDDING = "optimization.graphql.bidding.types"
HOUSEHOLD = "optimization.graphql.household.types"


def _f(description: str):
    return strawberry.field(description=description)


@strawberry.type(description="Result of a DIAGNOSTIC job.")
class DiagnosticJobResult:
    steps: int = _f("Progress steps walked.")
    attempts: int = _f("Times a worker started the job.")


@strawberry.type(description="Points one meter-data sync wrote into one series.")
class SeriesPointsWritten:
    series_key: str = _f("Key of the series written to.")
    points_written: int = _f("Points written or replaced.")


@strawberry.type(description="Result of a METER_DATA_SYNC job.")
class MeterDataSyncJobResult:
    series: list[SeriesPointsWritten] = _f("Points written per series.")


@strawberry.type(description="Result of a FORECAST_RUN job.")
class ForecastJobResult:
    forecast_run: Annotated[ForecastRunType, strawberry.lazy("forecasting.graphql.types")] = _f(
        "The run; its values: `forecastRunValues(id:)`."
    )
    forecast_value_count: int = _f("Values stored (all quantiles and scenarios).")
    horizon_periods: int = _f("Periods of the horizon.")
    fit_predict_seconds: float = _f("Time to fit and predict [s].")


@strawberry.type(description="Result of a BID_PLAN job.")
class BidPlanJobResult:
    bid_plan: Annotated[BidPlanType, strawberry.lazy(BIDDING)] = _f(
        "The plan: curves, reserve offers, expected schedule and risk."
    )
    period_count: int = _f("MTUs of the delivery day.")
    scenario_count: int = _f("Scenarios optimised over.")
    curve_count: int = _f("Day-ahead curves (one per MTU).")
    reserve_offer_count: int = _f("Reserve capacity offers.")
    expected_cost_eur: float | None = _f("Expected cost of the day net of reserve revenue [EUR].")
    cvar_eur: float | None = _f("CVaR of the cost [EUR].")


@strawberry.type(description="Result of a POOL_DISPATCH job.")
class PoolDispatchJobResult:
    pool_dispatch: Annotated[PoolDispatchType, strawberry.lazy(BIDDING)] = _f(
        "The dispatch: setpoints per heat pump and costs."
    )
    period_count: int = _f("MTUs dispatched.")
    heat_pump_count: int = _f("Heat pumps with setpoints.")


@strawberry.type(description="Result of a HOUSEHOLD_SIZING job.")
class HouseholdSizingJobResult:
    sizing_study: Annotated[SizingStudyType, strawberry.lazy(HOUSEHOLD)] = _f(
        "The study: chosen design, annual cost and Pareto front."
    )
    total_cost_eur_per_year: float = _f("Annual cost of the chosen design [EUR/yr].")
    pareto_point_count: int = _f("Points on the cost-emissions front.")


@strawberry.type(description="Result of a HOUSEHOLD_SCHEDULE job.")
class HouseholdScheduleJobResult:
    household_schedule: Annotated[HouseholdScheduleType, strawberry.lazy(HOUSEHOLD)] = _f(
        "The schedule: setpoints per period and the bill."
    )
    period_count: int = _f("Periods of the delivery day.")
    total_cost_eur: float = _f("Cost of the day [EUR].")


JobResult = Annotated[
    DiagnosticJobResult
    | MeterDataSyncJobResult
    | ForecastJobResult
    | BidPlanJobResult
    | PoolDispatchJobResult
    | HouseholdSizingJobResult
    | HouseholdScheduleJobResult,
    strawberry.union(
        "JobResult", description="What a succeeded job produced; one type per job kind."
    ),
]


def _number(summary: dict, key: str, default=0):
    value = summary.get(key)
    return default if value is None else value


def job_result(job):
    """The typed result of a succeeded job (None otherwise)."""
    from ainergy.jobs.models import JobStatus

    if job.status != JobStatus.SUCCEEDED:
        return None
    summary = job.result_summary or {}
    kind = job.kind
    if kind == "diagnostic":
        return DiagnosticJobResult(
            steps=_number(summary, "steps"), attempts=_number(summary, "attempts")
        )
    if kind == "meter_data_sync":
        return MeterDataSyncJobResult(
            series=[
                SeriesPointsWritten(series_key=key, points_written=count)
                for key, count in sorted((summary.get("series") or {}).items())
            ]
        )
    created = _created_object(job)
    if created is None:
        return None
    if kind == "forecast_run":
        return ForecastJobResult(
            forecast_run=created,
            forecast_value_count=_number(summary, "forecast_values"),
            horizon_periods=_number(summary, "horizon_periods"),
            fit_predict_seconds=_number(summary, "fit_predict_seconds", 0.0),
        )
    if kind == "bid_plan":
        return BidPlanJobResult(
            bid_plan=created,
            period_count=_number(summary, "periods"),
            scenario_count=_number(summary, "scenarios"),
            curve_count=_number(summary, "curves"),
            reserve_offer_count=_number(summary, "reserve_offers"),
            expected_cost_eur=summary.get("expected_cost_eur"),
            cvar_eur=summary.get("cvar_eur"),
        )
    if kind == "pool_dispatch":
        return PoolDispatchJobResult(
            pool_dispatch=created,
            period_count=_number(summary, "periods"),
            heat_pump_count=_number(summary, "heat_pumps"),
        )
    if kind == "household_sizing":
        return HouseholdSizingJobResult(
            sizing_study=created,
            total_cost_eur_per_year=_number(summary, "total_cost_eur_per_year", 0.0),
            pareto_point_count=_number(summary, "pareto_points"),
        )
    if kind == "household_schedule":
        return HouseholdScheduleJobResult(
            household_schedule=created,
            period_count=_number(summary, "periods"),
            total_cost_eur=_number(summary, "total_cost_eur", 0.0),
        )
    return None


CREATED_MODELS = {
    "forecast_run": ("forecasting.models", "ForecastRun"),
    "bid_plan": ("optimization.models", "BidPlan"),
    "pool_dispatch": ("optimization.models", "PoolDispatch"),
    "household_sizing": ("optimization.models", "SizingStudy"),
    "household_schedule": ("optimization.models", "HouseholdSchedule"),
}


def _created_object(job):
    """The object a job of ``job.kind`` made (one query; same tenant as the job)."""
    import importlib

    module, name = CREATED_MODELS[job.kind]
    model = getattr(importlib.import_module(module), name)
    return model.objects.filter(tenant_id=job.tenant_id, job_id=job.pk).first()


__all__ = ["JobResult", "job_result"]
