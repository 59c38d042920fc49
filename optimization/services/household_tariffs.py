"""Grid tariffs as stored public data: which grid company a site has, a household's tariff
table from the stored price list, loading the shipped values and syncing the live price list.

The price list is tenant-independent (``GridCompany``, ``GridTariffPrice``); a site names its
grid company in ``Site.grid_tariff_code`` (the company's code or GLN). Values shipped with the
platform come from ``optimization/data/dk_grid_tariffs.json`` (each with its source);
:func:`grid_tariffs_sync` replaces a charge's entries with Energi Data Service's
``DatahubPricelist`` through the timeseries connector.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.timeseries.connectors.tariffs import TariffPeriod, fetch_tariff_periods
from optimization.core.household.tariffs import (
    ENERGINET_CHARGE_CODES,
    ENERGINET_GLN,
    tariff_table_dict_from_pricelist,
)
from optimization.models import GridCompany, GridTariffPrice
from optimization.selectors.household import site_get

SEED_PATH = Path(__file__).resolve().parents[1] / "data" / "dk_grid_tariffs.json"
TARIFF = "D03"


@lru_cache(maxsize=1)
def _seed(path: str = str(SEED_PATH)) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def bill_constants() -> dict[str, Any]:
    """VAT rates and the DKK/EUR rate the household bill uses, with their sources."""
    seed = _seed()
    return {
        "vat_fraction": seed["vat_fraction"],
        "exchange_rate_dkk_per_eur": seed["exchange_rate_dkk_per_eur"]["value"],
        "exchange_rate_source": seed["exchange_rate_dkk_per_eur"]["source"],
    }


def grid_company_get(value: str, *, field: str = "grid_company") -> GridCompany:
    """The grid company named by its code (``n1``) or GLN; ``GLN:code`` is read as the GLN."""
    text = str(value or "").strip()
    gln = text.split(":", 1)[0]
    company = (
        GridCompany.objects.filter(code=text.lower()).first()
        or GridCompany.objects.filter(gln_number=gln).first()
    )
    if company is None:
        known = ", ".join(GridCompany.objects.order_by("code").values_list("code", flat=True))
        raise ValidationError(field, f"unknown grid company {text!r}; known: {known}")
    return company


def _local_text(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None).isoformat()


def _as_record(entry: GridTariffPrice) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ChargeOwner": entry.charge_owner,
        "GLN_Number": entry.gln_number,
        "ChargeType": entry.charge_type,
        "ChargeTypeCode": entry.charge_type_code,
        "Note": entry.note,
        "ValidFrom": _local_text(entry.valid_from_at),
        "ValidTo": _local_text(entry.valid_to_at),
        "source": entry.source,
        "is_verified": entry.is_verified,
    }
    for hour, price in enumerate(entry.hourly_prices_dkk_per_kwh, start=1):
        record[f"Price{hour}"] = price
    return record


def household_tariff_table(
    company: GridCompany,
    *,
    export_fee_dkk_per_kwh: float = 0.0,
    supplier_markup_dkk_per_kwh: float = 0.0,
) -> dict[str, Any]:
    """The core's tariff table (JSON form) of a household in ``company``'s grid.

    DSO tariff from the company's codes, Energinet's transmission and system tariffs, the
    elafgift, VAT and the exchange rate; the supplier's markup and export fee as given.
    """
    codes = [*company.charge_type_codes, *company.supplement_charge_type_codes]
    entries = list(
        GridTariffPrice.objects.filter(
            gln_number=company.gln_number, charge_type=TARIFF, charge_type_code__in=codes
        )
    ) + list(
        GridTariffPrice.objects.filter(
            gln_number=ENERGINET_GLN,
            charge_type=TARIFF,
            charge_type_code__in=list(ENERGINET_CHARGE_CODES.values()),
        )
    )
    constants = bill_constants()
    try:
        return tariff_table_dict_from_pricelist(
            [_as_record(entry) for entry in entries],
            grid_company_gln=company.gln_number,
            charge_type_codes=company.charge_type_codes,
            supplement_charge_type_codes=company.supplement_charge_type_codes,
            notes=company.notes,
            vat_fraction=constants["vat_fraction"],
            exchange_rate_dkk_per_eur=constants["exchange_rate_dkk_per_eur"],
            export_fee_dkk_per_kwh=export_fee_dkk_per_kwh,
            supplier_markup_dkk_per_kwh=supplier_markup_dkk_per_kwh,
            name=f"{company.name} household tariff, Energinet tariffs, elafgift, VAT",
            source=f"stored price list of {company.name} (GLN {company.gln_number}) and "
            f"Energinet; {constants['exchange_rate_source']}",
        )
    except ValidationError as error:
        if error.field == "grid_company":
            raise ValidationError(
                "grid_company",
                f"no stored tariff of {company.name} ({company.code}); run sync_grid_tariffs",
            ) from None
        raise


@transaction.atomic
def site_grid_company_set(*, tenant, site_id: int, grid_company: str):
    """Name the grid company of a site (stored as the company's code in its grid_tariff_code)."""
    site = site_get(tenant, site_id)
    company = grid_company_get(grid_company)
    site.grid_tariff_code = company.code
    site.save(update_fields=["grid_tariff_code"])
    return site


def _upsert_company(company: Mapping[str, Any]) -> None:
    GridCompany.objects.update_or_create(
        gln_number=company["gln_number"],
        defaults={
            key: company[key]
            for key in (
                "code",
                "name",
                "price_area",
                "charge_type_codes",
                "supplement_charge_type_codes",
                "notes",
                "source",
            )
        },
    )


def _parse_local(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ).astimezone(dt.UTC)


@transaction.atomic
def grid_tariffs_load(*, path: Path | None = None) -> dict[str, int]:
    """Upsert the shipped grid companies and price-list entries (idempotent)."""
    seed = json.loads((path or SEED_PATH).read_text())
    for company in seed["grid_companies"]:
        _upsert_company(company)
    for record in seed["price_list"]:
        prices = [record[f"Price{hour}"] for hour in range(1, 25)]
        if all(price is None for price in prices[1:]):
            prices = [prices[0]] * 24
        GridTariffPrice.objects.update_or_create(
            gln_number=record["GLN_Number"],
            charge_type=record["ChargeType"],
            charge_type_code=record["ChargeTypeCode"],
            valid_from_at=_parse_local(record["ValidFrom"]),
            defaults={
                "charge_owner": record["ChargeOwner"],
                "note": record["Note"],
                "description": record["Description"],
                "valid_to_at": _parse_local(record["ValidTo"]),
                "hourly_prices_dkk_per_kwh": prices,
                "source": record["source"],
                "is_verified": record["is_verified"],
            },
        )
    return {"grid_companies": len(seed["grid_companies"]), "entries": len(seed["price_list"])}


def _replace_charge(
    gln: str, code: str, periods: Sequence[TariffPeriod], source: str
) -> tuple[int, int]:
    removed, _ = GridTariffPrice.objects.filter(
        gln_number=gln, charge_type=TARIFF, charge_type_code=code
    ).delete()
    GridTariffPrice.objects.bulk_create(
        [
            GridTariffPrice(
                gln_number=period.gln_number,
                charge_type=period.charge_type,
                charge_type_code=period.charge_type_code,
                charge_owner=period.charge_owner[:120],
                note=period.note[:120],
                description=period.description[:200],
                valid_from_at=period.valid_from_at,
                valid_to_at=period.valid_to_at,
                hourly_prices_dkk_per_kwh=list(period.hourly_prices_dkk_per_kwh),
                source=source,
                is_verified=True,
            )
            for period in periods
        ]
    )
    return removed, len(periods)


def grid_tariffs_sync(
    *, client, companies: Iterable[str] | None = None, now: dt.datetime | None = None
) -> dict[str, dict[str, int]]:
    """Replace the stored entries of Energinet's charges and of each grid company's tariff
    codes with the live ``DatahubPricelist`` (one transaction per charge; a charge the API
    returns nothing for keeps its stored entries).

    Returns ``{"GLN/code": {"removed": n, "stored": m}}``.
    """
    now = now or timezone.now()
    source = f"Energi Data Service DatahubPricelist, fetched {now.astimezone(dt.UTC):%Y-%m-%d}"
    selected = (
        [grid_company_get(value) for value in companies]
        if companies is not None
        else list(GridCompany.objects.order_by("code"))
    )
    charges: list[tuple[str, list[str], list[str]]] = [
        (ENERGINET_GLN, list(ENERGINET_CHARGE_CODES.values()), [])
    ]
    for company in selected:
        codes = [*company.charge_type_codes, *company.supplement_charge_type_codes]
        charges.append((company.gln_number, codes, list(company.notes)))
    summary: dict[str, dict[str, int]] = {}
    for gln, codes, notes in charges:
        periods = fetch_tariff_periods(client, gln_number=gln, charge_type_codes=codes)
        if notes:
            periods = [period for period in periods if period.note in notes]
        for code in codes:
            mine = [period for period in periods if period.charge_type_code == code]
            if not mine:
                continue
            with transaction.atomic():
                removed, stored = _replace_charge(gln, code, mine, source)
            summary[f"{gln}/{code}"] = {"removed": removed, "stored": stored}
    return summary
