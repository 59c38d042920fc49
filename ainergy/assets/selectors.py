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
