"""Forecast runs: what was asked (target, model, horizon, issue time) and how it went (job)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ainergy.common.models import TenantScopedModel


class ForecastModelName(models.TextChoices):
    SEASONAL_NAIVE = "seasonal_naive", "Seasonal naive (same local hour, latest day)"
    SEASONAL_NAIVE_7D = "seasonal_naive_7d", "Seasonal naive (same local hour a week earlier)"
    TEMPERATURE_REGRESSION = "temperature_regression", "Temperature regression (heat)"
    PROPHET = "prophet", "Prophet"
    PROPHET_LAGGED = "prophet_lagged", "Prophet with look-ahead-safe lags"
    LIGHTGBM = "lightgbm", "LightGBM on look-ahead-safe lags, scaled by the recent level"


class ForecastRun(TenantScopedModel):
    """One forecast of a series issued at ``issued_at`` for ``[horizon_start_at, horizon_end_at)``.

    The values are stored as ``ForecastValue`` rows of ``forecast_series`` with ``issued_at``:
    the point forecast at quantile 0.5, other quantiles at their level, and scenario paths
    k = 1..K at quantile 0.5 with their probability. ``forecast_series`` is the target itself
    when the tenant owns it, else the tenant's private copy (public prices are shared).
    """

    series = models.ForeignKey(
        "timeseries.Series", on_delete=models.CASCADE, related_name="+", help_text="Target"
    )
    forecast_series = models.ForeignKey(
        "timeseries.Series",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Series whose forecast values hold this run's output",
    )
    regressor_series = models.ManyToManyField("timeseries.Series", related_name="+", blank=True)
    model_name = models.CharField(max_length=40, choices=ForecastModelName.choices)
    issued_at = models.DateTimeField(help_text="Forecast origin: only data before it are used")
    horizon_start_at = models.DateTimeField()
    horizon_end_at = models.DateTimeField()
    horizon_hours = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    history_days = models.PositiveIntegerField()
    quantiles = models.JSONField(default=list)
    scenario_count = models.PositiveIntegerField(default=0)
    backtest_days = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(
        default=dict, blank=True, help_text="Run summary and backtest scores (units of the series)"
    )
    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="forecastrun_tenant_created"),
            models.Index(
                fields=["tenant", "forecast_series", "issued_at"], name="forecastrun_tenant_issue"
            ),
        ]
