"""Writes of assets, pools and catalogue overrides: validate everything, then save atomically.

Each asset kind declares its physical ranges once (``RULES``); cross-field rules and ownership
of referenced objects are checked in ``_validate``. Referenced objects of another tenant read as
"not found", exactly like missing ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from ainergy.assets.lifecycle import (
    check_deletable,
    check_not_retired,
    delete_without_history,
    pool_members_set,
)
from ainergy.assets.models import (
    BackupHeater,
    Battery,
    EvCharger,
    HeatPump,
    Pool,
    PvSystem,
    Site,
    TechnologyCatalogueEntry,
    ThermalStorage,
)
from ainergy.assets.selectors import asset_get
from ainergy.common.errors import Issues, NotFoundError, ValidationError
from ainergy.markets.models import MarketAccount


@dataclass(frozen=True)
class Range:
    minimum: float | None = None
    maximum: float | None = None
    minimum_inclusive: bool = True

    def check(self, field: str, value) -> None:
        if value is None:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationError(field, f"expected a finite number, got {value!r}")
        if self.minimum is not None:
            if value < self.minimum or (not self.minimum_inclusive and value == self.minimum):
                relation = "≥" if self.minimum_inclusive else ">"
                raise ValidationError(field, f"must be {relation} {self.minimum:g}, got {value:g}")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(field, f"must be ≤ {self.maximum:g}, got {value:g}")


POSITIVE = Range(0.0, minimum_inclusive=False)
NON_NEGATIVE = Range(0.0)
FRACTION = Range(0.0, 1.0)
EFFICIENCY = Range(0.0, 1.0, minimum_inclusive=False)

RULES: dict[type[models.Model], dict[str, Range]] = {
    Site: {"latitude_deg": Range(-90.0, 90.0), "longitude_deg": Range(-180.0, 180.0)},
    HeatPump: {
        "power_min_kw": NON_NEGATIVE,
        "power_max_kw": POSITIVE,
        "ramp_limit_kw_per_min": POSITIVE,
        "start_cost_eur": NON_NEGATIVE,
        "carnot_quality_grade": EFFICIENCY,
        "cop_max": Range(1.0, 20.0),
        "source_temperature_c": Range(-40.0, 150.0),
        "sink_temperature_c": Range(0.0, 200.0),
    },
    ThermalStorage: {
        "capacity_kwh": POSITIVE,
        "loss_fraction_per_h": Range(0.0, 1.0),
        "soc_min_fraction": FRACTION,
        "soc_max_fraction": FRACTION,
        "soc_initial_fraction": FRACTION,
    },
    PvSystem: {
        "peak_power_kw": POSITIVE,
        "tilt_deg": Range(0.0, 90.0),
        "azimuth_deg": Range(0.0, 360.0),
        "system_loss_fraction": Range(0.0, 0.9),
    },
    Battery: {
        "energy_capacity_kwh": POSITIVE,
        "power_max_kw": POSITIVE,
        "charge_efficiency": EFFICIENCY,
        "discharge_efficiency": EFFICIENCY,
        "soc_min_fraction": FRACTION,
        "soc_max_fraction": FRACTION,
    },
    EvCharger: {
        "power_max_kw": POSITIVE,
        "efficiency": EFFICIENCY,
        "ev_energy_need_kwh": NON_NEGATIVE,
    },
    BackupHeater: {
        "heat_power_max_kw": NON_NEGATIVE,
        "heat_cost_eur_per_mwh": NON_NEGATIVE,
        "co2_intensity_kg_per_mwh_heat": NON_NEGATIVE,
    },
    Pool: {},
}

ASSET_MODELS = tuple(RULES)


def _check_fractions(instance, low: str, high: str, *middle: str) -> None:
    ordered = [low, *middle, high]
    values = [getattr(instance, name) for name in ordered]
    pairs = list(zip(ordered, values, strict=True))
    for (name_a, a), (name_b, b) in zip(pairs, pairs[1:], strict=False):
        if _finite(a) and _finite(b) and a > b:
            raise ValidationError(name_a, f"must not exceed {name_b} ({a:g} > {b:g})")


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _validate_heat_pump(tenant, pump: HeatPump, issues: Issues) -> None:
    if (
        _finite(pump.power_min_kw)
        and _finite(pump.power_max_kw)
        and pump.power_min_kw > pump.power_max_kw
    ):
        issues.add(
            "power_min_kw",
            f"minimum load {pump.power_min_kw:g} kW exceeds maximum {pump.power_max_kw:g} kW",
        )
    if pump.cop_model == HeatPump.CopModel.CARNOT and pump.carnot_quality_grade is None:
        issues.add("carnot_quality_grade", "required for the Carnot COP model")
    if pump.cop_model == HeatPump.CopModel.TABLE:
        with issues.collect():
            _validate_cop_table(pump.cop_table)
    for side in ("source", "sink"):
        mode = getattr(pump, f"{side}_temperature_mode")
        if (
            mode == HeatPump.TemperatureSource.FIXED
            and getattr(pump, f"{side}_temperature_c") is None
        ):
            issues.add(f"{side}_temperature_c", f"required when the {side} temperature is fixed")
        series = getattr(pump, f"{side}_temperature_series")
        if mode == HeatPump.TemperatureSource.SERIES:
            if series is None:
                issues.add(
                    f"{side}_temperature_series",
                    f"required when the {side} temperature is a series",
                )
            elif series.tenant_id not in (None, tenant.pk):
                raise NotFoundError("Series not found.", {"field": f"{side}_temperature_series"})
    if (
        pump.sink_temperature_mode == HeatPump.TemperatureSource.FIXED
        and pump.source_temperature_mode == HeatPump.TemperatureSource.FIXED
        and _finite(pump.sink_temperature_c)
        and _finite(pump.source_temperature_c)
        and pump.sink_temperature_c <= pump.source_temperature_c
    ):
        issues.add("sink_temperature_c", "must be above the source temperature")


def _validate_cop_table(table) -> None:
    if not isinstance(table, list) or len(table) < 1:
        raise ValidationError(
            "cop_table", "give at least one {source_temperature_c, sink_temperature_c, cop} point"
        )
    issues = Issues()
    for position, point in enumerate(table):
        where = f"cop_table[{position}]"
        if not isinstance(point, Mapping):
            issues.add(where, "expected an object")
            continue
        for key in ("source_temperature_c", "sink_temperature_c", "cop"):
            if key not in point:
                issues.add(f"{where}.{key}", "missing")
                continue
            with issues.collect():
                Range().check(f"{where}.{key}", point[key])
        if "cop" in point and _finite(point["cop"]):
            with issues.collect():
                Range(1.0, 20.0).check(f"{where}.cop", point["cop"])
    issues.raise_if_any()


def _validate(tenant, instance) -> None:
    """Every rule of the asset; all broken ones are reported together."""
    issues = Issues()
    for field, rule in RULES[type(instance)].items():
        with issues.collect():
            rule.check(field, getattr(instance, field))
    with issues.collect():
        if isinstance(instance, HeatPump):
            _validate_heat_pump(tenant, instance, issues)
        elif isinstance(instance, ThermalStorage):
            _check_fractions(
                instance, "soc_min_fraction", "soc_max_fraction", "soc_initial_fraction"
            )
            if instance.heat_pump_id and instance.heat_pump.site_id != instance.site_id:
                issues.add("heat_pump", "must stand on the storage's site")
        elif isinstance(instance, Battery):
            _check_fractions(instance, "soc_min_fraction", "soc_max_fraction")
        elif isinstance(instance, EvCharger) and not issues:
            _validate_ev_charger(instance)
    issues.raise_if_any()


def _validate_ev_charger(charger: EvCharger) -> None:
    arrival = charger.ev_arrival_local_time.hour + charger.ev_arrival_local_time.minute / 60
    departure = charger.ev_departure_local_time.hour + charger.ev_departure_local_time.minute / 60
    plugged_h = (departure - arrival) % 24
    deliverable_kwh = charger.power_max_kw * charger.efficiency * plugged_h
    if charger.ev_energy_need_kwh > deliverable_kwh + 1e-9:
        raise ValidationError(
            "ev_energy_need_kwh",
            f"{charger.ev_energy_need_kwh:g} kWh cannot be charged in {plugged_h:g} h at "
            f"{charger.power_max_kw:g} kW (at most {deliverable_kwh:.1f} kWh)",
        )


REFERENCES = {
    "site_id": (Site, "site"),
    "heat_pump_id": (HeatPump, "heat_pump"),
    "market_account_id": (MarketAccount, "market_account"),
}


def _check_nullable(instance, field: str, key: str) -> None:
    """An explicit null for a required column is the caller's error, not a database crash."""
    if not instance._meta.get_field(field).null:
        raise ValidationError(key, "must not be null (leave it out to keep the current value)")


def _apply(tenant, instance, data: Mapping[str, Any]) -> None:
    # References first: a foreign or missing id is "not found" before any other complaint.
    for key, value in sorted(data.items(), key=lambda item: not item[0].endswith(("_id", "_ids"))):
        if key in REFERENCES:
            model, field = REFERENCES[key]
            if value is None:
                _check_nullable(instance, field, key)
            setattr(
                instance,
                field,
                asset_get(tenant, model, value, field) if value is not None else None,
            )
        elif key in ("source_temperature_series_id", "sink_temperature_series_id"):
            from ainergy.timeseries.selectors import series_get

            setattr(
                instance,
                key.removesuffix("_id"),
                series_get(tenant, value) if value is not None else None,
            )
        elif key == "bidding_zone":
            from ainergy.markets.models import BiddingZone

            zone = BiddingZone.objects.filter(code=value).first()
            if zone is None:
                raise ValidationError("bidding_zone", f"unknown bidding zone {value!r}")
            instance.bidding_zone = zone
        elif key == "heat_pump_ids":
            continue
        elif key == "cop_table":
            instance.cop_table = value or []
        else:
            try:
                model_field = instance._meta.get_field(key)
            except Exception:
                raise ValidationError(key, "unknown field") from None
            if value is None and isinstance(model_field, models.CharField) and not model_field.null:
                value = ""  # optional text inputs: null means "none"
            if value is None:
                _check_nullable(instance, key, key)
            if model_field.choices and value not in {choice for choice, _ in model_field.choices}:
                allowed = ", ".join(str(choice) for choice, _ in model_field.choices)
                raise ValidationError(key, f"must be one of {allowed}; got {value!r}")
            setattr(instance, key, value)


def _check_unique_name(tenant, instance) -> None:
    model = type(instance)
    scope = {"site": instance.site} if model is HeatPump else {}
    clash = (
        model.objects.for_tenant(tenant).filter(name=instance.name, **scope).exclude(pk=instance.pk)
    )
    if clash.exists():
        raise ValidationError(
            "name", f"another {model._meta.verbose_name} is already called {instance.name!r}"
        )


@transaction.atomic
def asset_create(*, tenant, model: type[models.Model], data: Mapping[str, Any]):
    """Create an asset of ``model`` from field values (references as ``<field>_id`` pks)."""
    if model not in ASSET_MODELS:
        raise ValidationError("model", f"{model.__name__} is not an asset")
    instance = model(tenant=tenant)
    _apply(tenant, instance, data)
    _validate(tenant, instance)
    _check_unique_name(tenant, instance)
    instance.save()
    if model is Pool:
        pool_members_set(tenant, instance, data.get("heat_pump_ids", []))
    return instance


@transaction.atomic
def asset_update(*, tenant, model: type[models.Model], asset_id: int, data: Mapping[str, Any]):
    instance = asset_get(tenant, model, asset_id, "id")
    instance = model.objects.select_for_update().get(pk=instance.pk)
    check_not_retired(instance)
    _apply(tenant, instance, data)
    _validate(tenant, instance)
    _check_unique_name(tenant, instance)
    instance.save()
    if model is Pool and "heat_pump_ids" in data:
        pool_members_set(tenant, instance, data["heat_pump_ids"])
    return instance


@transaction.atomic
def asset_delete(*, tenant, model: type[models.Model], asset_id: int) -> int:
    """Delete an asset nothing refers to; one with history is refused (retire it instead)."""
    instance = asset_get(tenant, model, asset_id, "id")
    instance = model.objects.select_for_update().get(pk=instance.pk)
    check_deletable(instance)
    pk = instance.pk
    delete_without_history(instance)
    return pk


@transaction.atomic
def catalogue_entry_override(
    *, tenant, technology: str, name: str, parameters: Mapping[str, Any], source: str
):
    """Store a tenant's own values for a catalogue option (overrides the platform default)."""
    from ainergy.assets.selectors import catalogue_validate_entry

    if technology not in TechnologyCatalogueEntry.Technology.values:
        raise ValidationError(
            "technology", f"must be one of {', '.join(TechnologyCatalogueEntry.Technology.values)}"
        )
    if not source.strip():
        raise ValidationError("source", "say where the values come from")
    catalogue_validate_entry(technology, name, parameters)
    entry, _ = TechnologyCatalogueEntry.objects.update_or_create(
        tenant=tenant,
        technology=technology,
        name=name,
        defaults={
            "parameters": dict(parameters),
            "lifetime_years": parameters["lifetime_years"],
            "source": source,
        },
    )
    return entry
