"""Pool bid plans (day-ahead curves, reserve offers, expected schedule) and post-clearing
dispatches (setpoints per heat pump), each run as a job.

The plan's offers are ``ainergy.markets.models.Bid`` rows (``BidPlan.bids``; one per MTU curve
and per reserve offer, ``Bid.job`` = the plan's job); what cleared is stored as
``MarketResult`` rows of those bids. Results are only meaningful once the job has succeeded.
"""

from __future__ import annotations

from django.db import models

from ainergy.common.models import TenantScopedModel

__all__ = ["BidPlan", "BidPlanSchedulePeriod", "PoolDispatch", "PoolDispatchSetpoint"]


class BidPlan(TenantScopedModel):
    """Curves and reserve offers of one pool for one local delivery day, and their risk."""

    class ScenarioSource(models.TextChoices):
        STORED_FORECAST = "stored_forecast", "Stored forecast scenarios"
        BOOTSTRAP = "bootstrap", "Block bootstrap from history before gate closure"

    pool = models.ForeignKey("assets.Pool", on_delete=models.CASCADE, related_name="+")
    market_account = models.ForeignKey(
        "markets.MarketAccount", on_delete=models.CASCADE, related_name="+"
    )
    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")
    delivery_day = models.DateField(help_text="Europe/Copenhagen delivery day (23/24/25 h)")
    mtu_minutes = models.PositiveSmallIntegerField(help_text="15 or 60")
    gate_closure_at = models.DateTimeField(
        help_text="Day-ahead gate closure (UTC); scenarios use only data before it"
    )
    scenario_count = models.PositiveSmallIntegerField()
    seed = models.PositiveIntegerField(default=0)
    product_codes = models.JSONField(default=list, help_text="Reserve products offered")
    cvar_weight = models.FloatField(default=0.0)
    cvar_alpha = models.FloatField(default=0.95)
    imbalance_penalty_eur_per_mwh = models.FloatField(default=5.0)
    price_series = models.ForeignKey(
        "timeseries.Series", on_delete=models.PROTECT, related_name="+"
    )
    heat_demand_series = models.ManyToManyField(
        "timeseries.Series", related_name="+", help_text="Summed into the pool's heat demand"
    )
    pool_snapshot = models.JSONField(
        help_text="The core's pool (MW, MWh, fractions) as mapped from the assets at request"
    )
    bids = models.ManyToManyField("markets.Bid", related_name="+", blank=True)
    # results
    scenario_source = models.CharField(
        max_length=20, choices=ScenarioSource.choices, blank=True, default=""
    )
    period_count = models.PositiveIntegerField(null=True, blank=True)
    formulation = models.CharField(max_length=40, blank=True, default="")
    objective_eur = models.FloatField(null=True, blank=True)
    expected_cost_eur = models.FloatField(null=True, blank=True)
    cvar_eur = models.FloatField(null=True, blank=True)
    scenario_probabilities = models.JSONField(default=list, blank=True)
    scenario_cost_eur = models.JSONField(default=list, blank=True)
    expected_components_eur = models.JSONField(default=dict, blank=True)
    derated_mw = models.JSONField(default=dict, blank=True)
    expected_inputs = models.JSONField(
        default=dict,
        blank=True,
        help_text="Probability-weighted day-ahead price, imbalance price, heat demand [MW] and "
        "source temperature per period: the dispatch's defaults",
    )
    assumptions = models.JSONField(default=list, blank=True)
    diagnostics = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why the curves look as they do: per MTU the highest buy price [EUR/MWh] with "
        "the value behind it, must-buy volume [MW] and the binding reason of 0-MW steps",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="bidplan_tenant_created"),
            models.Index(fields=["tenant", "pool", "delivery_day"], name="bidplan_tenant_pool_day"),
        ]


class BidPlanSchedulePeriod(TenantScopedModel):
    """Expected (probability-weighted) operation of one heat pump in one period of a plan."""

    bid_plan = models.ForeignKey(BidPlan, on_delete=models.CASCADE, related_name="periods")
    heat_pump = models.ForeignKey("assets.HeatPump", on_delete=models.CASCADE, related_name="+")
    start_at = models.DateTimeField(help_text="UTC start of the period")
    power_kw = models.FloatField()
    storage_kwh = models.FloatField(help_text="Heat stored at the end of the period [kWh_th]")
    backup_heat_kw = models.FloatField()
    reserve_kw = models.JSONField(default=dict, help_text="{product code: kW held}")

    class Meta:
        ordering = ["bid_plan", "heat_pump", "start_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid_plan", "heat_pump", "start_at"], name="bidplanperiod_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "bid_plan", "start_at"], name="bidplanperiod_tenant_plan"
            )
        ]


class PoolDispatch(TenantScopedModel):
    """Setpoints of a pool's heat pumps after clearing: cleared volumes + accepted reserves."""

    bid_plan = models.ForeignKey(BidPlan, on_delete=models.CASCADE, related_name="dispatches")
    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")
    day_ahead_volume_mw = models.JSONField(help_text="Cleared purchase per period [MW]")
    reserve_capacity_mw = models.JSONField(
        default=dict, help_text="{product code: accepted MW per period}"
    )
    # results
    heat_demand_source = models.CharField(max_length=200, blank=True, default="")
    deviation_mw = models.JSONField(default=list, blank=True, help_text="Power − cleared [MW]")
    deviation_reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Per period: the constraint family that makes the cleared position "
        "undeliverable where the pool deviates, else an empty string",
    )
    day_ahead_price_eur_per_mwh = models.JSONField(
        default=list, blank=True, help_text="Recorded clearing price per period [EUR/MWh]"
    )
    imbalance_price_eur_per_mwh = models.JSONField(
        default=list,
        blank=True,
        help_text="Stored imbalance price per period [EUR/MWh]; null where none is published",
    )
    deviation_price_source = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="imbalance_price (published), penalty (conservative penalty) or mixed",
    )
    deviation_penalty_eur_per_mwh = models.FloatField(
        null=True, blank=True, help_text="Penalty on |deviation| where no imbalance price exists"
    )
    reserve_shortfall_mw = models.JSONField(
        default=dict, blank=True, help_text="{product code: accepted MW not held per period}"
    )
    solve_status = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="optimal, feasible (time limit, best incumbent) or fallback (heuristic)",
    )
    costs_eur = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "pool dispatches"
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="pooldispatch_tenant_created"),
            models.Index(fields=["tenant", "bid_plan"], name="pooldispatch_tenant_plan"),
        ]


class PoolDispatchSetpoint(TenantScopedModel):
    """What one heat pump is to do in one period; mean powers over the period [kW]."""

    dispatch = models.ForeignKey(PoolDispatch, on_delete=models.CASCADE, related_name="setpoints")
    heat_pump = models.ForeignKey("assets.HeatPump", on_delete=models.CASCADE, related_name="+")
    start_at = models.DateTimeField(help_text="UTC start of the period")
    power_kw = models.FloatField()
    is_on = models.BooleanField()
    storage_kwh = models.FloatField(help_text="Heat stored at the end of the period [kWh_th]")
    backup_heat_kw = models.FloatField()
    reserve_kw = models.JSONField(default=dict, help_text="{product code: kW held}")

    class Meta:
        ordering = ["dispatch", "heat_pump", "start_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "heat_pump", "start_at"], name="dispatchsetpoint_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "heat_pump", "start_at"], name="dispatchsetpoint_tenant_hp"
            )
        ]
