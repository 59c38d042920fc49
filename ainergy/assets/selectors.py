from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ainergy.assets.models import TechnologyCatalogueEntry
from ainergy.common.errors import NotFoundError, ValidationError
from optimization.core.household.technology import TechnologyCatalogue, catalogue_from_dict


def asset_get(tenant, model, pk, field: str = "id"):
    """A tenant's object by primary key; a missing and another tenant's object read alike."""
    try:
        return model.objects.for_tenant(tenant).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(
            f"{model._meta.verbose_name.capitalize()} not found.", {"field": field}
        ) from None


def catalogue_entries(tenant) -> list[TechnologyCatalogueEntry]:
    """Platform defaults overridden by the tenant's own rows (same technology and name)."""
    rows = TechnologyCatalogueEntry.objects.filter(
        tenant__isnull=True
    ) | TechnologyCatalogueEntry.objects.filter(tenant=tenant)
    chosen: dict[tuple[str, str], TechnologyCatalogueEntry] = {}
    for row in rows.order_by("technology", "name", "tenant_id"):
        key = (row.technology, row.name)
        if key not in chosen or row.tenant_id is not None:
            chosen[key] = row
    return sorted(chosen.values(), key=lambda row: (row.technology, row.name))


def _as_catalogue_dict(entries, *, household_only: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"heat_pumps": []}
    for entry in entries:
        parameters = {**entry.parameters, "source": entry.source}
        if entry.technology == "heat_pump":
            if household_only and parameters.get("heat_capacity_kw", 0) > 100:
                continue
            data["heat_pumps"].append({"name": entry.name, **parameters})
        elif entry.name == "default":
            data[entry.technology] = parameters
    return data


def household_catalogue(tenant) -> TechnologyCatalogue:
    """The catalogue a household sizing study of ``tenant`` chooses from."""
    return catalogue_from_dict(_as_catalogue_dict(catalogue_entries(tenant)))


def catalogue_validate_entry(technology: str, name: str, parameters: Mapping[str, Any]) -> None:
    """Check ``parameters`` against the optimization core's option fields."""
    if "lifetime_years" not in parameters:
        raise ValidationError("parameters.lifetime_years", "missing")
    defaults = {
        row.technology: row for row in TechnologyCatalogueEntry.objects.filter(tenant__isnull=True)
    }
    base = _as_catalogue_dict(defaults.values(), household_only=False)
    if technology == "heat_pump":
        base["heat_pumps"] = [{"name": name, **parameters}]
    else:
        base[technology] = dict(parameters)
    try:
        catalogue_from_dict(base)
    except ValidationError as error:
        raise ValidationError(f"parameters.{error.field}", error.reason) from None


def memberships_covering(queryset, start, end=None):
    """Memberships valid over all of ``[start, end)`` (``end=None``: at the instant ``start``)."""
    from django.db.models import Q

    valid_from = Q(valid_from_at__isnull=True) | Q(valid_from_at__lte=start)
    if end is None:
        valid_to = Q(valid_to_at__isnull=True) | Q(valid_to_at__gt=start)
    else:
        valid_to = Q(valid_to_at__isnull=True) | Q(valid_to_at__gte=end)
    return queryset.filter(valid_from, valid_to)


def memberships_overlapping(queryset, start, end):
    """Memberships valid at some instant of ``[start, end)`` (None = unbounded)."""
    from django.db.models import Q

    if start is not None:
        queryset = queryset.filter(Q(valid_to_at__isnull=True) | Q(valid_to_at__gt=start))
    if end is not None:
        queryset = queryset.filter(Q(valid_from_at__isnull=True) | Q(valid_from_at__lt=end))
    return queryset


def pool_members(tenant, pool, start, end=None):
    """Heat pumps that are members of ``pool`` over all of ``[start, end)``, by id."""
    from ainergy.assets.models import HeatPump, PoolMembership

    memberships = memberships_covering(
        PoolMembership.objects.for_tenant(tenant).filter(pool=pool), start, end
    )
    return (
        HeatPump.objects.for_tenant(tenant)
        .filter(pk__in=memberships.values("heat_pump_id"))
        .select_related("site", "source_temperature_series")
        .order_by("id")
    )


def heat_pump_history(heat_pump) -> dict[str, int]:
    """What refers to a heat pump and must survive it: bid plans, dispatches, telemetry."""
    from django.apps import apps

    unit = apps.get_model("optimization", "BidPlanUnit")
    period = apps.get_model("optimization", "BidPlanSchedulePeriod")
    setpoint = apps.get_model("optimization", "PoolDispatchSetpoint")
    observation = apps.get_model("timeseries", "Observation")
    plans = set(unit.objects.filter(heat_pump=heat_pump).values_list("bid_plan_id", flat=True))
    plans |= set(period.objects.filter(heat_pump=heat_pump).values_list("bid_plan_id", flat=True))
    dispatches = (
        setpoint.objects.filter(heat_pump=heat_pump).values("dispatch_id").distinct().count()
    )
    telemetry = (
        observation.objects.filter(series__heat_pump=heat_pump)
        .values("series_id")
        .distinct()
        .count()
    )
    counts = {"bid plan": len(plans), "dispatch": dispatches, "telemetry series": telemetry}
    return {name: count for name, count in counts.items() if count}


def pool_history(pool) -> dict[str, int]:
    """Bid plans made for a pool (they keep it)."""
    from django.apps import apps

    plan = apps.get_model("optimization", "BidPlan")
    count = plan.objects.filter(pool=pool).count()
    return {"bid plan": count} if count else {}


def site_history(site) -> dict[str, int]:
    """History of a site's heat pumps and pools' plans, and household runs of the site."""
    from django.apps import apps

    from ainergy.assets.models import HeatPump

    history: dict[str, int] = {}
    for pump in HeatPump.objects.filter(site=site):
        for name, count in heat_pump_history(pump).items():
            history[name] = history.get(name, 0) + count
    for label, model_name in (
        ("household schedule", "HouseholdSchedule"),
        ("sizing study", "SizingStudy"),
    ):
        count = apps.get_model("optimization", model_name).objects.filter(site=site).count()
        if count:
            history[label] = count
    return history


PLURALS = {
    "dispatch": "dispatches",
    "sizing study": "sizing studies",
    "telemetry series": "telemetry series",
}


def describe_history(history: dict[str, int]) -> str:
    """``{"bid plan": 2, "dispatch": 1}`` → "2 bid plans, 1 dispatch"."""
    return ", ".join(
        f"{count} {name if count == 1 else PLURALS.get(name, name + 's')}"
        for name, count in history.items()
    )
