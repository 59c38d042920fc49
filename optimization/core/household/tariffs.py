"""Danish household electricity bill: spot + DSO time-of-use + Energinet + elafgift + VAT.

Every rate is data with a validity interval (``valid_from`` inclusive, ``valid_to`` exclusive,
Europe/Copenhagen calendar dates), never a constant in code. Tariff periods (lavlast, højlast,
spidslast) and seasons are read on the *local* clock, so the 23- and 25-hour DST days are
priced right.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ

TIME_OF_USE_PERIODS = ("low", "high", "peak")


@dataclass(frozen=True)
class DatedRate:
    """One flat rate valid on local dates ``valid_from <= day < valid_to`` (``None`` = open end).

    ``is_verified`` is false when the value could not be checked against its source; results
    that use such a rate say so in their assumptions.
    """

    valid_from: dt.date
    valid_to: dt.date | None
    value: float
    source: str = ""
    is_verified: bool = True


@dataclass(frozen=True)
class HourlyRate:
    """One price-list entry of one charge: a price per local clock hour 00–01 … 23–24.

    This is the shape of an Energi Data Service ``DatahubPricelist`` record (``Price1`` …
    ``Price24``). Entries of different ``charge_code`` add up (e.g. N1's ``CD`` and its rebate
    ``CD R``); for one code, the entry with the latest ``valid_from`` applies. A main code must
    cover every date billed; a supplement code (``is_supplement``, e.g. a rebate) adds where it
    has an entry and nothing elsewhere.
    """

    valid_from: dt.date
    valid_to: dt.date | None
    prices_dkk_per_kwh: tuple[float, ...]
    charge_code: str = ""
    source: str = ""
    is_verified: bool = True
    is_supplement: bool = False


@dataclass(frozen=True)
class TimeOfUseRate:
    """DSO time-of-use tariff [DKK/kWh, excl. VAT] for one season and validity interval.

    ``months`` lists the local calendar months of the season (winter Oct–Mar, summer Apr–Sep
    in Tarifmodel 3.0). Kept for tables written by hand; price lists use :class:`HourlyRate`.
    """

    valid_from: dt.date
    valid_to: dt.date | None
    months: tuple[int, ...]
    low_dkk_per_kwh: float
    high_dkk_per_kwh: float
    peak_dkk_per_kwh: float
    source: str = ""
    is_verified: bool = True


@dataclass(frozen=True, kw_only=True)
class TariffTable:
    """All per-kWh charges of a Danish household bill, in DKK excl. VAT, with validity dates.

    The DSO tariff is either ``dso_tariff`` (hourly price lists, as published in
    DatahubPricelist) or, for hand-written tables, ``dso_time_of_use`` with
    ``period_by_local_hour`` giving the period ("low", "high", "peak") of each local hour.
    """

    name: str
    exchange_rate_dkk_per_eur: float
    energinet_transmission_dkk_per_kwh: tuple[DatedRate, ...]
    energinet_system_dkk_per_kwh: tuple[DatedRate, ...]
    electricity_tax_dkk_per_kwh: tuple[DatedRate, ...]
    vat_fraction: tuple[DatedRate, ...]
    export_fee_dkk_per_kwh: tuple[DatedRate, ...]
    dso_tariff: tuple[HourlyRate, ...] = ()
    period_by_local_hour: tuple[str, ...] = ()
    dso_time_of_use: tuple[TimeOfUseRate, ...] = ()
    supplier_markup_dkk_per_kwh: tuple[DatedRate, ...] = ()
    grid_company: str = ""
    source: str = ""


@dataclass(frozen=True)
class PriceComponents:
    """Per-period unit prices [EUR/kWh]; import components are excl. VAT, ``vat`` is separate.

    Notes
    -----
    import = (1 + vat_fraction) · (spot + markup + dso + energinet + tax)
    export = spot − export_fee   (no VAT, no tax on a private household's export)
    ``energy`` = spot + supplier markup; ``spot`` defaults to ``energy`` (no markup).
    """

    period_start_utc: pd.DatetimeIndex
    energy_eur_per_kwh: np.ndarray
    dso_tariff_eur_per_kwh: np.ndarray
    energinet_tariff_eur_per_kwh: np.ndarray
    electricity_tax_eur_per_kwh: np.ndarray
    vat_eur_per_kwh: np.ndarray
    export_eur_per_kwh: np.ndarray
    time_of_use_period: np.ndarray
    spot_eur_per_kwh: np.ndarray | None = None
    exchange_rate_dkk_per_eur: float | None = None
    unverified_sources: tuple[str, ...] = ()

    def take(self, positions: np.ndarray) -> PriceComponents:
        """The components of the periods at ``positions`` (integer or boolean index)."""
        return replace(
            self,
            period_start_utc=self.period_start_utc[positions],
            energy_eur_per_kwh=self.energy_eur_per_kwh[positions],
            dso_tariff_eur_per_kwh=self.dso_tariff_eur_per_kwh[positions],
            energinet_tariff_eur_per_kwh=self.energinet_tariff_eur_per_kwh[positions],
            electricity_tax_eur_per_kwh=self.electricity_tax_eur_per_kwh[positions],
            vat_eur_per_kwh=self.vat_eur_per_kwh[positions],
            export_eur_per_kwh=self.export_eur_per_kwh[positions],
            time_of_use_period=self.time_of_use_period[positions],
            spot_eur_per_kwh=None
            if self.spot_eur_per_kwh is None
            else self.spot_eur_per_kwh[positions],
        )

    @property
    def spot_or_energy_eur_per_kwh(self) -> np.ndarray:
        return self.energy_eur_per_kwh if self.spot_eur_per_kwh is None else self.spot_eur_per_kwh

    @property
    def supplier_markup_eur_per_kwh(self) -> np.ndarray:
        return self.energy_eur_per_kwh - self.spot_or_energy_eur_per_kwh

    @property
    def import_eur_per_kwh(self) -> np.ndarray:
        return (
            self.energy_eur_per_kwh
            + self.dso_tariff_eur_per_kwh
            + self.energinet_tariff_eur_per_kwh
            + self.electricity_tax_eur_per_kwh
            + self.vat_eur_per_kwh
        )


@dataclass(frozen=True)
class PeriodBill:
    """The bill of every period [EUR], split by who gets the money (import items ≥ 0 when the
    unit prices are; ``export_revenue`` is paid to the household)."""

    spot_eur: np.ndarray
    supplier_markup_eur: np.ndarray
    dso_tariff_eur: np.ndarray
    energinet_tariff_eur: np.ndarray
    electricity_tax_eur: np.ndarray
    vat_eur: np.ndarray
    export_revenue_eur: np.ndarray
    exchange_rate_dkk_per_eur: float | None = None

    ITEMS = (
        "spot",
        "supplier_markup",
        "dso_tariff",
        "energinet_tariff",
        "electricity_tax",
        "vat",
        "export_revenue",
    )

    @property
    def total_eur(self) -> np.ndarray:
        return (
            self.spot_eur
            + self.supplier_markup_eur
            + self.dso_tariff_eur
            + self.energinet_tariff_eur
            + self.electricity_tax_eur
            + self.vat_eur
            - self.export_revenue_eur
        )

    def in_dkk(self) -> dict[str, np.ndarray]:
        """Every item and the total per period [DKK] (at the table's exchange rate)."""
        if self.exchange_rate_dkk_per_eur is None:
            raise ValidationError("exchange_rate_dkk_per_eur", "unknown; cannot convert to DKK")
        fx = self.exchange_rate_dkk_per_eur
        items = {item: getattr(self, f"{item}_eur") * fx for item in self.ITEMS}
        items["total"] = self.total_eur * fx
        return items


@dataclass(frozen=True)
class BillBreakdown:
    """A bill [EUR] split by who gets the money; ``total_eur`` is net of export revenue.

    ``energy_eur`` is spot + supplier markup (``supplier_markup_eur`` of it is the markup).
    """

    energy_eur: float
    dso_tariff_eur: float
    energinet_tariff_eur: float
    electricity_tax_eur: float
    vat_eur: float
    export_revenue_eur: float
    import_energy_kwh: float
    export_energy_kwh: float
    supplier_markup_eur: float = 0.0
    exchange_rate_dkk_per_eur: float | None = None

    @property
    def spot_eur(self) -> float:
        return self.energy_eur - self.supplier_markup_eur

    @property
    def tariffs_eur(self) -> float:
        return self.dso_tariff_eur + self.energinet_tariff_eur

    @property
    def taxes_eur(self) -> float:
        return self.electricity_tax_eur + self.vat_eur

    @property
    def total_eur(self) -> float:
        return self.energy_eur + self.tariffs_eur + self.taxes_eur - self.export_revenue_eur

    def as_dict(self) -> dict[str, float]:
        return {
            "energy_eur": self.energy_eur,
            "spot_eur": self.spot_eur,
            "supplier_markup_eur": self.supplier_markup_eur,
            "dso_tariff_eur": self.dso_tariff_eur,
            "energinet_tariff_eur": self.energinet_tariff_eur,
            "tariffs_eur": self.tariffs_eur,
            "electricity_tax_eur": self.electricity_tax_eur,
            "vat_eur": self.vat_eur,
            "taxes_eur": self.taxes_eur,
            "export_revenue_eur": self.export_revenue_eur,
            "total_eur": self.total_eur,
            "import_energy_kwh": self.import_energy_kwh,
            "export_energy_kwh": self.export_energy_kwh,
        }

    def in_dkk(self) -> dict[str, float]:
        """Spot, markup, DSO tariff, Energinet tariff, elafgift, VAT, export revenue, total [DKK]."""
        if self.exchange_rate_dkk_per_eur is None:
            raise ValidationError("exchange_rate_dkk_per_eur", "unknown; cannot convert to DKK")
        fx = self.exchange_rate_dkk_per_eur
        return {
            "spot": self.spot_eur * fx,
            "supplier_markup": self.supplier_markup_eur * fx,
            "dso_tariff": self.dso_tariff_eur * fx,
            "energinet_tariff": self.energinet_tariff_eur * fx,
            "electricity_tax": self.electricity_tax_eur * fx,
            "vat": self.vat_eur * fx,
            "export_revenue": self.export_revenue_eur * fx,
            "total": self.total_eur * fx,
        }


def _local_dates(period_start_utc: pd.DatetimeIndex, tariff_year: int | None) -> np.ndarray:
    local = period_start_utc.tz_convert(LOCAL_TZ)
    if tariff_year is None:
        return np.asarray(local.date)
    # Evaluate another year's operation under the rates of ``tariff_year``: keep the local month
    # and day, swap the year (29 Feb -> 28 Feb when the target year is not a leap year).
    months = np.asarray(local.month)
    days = np.asarray(local.day)
    is_leap = tariff_year % 4 == 0 and (tariff_year % 100 != 0 or tariff_year % 400 == 0)
    if not is_leap:
        days = np.where((months == 2) & (days == 29), 28, days)
    return np.array(
        [dt.date(tariff_year, int(m), int(d)) for m, d in zip(months, days, strict=True)]
    )


def _rate_series(
    rates: Sequence[DatedRate],
    dates: np.ndarray,
    field: str,
    unverified: set[str],
    required: bool = True,
) -> np.ndarray:
    values = np.full(len(dates), np.nan)
    for rate in rates:
        mask = dates >= rate.valid_from
        if rate.valid_to is not None:
            mask &= dates < rate.valid_to
        values[mask] = rate.value
        if mask.any() and not rate.is_verified:
            unverified.add(f"{field}: {rate.source or 'no source'}")
    missing = np.isnan(values)
    if missing.any():
        if not required and not rates:
            return np.zeros(len(dates))
        raise ValidationError(field, f"no rate valid on local date {dates[missing][0]}")
    return values


def _dso_series(
    table: TariffTable, dates: np.ndarray, hours: np.ndarray, unverified: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """DSO tariff [DKK/kWh] and the time-of-use label ('' for price lists) per period."""
    n = len(dates)
    if table.dso_tariff:
        total = np.zeros(n)
        covered = np.zeros(n, dtype=bool)
        for code in sorted({rate.charge_code for rate in table.dso_tariff}):
            values = np.full(n, np.nan)
            # Latest valid_from wins where one code's entries overlap: apply oldest first.
            entries = sorted(
                (r for r in table.dso_tariff if r.charge_code == code), key=lambda r: r.valid_from
            )
            for rate in entries:
                mask = dates >= rate.valid_from
                if rate.valid_to is not None:
                    mask &= dates < rate.valid_to
                values[mask] = np.asarray(rate.prices_dkk_per_kwh)[hours[mask]]
                if mask.any() and not rate.is_verified:
                    unverified.add(
                        f"tariff_table.dso_tariff ({code}): {rate.source or 'no source'}"
                    )
            gap = np.isnan(values)
            is_supplement = all(r.is_supplement for r in entries)
            if gap.any() and not is_supplement:
                label = f" (charge {code})" if code else ""
                raise ValidationError(
                    "tariff_table.dso_tariff_dkk_per_kwh",
                    f"no rate{label} valid on local date {dates[gap][0]}",
                )
            covered |= ~gap
            total += np.where(gap, 0.0, values)
        if not covered.all():
            raise ValidationError(
                "tariff_table.dso_tariff_dkk_per_kwh",
                f"no rate valid on local date {dates[~covered][0]}",
            )
        return total, np.full(n, "", dtype=object)
    months = np.array([d.month for d in dates])
    period = np.asarray(table.period_by_local_hour, dtype=object)[hours]
    dso = np.full(n, np.nan)
    for rate in table.dso_time_of_use:
        mask = (dates >= rate.valid_from) & np.isin(months, rate.months)
        if rate.valid_to is not None:
            mask &= dates < rate.valid_to
        by_period = {
            "low": rate.low_dkk_per_kwh,
            "high": rate.high_dkk_per_kwh,
            "peak": rate.peak_dkk_per_kwh,
        }
        for name, value in by_period.items():
            dso[mask & (period == name)] = value
        if mask.any() and not rate.is_verified:
            unverified.add(f"tariff_table.dso_time_of_use: {rate.source or 'no source'}")
    if np.isnan(dso).any():
        day = dates[np.isnan(dso)][0]
        raise ValidationError("tariff_table.dso_time_of_use", f"no rate valid on local date {day}")
    return dso, period


def first_non_finite(
    values: np.ndarray, period_start_utc: pd.DatetimeIndex | None, field: str
) -> None:
    """Raise ``ValidationError(field)`` naming the first NaN/inf value and its UTC time."""
    bad = ~np.isfinite(np.asarray(values, dtype=float))
    if not bad.any():
        return
    position = int(np.flatnonzero(bad)[0])
    where = (
        f"at {period_start_utc[position].strftime('%Y-%m-%dT%H:%M:%SZ')}"
        if period_start_utc is not None and position < len(period_start_utc)
        else f"at position {position}"
    )
    raise ValidationError(
        field,
        f"{int(bad.sum())} missing or non-finite value(s), first {where} "
        f"({np.asarray(values, dtype=float)[position]})",
    )


def price_components(
    period_start_utc: pd.DatetimeIndex,
    spot_price_eur_per_mwh: np.ndarray,
    tariff_table: TariffTable,
    tariff_year: int | None = None,
) -> PriceComponents:
    """Unit prices of import and export for every period.

    Parameters
    ----------
    period_start_utc : pandas.DatetimeIndex
        tz-aware UTC start of each period (any step; tariffs are hourly on the local clock).
    spot_price_eur_per_mwh : numpy.ndarray
        Day-ahead price per period [EUR/MWh].
    tariff_table : TariffTable
        Rates with validity dates.
    tariff_year : int, optional
        Apply the rates of this year (same local month/day) instead of the periods' own dates;
        used to evaluate a historical price year under a future tariff.

    Returns
    -------
    PriceComponents
        Unit prices [EUR/kWh]; ``unverified_sources`` lists the rates used that are flagged as
        not verified against their source.

    Notes
    -----
    c_import,t = (1 + v_t)·(λ_t/1000 + m_t + d_t + e_t + a_t) with spot λ [EUR/MWh], markup m,
    DSO tariff d (price of the local clock hour; the sum over the DSO's charge codes),
    Energinet tariffs e, elafgift a and VAT fraction v, the DKK rates divided by the exchange
    rate. c_export,t = λ_t/1000 − f_t (export fee f).
    """
    if period_start_utc.tz is None:
        raise ValidationError("period_start_utc", "naive timestamps; expected tz-aware UTC")
    spot = np.asarray(spot_price_eur_per_mwh, dtype=float)
    if spot.shape != (len(period_start_utc),):
        raise ValidationError(
            "spot_price_eur_per_mwh", f"expected {len(period_start_utc)} values, got {spot.shape}"
        )
    first_non_finite(spot, period_start_utc, "spot_price_eur_per_mwh")
    fx = tariff_table.exchange_rate_dkk_per_eur
    if not (math.isfinite(fx) and fx > 0):
        raise ValidationError("tariff_table.exchange_rate_dkk_per_eur", "must be positive")
    local = period_start_utc.tz_convert(LOCAL_TZ)
    dates = _local_dates(period_start_utc, tariff_year)
    hours = np.asarray(local.hour)
    unverified: set[str] = set()
    dso, period = _dso_series(tariff_table, dates, hours, unverified)
    markup = _rate_series(
        tariff_table.supplier_markup_dkk_per_kwh,
        dates,
        "tariff_table.supplier_markup_dkk_per_kwh",
        unverified,
        required=False,
    )
    energinet = _rate_series(
        tariff_table.energinet_transmission_dkk_per_kwh,
        dates,
        "tariff_table.energinet_transmission_dkk_per_kwh",
        unverified,
    ) + _rate_series(
        tariff_table.energinet_system_dkk_per_kwh,
        dates,
        "tariff_table.energinet_system_dkk_per_kwh",
        unverified,
    )
    tax = _rate_series(
        tariff_table.electricity_tax_dkk_per_kwh,
        dates,
        "tariff_table.electricity_tax_dkk_per_kwh",
        unverified,
    )
    vat_fraction = _rate_series(
        tariff_table.vat_fraction, dates, "tariff_table.vat_fraction", unverified
    )
    export_fee = _rate_series(
        tariff_table.export_fee_dkk_per_kwh,
        dates,
        "tariff_table.export_fee_dkk_per_kwh",
        unverified,
    )
    spot_kwh = spot / 1000.0
    energy = spot_kwh + markup / fx
    net = energy + dso / fx + energinet / fx + tax / fx
    return PriceComponents(
        period_start_utc=period_start_utc,
        energy_eur_per_kwh=energy,
        dso_tariff_eur_per_kwh=dso / fx,
        energinet_tariff_eur_per_kwh=energinet / fx,
        electricity_tax_eur_per_kwh=tax / fx,
        vat_eur_per_kwh=vat_fraction * net,
        export_eur_per_kwh=spot_kwh - export_fee / fx,
        time_of_use_period=period,
        spot_eur_per_kwh=spot_kwh,
        exchange_rate_dkk_per_eur=fx,
        unverified_sources=tuple(sorted(unverified)),
    )


def bill_by_period(
    prices: PriceComponents, grid_import_kwh: np.ndarray, grid_export_kwh: np.ndarray
) -> PeriodBill:
    """The bill of each period [EUR], item by item (see :func:`compute_bill`)."""
    imp = np.asarray(grid_import_kwh, dtype=float)
    exp = np.asarray(grid_export_kwh, dtype=float)
    return PeriodBill(
        spot_eur=prices.spot_or_energy_eur_per_kwh * imp,
        supplier_markup_eur=prices.supplier_markup_eur_per_kwh * imp,
        dso_tariff_eur=prices.dso_tariff_eur_per_kwh * imp,
        energinet_tariff_eur=prices.energinet_tariff_eur_per_kwh * imp,
        electricity_tax_eur=prices.electricity_tax_eur_per_kwh * imp,
        vat_eur=prices.vat_eur_per_kwh * imp,
        export_revenue_eur=prices.export_eur_per_kwh * exp,
        exchange_rate_dkk_per_eur=prices.exchange_rate_dkk_per_eur,
    )


def compute_bill(
    prices: PriceComponents, grid_import_kwh: np.ndarray, grid_export_kwh: np.ndarray
) -> BillBreakdown:
    """Bill of metered import and export energy per period.

    Parameters
    ----------
    prices : PriceComponents
        Unit prices per period [EUR/kWh].
    grid_import_kwh, grid_export_kwh : numpy.ndarray
        Energy per period [kWh], non-negative.

    Returns
    -------
    BillBreakdown
        Totals [EUR].

    Notes
    -----
    Each item is Σ_t c_item,t · E_import,t; export revenue is Σ_t c_export,t · E_export,t.
    """
    imp = np.asarray(grid_import_kwh, dtype=float)
    exp = np.asarray(grid_export_kwh, dtype=float)
    return BillBreakdown(
        energy_eur=float(prices.energy_eur_per_kwh @ imp),
        dso_tariff_eur=float(prices.dso_tariff_eur_per_kwh @ imp),
        energinet_tariff_eur=float(prices.energinet_tariff_eur_per_kwh @ imp),
        electricity_tax_eur=float(prices.electricity_tax_eur_per_kwh @ imp),
        vat_eur=float(prices.vat_eur_per_kwh @ imp),
        export_revenue_eur=float(prices.export_eur_per_kwh @ exp),
        import_energy_kwh=float(imp.sum()),
        export_energy_kwh=float(exp.sum()),
        supplier_markup_eur=float(prices.supplier_markup_eur_per_kwh @ imp),
        exchange_rate_dkk_per_eur=prices.exchange_rate_dkk_per_eur,
    )


def _parse_date(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValidationError(field, f"expected an ISO date YYYY-MM-DD, got {value!r}") from exc


def _number(mapping: Mapping[str, Any], key: str, field: str) -> float:
    if key not in mapping:
        raise ValidationError(f"{field}.{key}", "missing")
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{field}.{key}", f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ValidationError(f"{field}.{key}", f"must be finite, got {value!r}")
    return float(value)


def _validity(entry: Mapping[str, Any], field: str) -> tuple[dt.date, dt.date | None]:
    valid_from = _parse_date(entry.get("valid_from"), f"{field}.valid_from")
    if valid_from is None:
        raise ValidationError(f"{field}.valid_from", "missing")
    valid_to = _parse_date(entry.get("valid_to"), f"{field}.valid_to")
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationError(f"{field}.valid_to", "must be after valid_from")
    return valid_from, valid_to


def _flag(entry: Mapping[str, Any], field: str) -> bool:
    value = entry.get("is_verified", True)
    if not isinstance(value, bool):
        raise ValidationError(f"{field}.is_verified", f"expected true or false, got {value!r}")
    return value


def _dated_rates(data: Mapping[str, Any], key: str, required: bool = True) -> tuple[DatedRate, ...]:
    if key not in data:
        if required:
            raise ValidationError(f"tariff_table.{key}", "missing")
        return ()
    entries = data[key]
    if not isinstance(entries, list):
        raise ValidationError(f"tariff_table.{key}", "expected a list of dated rates")
    rates = []
    for i, entry in enumerate(entries):
        field = f"tariff_table.{key}[{i}]"
        if not isinstance(entry, Mapping):
            raise ValidationError(field, "expected an object")
        valid_from, valid_to = _validity(entry, field)
        rates.append(
            DatedRate(
                valid_from=valid_from,
                valid_to=valid_to,
                value=_number(entry, "value", field),
                source=str(entry.get("source", "")),
                is_verified=_flag(entry, field),
            )
        )
    return tuple(rates)


def _hourly_rates(data: Mapping[str, Any]) -> tuple[HourlyRate, ...]:
    entries = data.get("dso_tariff_dkk_per_kwh")
    if entries is None:
        return ()
    if not isinstance(entries, list) or not entries:
        raise ValidationError("tariff_table.dso_tariff_dkk_per_kwh", "expected a non-empty list")
    rates = []
    for i, entry in enumerate(entries):
        field = f"tariff_table.dso_tariff_dkk_per_kwh[{i}]"
        if not isinstance(entry, Mapping):
            raise ValidationError(field, "expected an object")
        valid_from, valid_to = _validity(entry, field)
        hourly = entry.get("prices_by_local_hour")
        if not isinstance(hourly, list) or len(hourly) != 24:
            raise ValidationError(
                f"{field}.prices_by_local_hour", "expected 24 prices, local hours 00–01 … 23–24"
            )
        prices = tuple(
            _number({"h": value}, "h", f"{field}.prices_by_local_hour[{hour}]")
            for hour, value in enumerate(hourly)
        )
        rates.append(
            HourlyRate(
                valid_from=valid_from,
                valid_to=valid_to,
                prices_dkk_per_kwh=prices,
                charge_code=str(entry.get("charge_type_code", "")),
                source=str(entry.get("source", "")),
                is_verified=_flag(entry, field),
                is_supplement=bool(entry.get("is_supplement", False)),
            )
        )
    return tuple(rates)


def _time_of_use(data: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[TimeOfUseRate, ...]]:
    periods = data.get("period_by_local_hour")
    if (
        not isinstance(periods, list)
        or len(periods) != 24
        or any(p not in TIME_OF_USE_PERIODS for p in periods)
    ):
        raise ValidationError(
            "tariff_table.period_by_local_hour",
            f"expected 24 entries, each one of {TIME_OF_USE_PERIODS}",
        )
    dso_entries = data.get("dso_time_of_use")
    if not isinstance(dso_entries, list) or not dso_entries:
        raise ValidationError("tariff_table.dso_time_of_use", "expected a non-empty list")
    dso = []
    for i, entry in enumerate(dso_entries):
        field = f"tariff_table.dso_time_of_use[{i}]"
        months = entry.get("months")
        if not isinstance(months, list) or any(m not in range(1, 13) for m in months):
            raise ValidationError(f"{field}.months", "expected a list of months 1..12")
        valid_from, valid_to = _validity(entry, field)
        dso.append(
            TimeOfUseRate(
                valid_from=valid_from,
                valid_to=valid_to,
                months=tuple(int(m) for m in months),
                low_dkk_per_kwh=_number(entry, "low_dkk_per_kwh", field),
                high_dkk_per_kwh=_number(entry, "high_dkk_per_kwh", field),
                peak_dkk_per_kwh=_number(entry, "peak_dkk_per_kwh", field),
                source=str(entry.get("source", "")),
                is_verified=_flag(entry, field),
            )
        )
    return tuple(periods), tuple(dso)


def tariff_table_from_dict(data: Mapping[str, Any]) -> TariffTable:
    """Build a :class:`TariffTable` from its JSON form (see docs/household.md §1).

    The DSO tariff is ``dso_tariff_dkk_per_kwh`` (price-list entries with 24
    ``prices_by_local_hour``) or the hand-written ``dso_time_of_use`` +
    ``period_by_local_hour``.
    """
    if not isinstance(data, Mapping):
        raise ValidationError("tariff_table", "expected an object")
    hourly = _hourly_rates(data)
    periods: tuple[str, ...] = ()
    time_of_use: tuple[TimeOfUseRate, ...] = ()
    if not hourly:
        if "dso_time_of_use" not in data:
            raise ValidationError(
                "tariff_table.dso_tariff_dkk_per_kwh",
                "missing; give the DSO's price list (or dso_time_of_use + period_by_local_hour)",
            )
        periods, time_of_use = _time_of_use(data)
    fx = _number(data, "exchange_rate_dkk_per_eur", "tariff_table")
    if fx <= 0:
        raise ValidationError("tariff_table.exchange_rate_dkk_per_eur", "must be positive")
    return TariffTable(
        name=str(data.get("name", "")),
        exchange_rate_dkk_per_eur=fx,
        dso_tariff=hourly,
        period_by_local_hour=periods,
        dso_time_of_use=time_of_use,
        energinet_transmission_dkk_per_kwh=_dated_rates(data, "energinet_transmission_dkk_per_kwh"),
        energinet_system_dkk_per_kwh=_dated_rates(data, "energinet_system_dkk_per_kwh"),
        electricity_tax_dkk_per_kwh=_dated_rates(data, "electricity_tax_dkk_per_kwh"),
        vat_fraction=_dated_rates(data, "vat_fraction"),
        export_fee_dkk_per_kwh=_dated_rates(data, "export_fee_dkk_per_kwh"),
        supplier_markup_dkk_per_kwh=_dated_rates(
            data, "supplier_markup_dkk_per_kwh", required=False
        ),
        grid_company=str(data.get("grid_company", "")),
        source=str(data.get("source", "")),
    )


ENERGINET_GLN = "5790000432752"
ENERGINET_CHARGE_CODES = {"transmission": "40000", "system": "41000", "electricity_tax": "EA-001"}


def _record_date(record: Mapping[str, Any], key: str, position: int) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    text = str(value)
    if len(text) > 10 and text[10:].strip("T0:") not in ("", "Z"):
        raise ValidationError(
            f"price_list[{position}].{key}",
            f"{text!r}: the household bill switches rates at local midnight only",
        )
    return text[:10]


def tariff_table_dict_from_pricelist(
    records: Sequence[Mapping[str, Any]],
    *,
    grid_company_gln: str,
    charge_type_codes: Sequence[str],
    supplement_charge_type_codes: Sequence[str] = (),
    notes: Sequence[str] = (),
    vat_fraction: Sequence[Mapping[str, Any]],
    exchange_rate_dkk_per_eur: float,
    export_fee_dkk_per_kwh: float = 0.0,
    supplier_markup_dkk_per_kwh: float = 0.0,
    energinet_gln: str = ENERGINET_GLN,
    name: str = "",
    source: str = "",
) -> dict[str, Any]:
    """A tariff table (JSON form, see :func:`tariff_table_from_dict`) from price-list records.

    Parameters
    ----------
    records : sequence of mapping
        ``DatahubPricelist`` records (``GLN_Number``, ``ChargeType``, ``ChargeTypeCode``,
        ``Note``, ``ValidFrom``, ``ValidTo``, ``Price1`` … ``Price24`` [DKK/kWh]), optionally
        with ``source`` and ``is_verified``. Only tariffs (``D03``) are used.
    grid_company_gln, charge_type_codes, supplement_charge_type_codes, notes
        The DSO's household (C) tariff: its main codes, supplement codes (rebates) and, when
        given, the ``Note`` values to keep.
    vat_fraction : sequence of mapping
        Dated VAT rates (``valid_from``, ``valid_to``, ``value``, ``source``).
    exchange_rate_dkk_per_eur, export_fee_dkk_per_kwh, supplier_markup_dkk_per_kwh : float
        The contract's figures [DKK/EUR, DKK/kWh].

    Notes
    -----
    Energinet's transmission (40000) and system (41000) tariffs and the elafgift (EA-001) are
    flat: only ``Price1`` is published. ``ValidFrom``/``ValidTo`` are local times and must be
    midnights.
    """
    dso_codes = {str(code) for code in charge_type_codes}
    supplements = {str(code) for code in supplement_charge_type_codes}
    wanted_notes = {str(note) for note in notes}
    dso: list[dict[str, Any]] = []
    flat: dict[str, list[dict[str, Any]]] = {key: [] for key in ENERGINET_CHARGE_CODES}
    code_to_key = {code: key for key, code in ENERGINET_CHARGE_CODES.items()}
    for position, record in enumerate(records):
        if str(record.get("ChargeType", "D03")) != "D03":
            continue
        gln, code = str(record.get("GLN_Number")), str(record.get("ChargeTypeCode"))
        common = {
            "valid_from": _record_date(record, "ValidFrom", position),
            "valid_to": _record_date(record, "ValidTo", position),
            "source": str(record.get("source", "EDS DatahubPricelist")),
            "is_verified": bool(record.get("is_verified", True)),
        }
        prices = [record.get(f"Price{hour}") for hour in range(1, 25)]
        if gln == grid_company_gln and code in dso_codes | supplements:
            if wanted_notes and str(record.get("Note", "")) not in wanted_notes:
                continue
            if all(price is None for price in prices[1:]):
                prices = [prices[0]] * 24
            dso.append(
                {
                    **common,
                    "prices_by_local_hour": prices,
                    "charge_type_code": code,
                    "is_supplement": code in supplements and code not in dso_codes,
                }
            )
        elif gln == energinet_gln and code in code_to_key:
            flat[code_to_key[code]].append({**common, "value": prices[0]})
    if not dso:
        raise ValidationError(
            "grid_company",
            f"no tariff (D03) of grid company {grid_company_gln} with codes "
            f"{sorted(dso_codes | supplements)} in the price list",
        )
    fx_source = f"{exchange_rate_dkk_per_eur:g} DKK/EUR"
    return {
        "name": name,
        "grid_company": grid_company_gln,
        "source": source,
        "exchange_rate_dkk_per_eur": exchange_rate_dkk_per_eur,
        "dso_tariff_dkk_per_kwh": sorted(
            dso, key=lambda e: (e["charge_type_code"], e["valid_from"])
        ),
        "energinet_transmission_dkk_per_kwh": flat["transmission"],
        "energinet_system_dkk_per_kwh": flat["system"],
        "electricity_tax_dkk_per_kwh": flat["electricity_tax"],
        "vat_fraction": [dict(rate) for rate in vat_fraction],
        "export_fee_dkk_per_kwh": [
            {
                "valid_from": "2000-01-01",
                "valid_to": None,
                "value": export_fee_dkk_per_kwh,
                "source": f"supplier contract (given; {fx_source} applies to spot)",
            }
        ],
        "supplier_markup_dkk_per_kwh": [
            {
                "valid_from": "2000-01-01",
                "valid_to": None,
                "value": supplier_markup_dkk_per_kwh,
                "source": "supplier contract (given)",
            }
        ],
    }
