"""Household sizing studies and day-ahead schedules: inputs as requested, results as solved.

Each request runs as a job (``ainergy.jobs``); the row is created with the job and filled in by
the job's runner. Results are only meaningful once ``job.status == "succeeded"``.
"""

from __future__ import annotations

from django.db import models

from ainergy.common.models import TenantScopedModel


class HouseholdInputs(models.Model):
    """Data sources and money inputs shared by sizing studies and schedules."""

    site = models.ForeignKey("assets.Site", on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")
    temperature_series = models.ForeignKey(
        "timeseries.Series", on_delete=models.PROTECT, related_name="+"
    )
    solar_irradiance_series = models.ForeignKey(
        "timeseries.Series", on_delete=models.PROTECT, related_name="+"
    )
    price_series = models.ForeignKey(
        "timeseries.Series",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Day-ahead spot price [EUR/MWh] (the site's zone's public series by default)",
    )
    heat_demand_series = models.ForeignKey(
        "timeseries.Series",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Heat meter history the degree-day model is calibrated on",
    )
    annual_heat_demand_kwh = models.FloatField(
        null=True, blank=True, help_text="Instead of a heat series: annual heat [kWh_th]"
    )
    household_electricity_kwh_per_year = models.FloatField(default=4000.0)
    grid_company = models.ForeignKey(
        "optimization.GridCompany",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose tariffs built tariff_table; null = a tariff table given by the caller",
    )
    tariff_table = models.JSONField(
        help_text="Danish bill as dated data, as used (docs/household.md §1)"
    )
    tariff_year = models.PositiveIntegerField(null=True, blank=True)
    export_fee_dkk_per_kwh = models.FloatField(
        default=0.0, help_text="Supplier's fee on sold surplus [DKK/kWh]"
    )
    supplier_markup_dkk_per_kwh = models.FloatField(
        default=0.0, help_text="Supplier's markup on spot [DKK/kWh excl. VAT]"
    )
    co2_intensity_g_per_kwh = models.FloatField(
        null=True, blank=True, help_text="Constant grid intensity; null = the zone's series"
    )
    co2_price_eur_per_tonne = models.FloatField(default=0.0)
    unserved_heat_penalty_eur_per_kwh = models.FloatField(
        null=True, blank=True, help_text="null = comfort / heat demand is a hard constraint"
    )
    assumptions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class SizingStudy(TenantScopedModel, HouseholdInputs):
    """Which heat pump, PV, battery and EV charger a household should buy, for one year."""

    year = models.PositiveIntegerField(help_text="Local calendar year of weather and prices")
    discount_rate_fraction = models.FloatField()
    heat_storage_kwh = models.FloatField(default=0.0)
    ev = models.JSONField(
        null=True,
        blank=True,
        help_text="{daily_energy_kwh, arrival_local_hour, departure_local_hour, "
        "alternative_charging_price_eur_per_kwh, alternative_co2_intensity_g_per_kwh}",
    )
    representative_day_count = models.PositiveIntegerField(default=16)
    pareto_point_count = models.PositiveIntegerField(default=5)
    # results
    design = models.JSONField(null=True, blank=True)
    annual_cost_eur = models.JSONField(null=True, blank=True)
    annual_energy_kwh = models.JSONField(null=True, blank=True)
    emissions_kg_co2_per_year = models.FloatField(null=True, blank=True)
    pareto_front = models.JSONField(default=list, blank=True)
    representative_days = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "sizing studies"
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="sizingstudy_tenant_created"),
            models.Index(fields=["tenant", "site"], name="sizingstudy_tenant_site"),
        ]


class HouseholdSchedule(TenantScopedModel, HouseholdInputs):
    """A day-ahead schedule of one household for one local delivery day."""

    delivery_day = models.DateField(help_text="Europe/Copenhagen delivery day (23/24/25 h)")
    step_minutes = models.PositiveSmallIntegerField(help_text="15 or 60")
    building = models.JSONField(
        null=True,
        blank=True,
        help_text="1R1C building with a comfort band; null = the site's hot-water tank",
    )
    battery_initial_energy_kwh = models.FloatField(null=True, blank=True)
    battery_terminal_energy_kwh = models.FloatField(
        null=True, blank=True, help_text="End-of-day target; null = the initial energy"
    )
    battery_terminal_energy_mode = models.CharField(
        max_length=8, default="at_least", help_text="at_least or exactly"
    )
    heat_store_initial_energy_kwh = models.FloatField(null=True, blank=True)
    heat_store_terminal_energy_kwh = models.FloatField(
        null=True, blank=True, help_text="End-of-day target; null = the initial energy"
    )
    heat_store_terminal_energy_mode = models.CharField(
        max_length=8, default="at_least", help_text="at_least or exactly"
    )
    # results
    period_count = models.PositiveIntegerField(null=True, blank=True)
    cost_eur = models.JSONField(null=True, blank=True)
    cost_dkk = models.JSONField(
        null=True, blank=True, help_text="Day's bill by item (spot, DSO, Energinet, tax, VAT) [DKK]"
    )
    storage_formulation = models.CharField(
        max_length=4, blank=True, default="", help_text="LP, or MILP where binaries were needed"
    )
    binary_period_count = models.PositiveIntegerField(null=True, blank=True)
    total_cost_eur = models.FloatField(null=True, blank=True)
    emissions_kg_co2 = models.FloatField(null=True, blank=True)
    unserved_heat_kwh = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="hhschedule_tenant_created"),
            models.Index(
                fields=["tenant", "site", "delivery_day"], name="hhschedule_tenant_site_day"
            ),
        ]


class HouseholdSchedulePeriod(TenantScopedModel):
    """Setpoints and expected state of one period; mean powers over the period [kW]."""

    schedule = models.ForeignKey(
        HouseholdSchedule, on_delete=models.CASCADE, related_name="periods"
    )
    start_at = models.DateTimeField(help_text="UTC start of the period")
    heat_pump_power_kw = models.FloatField()
    heat_pump_heat_kw = models.FloatField()
    backup_heater_power_kw = models.FloatField()
    pv_used_kw = models.FloatField()
    battery_charge_kw = models.FloatField()
    battery_discharge_kw = models.FloatField()
    battery_energy_kwh = models.FloatField(help_text="At the end of the period")
    ev_charge_kw = models.FloatField()
    grid_import_kw = models.FloatField()
    grid_export_kw = models.FloatField()
    tank_energy_kwh = models.FloatField(null=True, blank=True, help_text="At the end")
    indoor_temperature_c = models.FloatField(null=True, blank=True, help_text="At the end")
    unserved_heat_kw = models.FloatField(default=0.0)
    import_price_eur_per_kwh = models.FloatField()
    export_price_eur_per_kwh = models.FloatField()
    cost_eur = models.FloatField(help_text="Import cost minus export revenue of the period")
    # The period's bill by who gets the money [DKK]; cost_dkk = sum of the import items − export.
    spot_dkk = models.FloatField(default=0.0)
    supplier_markup_dkk = models.FloatField(default=0.0)
    dso_tariff_dkk = models.FloatField(default=0.0)
    energinet_tariff_dkk = models.FloatField(default=0.0)
    electricity_tax_dkk = models.FloatField(default=0.0)
    vat_dkk = models.FloatField(default=0.0)
    export_revenue_dkk = models.FloatField(default=0.0)
    cost_dkk = models.FloatField(default=0.0)

    class Meta:
        ordering = ["schedule", "start_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "start_at"], name="hhscheduleperiod_unique_start"
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "schedule", "start_at"], name="hhscheduleperiod_tenant_start"
            )
        ]
