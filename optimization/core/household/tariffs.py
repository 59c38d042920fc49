"""Danish household electricity bill: spot + DSO time-of-use + Energinet + elafgift + VAT.

Every rate is data with a validity interval (``valid_from`` inclusive, ``valid_to`` exclusive,
Europe/Copenhagen calendar dates), never a constant in code. Tariff periods (lavlast, højlast,
spidslast) and seasons are read on the *local* clock, so the 23- and 25-hour DST days are
priced right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ

TIME_OF_USE_PERIODS = ("low", "high", "peak")


@dataclass(frozen=True)
class DatedRate:
    """One rate valid on local dates ``valid_from <= day < valid_to`` (``None`` = open end)."""

    valid_from: dt.date
    valid_to: dt.date | None
    value: float
    source: str = ""


@dataclass(frozen=True)
class TimeOfUseRate:
    """DSO time-of-use tariff [DKK/kWh, excl. VAT] for one season and validity interval.

    ``months`` lists the local calendar months of the season (winter Oct–Mar, summer Apr–Sep
    in Tarifmodel 3.0).
    """

    valid_from: dt.date
    valid_to: dt.date | None
    months: tuple[int, ...]
    low_dkk_per_kwh: float
    high_dkk_per_kwh: float
    peak_dkk_per_kwh: float
    source: str = ""


@dataclass(frozen=True)
class TariffTable:
    """All per-kWh charges of a Danish household bill, in DKK excl. VAT, with validity dates.

    ``period_by_local_hour`` gives the time-of-use period ("low", "high", "peak") of each local
    clock hour 0..23 (Tarifmodel 3.0: low 00–06, high 06–17 and 21–24, peak 17–21).
    """

    name: str
    exchange_rate_dkk_per_eur: float
    period_by_local_hour: tuple[str, ...]
    dso_time_of_use: tuple[TimeOfUseRate, ...]
    energinet_transmission_dkk_per_kwh: tuple[DatedRate, ...]
    energinet_system_dkk_per_kwh: tuple[DatedRate, ...]
    electricity_tax_dkk_per_kwh: tuple[DatedRate, ...]
    vat_fraction: tuple[DatedRate, ...]
    export_fee_dkk_per_kwh: tuple[DatedRate, ...]
    supplier_markup_dkk_per_kwh: tuple[DatedRate, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class PriceComponents:
    """Per-period unit prices [EUR/kWh]; import components are excl. VAT, ``vat`` is separate.

    Notes
    -----
    import = (1 + vat_fraction) · (spot/1000 + markup + dso + energinet + tax)
    export = spot/1000 − export_fee   (no VAT, no tax on a private household's export)
    """

    period_start_utc: pd.DatetimeIndex
    energy_eur_per_kwh: np.ndarray
    dso_tariff_eur_per_kwh: np.ndarray
    energinet_tariff_eur_per_kwh: np.ndarray
    electricity_tax_eur_per_kwh: np.ndarray
    vat_eur_per_kwh: np.ndarray
    export_eur_per_kwh: np.ndarray
    time_of_use_period: np.ndarray

    def take(self, positions: np.ndarray) -> PriceComponents:
        """The components of the periods at ``positions`` (integer or boolean index)."""
        return PriceComponents(
            period_start_utc=self.period_start_utc[positions],
            energy_eur_per_kwh=self.energy_eur_per_kwh[positions],
            dso_tariff_eur_per_kwh=self.dso_tariff_eur_per_kwh[positions],
            energinet_tariff_eur_per_kwh=self.energinet_tariff_eur_per_kwh[positions],
            electricity_tax_eur_per_kwh=self.electricity_tax_eur_per_kwh[positions],
            vat_eur_per_kwh=self.vat_eur_per_kwh[positions],
            export_eur_per_kwh=self.export_eur_per_kwh[positions],
            time_of_use_period=self.time_of_use_period[positions],
        )

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
class BillBreakdown:
    """A bill [EUR] split by who gets the money; ``total_eur`` is net of export revenue."""

    energy_eur: float
    dso_tariff_eur: float
    energinet_tariff_eur: float
    electricity_tax_eur: float
    vat_eur: float
    export_revenue_eur: float
    import_energy_kwh: float
    export_energy_kwh: float

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
    rates: Sequence[DatedRate], dates: np.ndarray, field: str, required: bool = True
) -> np.ndarray:
    values = np.full(len(dates), np.nan)
    for rate in rates:
        mask = dates >= rate.valid_from
        if rate.valid_to is not None:
            mask &= dates < rate.valid_to
        values[mask] = rate.value
    missing = np.isnan(values)
    if missing.any():
        if not required and not rates:
            return np.zeros(len(dates))
        raise ValidationError(field, f"no rate valid on local date {dates[missing][0]}")
    return values


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
        Unit prices [EUR/kWh].

    Notes
    -----
    c_import,t = (1 + v_t)·(λ_t/1000 + m_t + d_t + e_t + a_t) with spot λ [EUR/MWh], markup m,
    DSO tariff d (by local hour and season), Energinet tariffs e, elafgift a and VAT fraction v,
    the DKK rates divided by the exchange rate. c_export,t = λ_t/1000 − f_t (export fee f).
    """
    if period_start_utc.tz is None:
        raise ValidationError("period_start_utc", "naive timestamps; expected tz-aware UTC")
    spot = np.asarray(spot_price_eur_per_mwh, dtype=float)
    if spot.shape != (len(period_start_utc),):
        raise ValidationError(
            "spot_price_eur_per_mwh", f"expected {len(period_start_utc)} values, got {spot.shape}"
        )
    local = period_start_utc.tz_convert(LOCAL_TZ)
    dates = _local_dates(period_start_utc, tariff_year)
    months = np.array([d.month for d in dates])
    hours = np.asarray(local.hour)
    period = np.asarray(tariff_table.period_by_local_hour, dtype=object)[hours]
    dso = np.full(len(dates), np.nan)
    for rate in tariff_table.dso_time_of_use:
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
    if np.isnan(dso).any():
        day = dates[np.isnan(dso)][0]
        raise ValidationError("tariff_table.dso_time_of_use", f"no rate valid on local date {day}")
    fx = tariff_table.exchange_rate_dkk_per_eur
    markup = _rate_series(
        tariff_table.supplier_markup_dkk_per_kwh,
        dates,
        "tariff_table.supplier_markup_dkk_per_kwh",
        required=False,
    )
    energinet = _rate_series(
        tariff_table.energinet_transmission_dkk_per_kwh,
        dates,
        "tariff_table.energinet_transmission_dkk_per_kwh",
    ) + _rate_series(
        tariff_table.energinet_system_dkk_per_kwh,
        dates,
        "tariff_table.energinet_system_dkk_per_kwh",
    )
    tax = _rate_series(
        tariff_table.electricity_tax_dkk_per_kwh, dates, "tariff_table.electricity_tax_dkk_per_kwh"
    )
    vat_fraction = _rate_series(tariff_table.vat_fraction, dates, "tariff_table.vat_fraction")
    export_fee = _rate_series(
        tariff_table.export_fee_dkk_per_kwh, dates, "tariff_table.export_fee_dkk_per_kwh"
    )
    energy = spot / 1000.0 + markup / fx
    net = energy + dso / fx + energinet / fx + tax / fx
    return PriceComponents(
        period_start_utc=period_start_utc,
        energy_eur_per_kwh=energy,
        dso_tariff_eur_per_kwh=dso / fx,
        energinet_tariff_eur_per_kwh=energinet / fx,
        electricity_tax_eur_per_kwh=tax / fx,
        vat_eur_per_kwh=vat_fraction * net,
        export_eur_per_kwh=spot / 1000.0 - export_fee / fx,
        time_of_use_period=period,
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
    )


def _parse_date(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(field, f"expected an ISO date YYYY-MM-DD, got {value!r}") from exc


def _number(mapping: Mapping[str, Any], key: str, field: str) -> float:
    if key not in mapping:
        raise ValidationError(f"{field}.{key}", "missing")
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{field}.{key}", f"expected a number, got {value!r}")
    return float(value)


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
        valid_from = _parse_date(entry.get("valid_from"), f"{field}.valid_from")
        if valid_from is None:
            raise ValidationError(f"{field}.valid_from", "missing")
        rates.append(
            DatedRate(
                valid_from=valid_from,
                valid_to=_parse_date(entry.get("valid_to"), f"{field}.valid_to"),
                value=_number(entry, "value", field),
                source=str(entry.get("source", "")),
            )
        )
    return tuple(rates)


def tariff_table_from_dict(data: Mapping[str, Any]) -> TariffTable:
    """Build a :class:`TariffTable` from its JSON form (see docs/household.md)."""
    if not isinstance(data, Mapping):
        raise ValidationError("tariff_table", "expected an object")
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
        valid_from = _parse_date(entry.get("valid_from"), f"{field}.valid_from")
        if valid_from is None:
            raise ValidationError(f"{field}.valid_from", "missing")
        dso.append(
            TimeOfUseRate(
                valid_from=valid_from,
                valid_to=_parse_date(entry.get("valid_to"), f"{field}.valid_to"),
                months=tuple(int(m) for m in months),
                low_dkk_per_kwh=_number(entry, "low_dkk_per_kwh", field),
                high_dkk_per_kwh=_number(entry, "high_dkk_per_kwh", field),
                peak_dkk_per_kwh=_number(entry, "peak_dkk_per_kwh", field),
                source=str(entry.get("source", "")),
            )
        )
    return TariffTable(
        name=str(data.get("name", "")),
        exchange_rate_dkk_per_eur=_number(data, "exchange_rate_dkk_per_eur", "tariff_table"),
        period_by_local_hour=tuple(periods),
        dso_time_of_use=tuple(dso),
        energinet_transmission_dkk_per_kwh=_dated_rates(data, "energinet_transmission_dkk_per_kwh"),
        energinet_system_dkk_per_kwh=_dated_rates(data, "energinet_system_dkk_per_kwh"),
        electricity_tax_dkk_per_kwh=_dated_rates(data, "electricity_tax_dkk_per_kwh"),
        vat_fraction=_dated_rates(data, "vat_fraction"),
        export_fee_dkk_per_kwh=_dated_rates(data, "export_fee_dkk_per_kwh"),
        supplier_markup_dkk_per_kwh=_dated_rates(
            data, "supplier_markup_dkk_per_kwh", required=False
        ),
        source=str(data.get("source", "")),
    )
