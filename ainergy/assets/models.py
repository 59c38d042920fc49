"""Physical assets of a tenant, pools of heat pumps, and the technology catalogue.

Units are in every field name. Powers are electrical unless the name says heat.
"""

from __future__ import annotations

from django.db import models

from ainergy.common.models import TenantScopedModel


class Site(TenantScopedModel):
    """A location with a grid connection in one bidding zone."""

    name = models.CharField(max_length=120)
    latitude_deg = models.FloatField()
    longitude_deg = models.FloatField()
    bidding_zone = models.ForeignKey(
        "markets.BiddingZone", on_delete=models.PROTECT, related_name="+"
    )
    grid_tariff_code = models.CharField(
        max_length=80, blank=True, default="", help_text="DSO tariff reference (GLN:charge code)"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="site_unique_name")]

    def __str__(self) -> str:
        return self.name


class HeatPump(TenantScopedModel):
    """A heat pump: large (district heating) or household, with its COP model."""

    class Kind(models.TextChoices):
        LARGE = "large", "Large (district heating)"
        HOUSEHOLD = "household", "Household"

    class CopModel(models.TextChoices):
        CARNOT = "carnot", "Carnot quality grade"
        TABLE = "table", "Table of COP points"

    class TemperatureSource(models.TextChoices):
        FIXED = "fixed", "Fixed value"
        SERIES = "series", "Time series"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="heat_pumps")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    device_id = models.CharField(
        max_length=80, blank=True, default="", help_text="Identifier the IoT device reports with"
    )
    power_min_kw = models.FloatField(help_text="Minimum electrical power when on [kW]")
    power_max_kw = models.FloatField(help_text="Maximum electrical power [kW]")
    ramp_limit_kw_per_min = models.FloatField(null=True, blank=True)
    start_cost_eur = models.FloatField(default=0.0)
    cop_model = models.CharField(max_length=16, choices=CopModel.choices, default=CopModel.CARNOT)
    carnot_quality_grade = models.FloatField(null=True, blank=True, help_text="0.3–0.7 typical")
    cop_max = models.FloatField(default=8.0)
    cop_table = models.JSONField(
        default=list,
        blank=True,
        help_text="[{source_temperature_c, sink_temperature_c, cop}, ...] when cop_model=table",
    )
    source_kind = models.CharField(
        max_length=32, default="outdoor_air", help_text="outdoor_air, seawater, ground, ..."
    )
    source_temperature_mode = models.CharField(
        max_length=8, choices=TemperatureSource.choices, default=TemperatureSource.FIXED
    )
    source_temperature_c = models.FloatField(null=True, blank=True)
    source_temperature_series = models.ForeignKey(
        "timeseries.Series", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sink_temperature_mode = models.CharField(
        max_length=8, choices=TemperatureSource.choices, default=TemperatureSource.FIXED
    )
    sink_temperature_c = models.FloatField(null=True, blank=True)
    sink_temperature_series = models.ForeignKey(
        "timeseries.Series", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Valid to (UTC): retired from this instant on; kept for the plans, dispatches "
        "and telemetry that refer to it",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "site", "name"], name="heatpump_unique_name"),
        ]
        indexes = [models.Index(fields=["tenant", "device_id"], name="heatpump_tenant_device")]

    def __str__(self) -> str:
        return self.name

    @property
    def minimum_load_fraction(self) -> float:
        """Minimum load as a fraction of maximum power (0 when it can modulate to zero)."""
        return self.power_min_kw / self.power_max_kw if self.power_max_kw else 0.0


class ThermalStorage(TenantScopedModel):
    """A hot-water tank or district-heating accumulator."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="thermal_storages")
    heat_pump = models.ForeignKey(
        HeatPump, null=True, blank=True, on_delete=models.SET_NULL, related_name="storages"
    )
    name = models.CharField(max_length=120)
    capacity_kwh = models.FloatField(help_text="Usable heat content [kWh_th]")
    loss_fraction_per_h = models.FloatField(default=0.005)
    soc_min_fraction = models.FloatField(default=0.0)
    soc_max_fraction = models.FloatField(default=1.0)
    soc_initial_fraction = models.FloatField(default=0.5)

    class Meta:
        ordering = ["id"]


class PvSystem(TenantScopedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="pv_systems")
    name = models.CharField(max_length=120)
    peak_power_kw = models.FloatField(help_text="Rated DC power [kWp]")
    tilt_deg = models.FloatField(default=35.0)
    azimuth_deg = models.FloatField(default=180.0, help_text="180 = south")
    system_loss_fraction = models.FloatField(default=0.14)

    class Meta:
        ordering = ["id"]


class Battery(TenantScopedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="batteries")
    name = models.CharField(max_length=120)
    energy_capacity_kwh = models.FloatField()
    power_max_kw = models.FloatField()
    charge_efficiency = models.FloatField(default=0.95)
    discharge_efficiency = models.FloatField(default=0.95)
    soc_min_fraction = models.FloatField(default=0.1)
    soc_max_fraction = models.FloatField(default=0.95)

    class Meta:
        ordering = ["id"]


class EvCharger(TenantScopedModel):
    """A wallbox and the car's routine: when it arrives, when it leaves, what it needs."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="ev_chargers")
    name = models.CharField(max_length=120)
    power_max_kw = models.FloatField()
    efficiency = models.FloatField(default=0.92)
    ev_arrival_local_time = models.TimeField(help_text="Europe/Copenhagen")
    ev_departure_local_time = models.TimeField(help_text="Europe/Copenhagen")
    ev_energy_need_kwh = models.FloatField(help_text="Energy to add per stay [kWh]")

    class Meta:
        ordering = ["id"]


class BackupHeater(TenantScopedModel):
    """A boiler or electric heater that covers heat the heat pumps do not."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="backup_heaters")
    name = models.CharField(max_length=120)
    heat_power_max_kw = models.FloatField()
    heat_cost_eur_per_mwh = models.FloatField(help_text="Cost per MWh of heat delivered")
    co2_intensity_kg_per_mwh_heat = models.FloatField(default=0.0)

    class Meta:
        ordering = ["id"]


class Pool(TenantScopedModel):
    """Heat pumps bid together in one bidding zone through one market account.

    Members come and go over time (``PoolMembership``): ``heat_pumps`` is every heat pump that
    was ever a member; the members at an instant are in ``ainergy.assets.selectors``.
    """

    name = models.CharField(max_length=120)
    bidding_zone = models.ForeignKey(
        "markets.BiddingZone", on_delete=models.PROTECT, related_name="+"
    )
    market_account = models.ForeignKey(
        "markets.MarketAccount", on_delete=models.PROTECT, related_name="pools"
    )
    heat_pumps = models.ManyToManyField(
        HeatPump, through="PoolMembership", related_name="pools", blank=True
    )
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Valid to (UTC): no members and no new plans from then on"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="pool_unique_name")]

    def __str__(self) -> str:
        return self.name


class PoolMembership(TenantScopedModel):
    """A heat pump belongs to a pool over ``[valid_from_at, valid_to_at)`` (UTC; None = unbounded).

    A heat pump is in at most one pool at any instant: on PostgreSQL an exclusion constraint on
    overlapping validity ranges per heat pump (migration 0004); everywhere at most one
    open-ended membership per heat pump (partial unique constraint). Memberships used by a bid
    plan are history: they are ended, never deleted.
    """

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="memberships")
    heat_pump = models.ForeignKey(HeatPump, on_delete=models.PROTECT, related_name="memberships")
    valid_from_at = models.DateTimeField(
        null=True, blank=True, help_text="Member from this instant (UTC); null = since always"
    )
    valid_to_at = models.DateTimeField(
        null=True, blank=True, help_text="Member until this instant (UTC, excluded); null = open"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["heat_pump_id", "valid_from_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["heat_pump"],
                condition=models.Q(valid_to_at__isnull=True),
                name="poolmembership_one_open_per_heat_pump",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from_at__isnull=True)
                | models.Q(valid_to_at__isnull=True)
                | models.Q(valid_from_at__lt=models.F("valid_to_at")),
                name="poolmembership_valid_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "heat_pump", "valid_from_at"], name="poolmember_tenant_hp"
            ),
            models.Index(fields=["tenant", "pool", "valid_from_at"], name="poolmember_tenant_pool"),
        ]

    def __str__(self) -> str:
        return f"{self.heat_pump_id} in {self.pool_id}"


class TechnologyCatalogueEntry(models.Model):
    """Investment and performance data of one technology option.

    Rows without a tenant are the platform defaults (seeded by a data migration, with their
    source); a tenant's row with the same technology and name overrides the default for it.
    ``parameters`` holds the option's fields as the optimization core expects them.
    """

    class Technology(models.TextChoices):
        HEAT_PUMP = "heat_pump", "Heat pump"
        PV = "pv", "PV"
        BATTERY = "battery", "Battery"
        EV_CHARGER = "ev_charger", "EV charger"

    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    technology = models.CharField(max_length=16, choices=Technology.choices)
    name = models.CharField(max_length=80)
    parameters = models.JSONField(default=dict)
    lifetime_years = models.FloatField()
    source = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["technology", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "technology", "name"], name="catalogue_unique_tenant_entry"
            ),
            models.UniqueConstraint(
                fields=["technology", "name"],
                condition=models.Q(tenant__isnull=True),
                name="catalogue_unique_default_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technology}:{self.name}"
