"""Series and their values, with provenance.

``Observation`` holds realised values (measurements, published market data), one per
(series, time). ``ForecastValue`` holds forecasts, one per (series, issue time, scenario,
quantile, time). Both partition on ``time`` and become TimescaleDB hypertables where the
extension exists (see ``ainergy.common.db``); elsewhere they are ordinary tables.
"""

from __future__ import annotations

from django.db import models
from timescale.db.models.fields import TimescaleDateTimeField

from ainergy.common.models import TenantScopedModel, TenantScopedQuerySet
from ainergy.timeseries.kinds import KINDS


class SeriesQuerySet(TenantScopedQuerySet):
    def visible_to(self, tenant):
        """The tenant's own series plus public market data (which have no tenant)."""
        if tenant is None:
            return self.filter(tenant__isnull=True)
        return self.filter(models.Q(tenant=tenant) | models.Q(tenant__isnull=True))


class Series(models.Model):
    """A time series: what it measures, in which unit and resolution, of what.

    Public market data (prices, CO2) have no tenant; everything else belongs to one.
    """

    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.SlugField(max_length=120, help_text="Stable name, unique per tenant")
    kind = models.CharField(max_length=40, choices=[(code, code) for code in KINDS])
    unit = models.CharField(max_length=20)
    resolution_minutes = models.PositiveIntegerField()
    bidding_zone = models.ForeignKey(
        "markets.BiddingZone", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "assets.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="series"
    )
    heat_pump = models.ForeignKey(
        "assets.HeatPump", null=True, blank=True, on_delete=models.CASCADE, related_name="series"
    )
    description = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "series"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="series_unique_tenant_key"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(tenant__isnull=True),
                name="series_unique_public_key",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Observation(models.Model):
    """A realised value of a series for the interval starting at ``time``."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="observations")
    time = TimescaleDateTimeField(interval="7 days")
    value = models.FloatField()
    source = models.CharField(max_length=120)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["series", "time"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "time"], name="observation_unique_series_time"
            )
        ]


class ForecastValue(models.Model):
    """A forecast of a series for ``time`` made at ``issued_at``.

    ``quantile`` is 0.5 for point forecasts and scenario paths; ``scenario`` is 0 unless the
    value belongs to scenario path k ≥ 1 (whose probability is ``scenario_probability``).
    ``run`` is the forecast run that produced the value (empty for forecasts written directly,
    e.g. imported weather forecasts), so several runs (models) issued at the same time keep
    their own values.
    """

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="forecasts")
    run = models.ForeignKey(
        "forecasting.ForecastRun",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Forecast run that produced the value; empty for directly written forecasts",
    )
    issued_at = models.DateTimeField()
    time = TimescaleDateTimeField(interval="7 days")
    quantile = models.FloatField(default=0.5)
    scenario = models.PositiveIntegerField(default=0)
    scenario_probability = models.FloatField(null=True, blank=True)
    value = models.FloatField()
    source = models.CharField(max_length=120)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["series", "issued_at", "run", "scenario", "quantile", "time"]
        constraints = [
            # NULLS NOT DISTINCT: directly written forecasts (run empty) stay unique per member
            models.UniqueConstraint(
                fields=["series", "issued_at", "run", "scenario", "quantile", "time"],
                name="forecast_unique_run_member_time",
                nulls_distinct=False,
            )
        ]


class MeterDataAuthorization(TenantScopedModel):
    """A customer's consent to read their smart meters through Eloverblik (DataHub).

    The refresh token is stored encrypted (we must present it again); only its last four
    characters are kept in clear for display.
    """

    site = models.ForeignKey("assets.Site", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    refresh_token_encrypted = models.TextField()
    refresh_token_last_four = models.CharField(max_length=4)
    metering_point_ids = models.JSONField(default=list)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
