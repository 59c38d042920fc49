"""Pool bid plans (day-ahead curves, reserve offers, expected schedule) and post-clearing
dispatches (setpoints per heat pump), each run as a job.

The plan's offers are ``ainergy.markets.models.Bid`` rows (``BidPlan.bids``; one per MTU curve
and per reserve offer, ``Bid.job`` = the plan's job); what cleared is stored as
``MarketResult`` rows of those bids. Results are only meaningful once the job has succeeded.

Lifecycle (``BidPlan.status``): draft → submitted (bids marked, exchange file frozen) → results
recorded (``BidPlanResults`` version 1, 2, … — corrections add versions, the latest wins) →
dispatched (the latest version's ``PoolDispatch`` succeeded). Every transition is logged in
``BidPlanEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ainergy.common.models import TenantScopedModel

__all__ = [
    "BidPlan",
    "BidPlanEvent",
    "BidPlanResults",
    "BidPlanSchedulePeriod",
    "BidPlanUnit",
    "PoolDispatch",
    "PoolDispatchSetpoint",
]


class BidPlan(TenantScopedModel):
    """Curves and reserve offers of one pool for one local delivery day, and their risk."""

    class ScenarioSource(models.TextChoices):
        STORED_FORECAST = "stored_forecast", "Stored forecast scenarios"
        BOOTSTRAP = "bootstrap", "Block bootstrap from history before gate closure"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted (bids marked, exchange file frozen)"
        RESULTS_RECORDED = "results_recorded", "Results recorded"
        DISPATCHED = "dispatched", "Dispatched"

    pool = models.ForeignKey("assets.Pool", on_delete=models.PROTECT, related_name="+")
    market_account = models.ForeignKey(
        "markets.MarketAccount", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exchange_file_csv = models.TextField(
        blank=True, default="", help_text="The curve order as submitted (frozen at submission)"
    )
    exchange_file_json = models.TextField(blank=True, default="")
    exchange_file_sha256 = models.CharField(
        max_length=64, blank=True, default="", help_text="SHA-256 of the frozen CSV file"
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
    scenario_paths = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per scenario (in the order of scenario_probabilities) the day-ahead price "
        "[EUR/MWh] and heat demand [MW] per period: the scenario fan",
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


class BidPlanUnit(TenantScopedModel):
    """A heat pump of a plan as it was when the plan was requested (name and parameters).

    ``is_offered`` turns on at submission; a heat pump is offered in at most one plan per
    delivery day (partial unique constraint), so its capacity is never sold twice across pools.
    """

    bid_plan = models.ForeignKey(BidPlan, on_delete=models.CASCADE, related_name="units")
    heat_pump = models.ForeignKey("assets.HeatPump", on_delete=models.PROTECT, related_name="+")
    delivery_day = models.DateField(help_text="The plan's delivery day (copied for the constraint)")
    name = models.CharField(max_length=120)
    power_min_kw = models.FloatField()
    power_max_kw = models.FloatField()
    parameters = models.JSONField(help_text="The heat pump's fields at request time")
    is_offered = models.BooleanField(default=False)

    class Meta:
        ordering = ["bid_plan", "heat_pump_id"]
        constraints = [
            models.UniqueConstraint(fields=["bid_plan", "heat_pump"], name="bidplanunit_unique"),
            models.UniqueConstraint(
                fields=["heat_pump", "delivery_day"],
                condition=models.Q(is_offered=True),
                name="bidplanunit_offered_once_per_day",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "heat_pump", "delivery_day"], name="bidplanunit_tenant_hp"
            )
        ]


class BidPlanResults(TenantScopedModel):
    """One version of what cleared for a plan; corrections add versions, the latest wins.

    ``content_sha256`` identifies the content (per bid: accepted volume and prices), so a repeat
    of the latest content is recognised and changes nothing.
    """

    bid_plan = models.ForeignKey(BidPlan, on_delete=models.CASCADE, related_name="results")
    version = models.PositiveIntegerField()
    content_sha256 = models.CharField(max_length=64)
    day_ahead_clearing_price_eur_per_mwh = models.JSONField(
        null=True, blank=True, help_text="Clearing price per MTU when given [EUR/MWh]"
    )
    day_ahead_volume_mw = models.JSONField(help_text="Accepted purchase per MTU [MW]")
    reserve_capacity_mw = models.JSONField(
        default=dict, help_text="{product code: accepted MW per MTU}"
    )
    reserve_acceptances = models.JSONField(
        default=list,
        help_text="[{bid_id, product_code, delivery_start_at, capacity_mw, "
        "capacity_price_eur_per_mw_h}] as given",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bid_plan", "version"]
        verbose_name_plural = "bid plan results"
        constraints = [
            models.UniqueConstraint(fields=["bid_plan", "version"], name="bidplanresults_version"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "bid_plan", "version"], name="bidplanresults_tenant_plan"
            )
        ]


class BidPlanEvent(TenantScopedModel):
    """Audit trail of a plan's lifecycle: who or which job moved it, from what to what."""

    bid_plan = models.ForeignKey(BidPlan, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20)
    action = models.CharField(max_length=40, help_text="submit, results_record, ...")
    results_version = models.PositiveIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bid_plan", "at", "id"]
        indexes = [
            models.Index(fields=["tenant", "bid_plan", "at"], name="bidplanevent_tenant_plan")
        ]


class BidPlanSchedulePeriod(TenantScopedModel):
    """Expected (probability-weighted) operation of one heat pump in one period of a plan."""

    bid_plan = models.ForeignKey(BidPlan, on_delete=models.CASCADE, related_name="periods")
    heat_pump = models.ForeignKey("assets.HeatPump", on_delete=models.PROTECT, related_name="+")
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
    results = models.OneToOneField(
        BidPlanResults,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatch",
        help_text="The results version dispatched (one dispatch per version)",
    )
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
    heat_pump = models.ForeignKey("assets.HeatPump", on_delete=models.PROTECT, related_name="+")
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
