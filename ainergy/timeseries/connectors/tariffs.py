"""Grid tariffs from the EDS ``DatahubPricelist``: price lists → tariff periods → price series.

A price list record holds 24 hourly prices ``Price1``…``Price24`` [DKK/kWh] for local clock
hours 00–01 … 23–24, valid from ``ValidFrom`` to ``ValidTo`` (local time, ``ValidTo`` null =
open-ended). Flat charges carry only ``Price1``. On the 23-hour day the 02–03 price is never
used; on the 25-hour day it applies to both 02:00 hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, require_aware
from ainergy.timeseries.connectors.batch import SeriesBatch, check_points
from ainergy.timeseries.connectors.energidataservice import (
    SOURCE,
    EnergiDataServiceClient,
    parse_number,
)

UTC = dt.UTC
DATASET = "DatahubPricelist"
PRICE_FIELDS = tuple(f"Price{hour}" for hour in range(1, 25))
TEXT_FIELDS = ("ChargeOwner", "GLN_Number", "ChargeType", "ChargeTypeCode", "Note", "Description")
KWH_PER_MWH = 1000.0
TARIFF = "D03"
ENERGINET_GLN = "5790000432752"


@dataclass(frozen=True)
class TariffPeriod:
    """One price list entry of one charge: 24 local-hour prices over a validity window."""

    charge_owner: str
    gln_number: str
    charge_type: str
    charge_type_code: str
    note: str
    description: str
    valid_from_at: dt.datetime
    valid_to_at: dt.datetime | None
    hourly_prices_dkk_per_kwh: tuple[float, ...]

    @property
    def charge_key(self) -> tuple[str, str, str]:
        return (self.gln_number, self.charge_type, self.charge_type_code)

    @property
    def hourly_prices_dkk_per_mwh(self) -> tuple[float, ...]:
        return tuple(price * KWH_PER_MWH for price in self.hourly_prices_dkk_per_kwh)

    def is_valid_at(self, moment: dt.datetime) -> bool:
        return self.valid_from_at <= moment and (
            self.valid_to_at is None or moment < self.valid_to_at
        )

    def price_dkk_per_kwh_at(self, moment: dt.datetime, tz: ZoneInfo = LOCAL_TZ) -> float:
        """The price of the local clock hour ``moment`` falls in."""
        return self.hourly_prices_dkk_per_kwh[moment.astimezone(tz).hour]


def parse_local_timestamp(value: Any, *, field: str, tz: ZoneInfo) -> dt.datetime:
    """A price list time: local wall-clock time unless it carries an offset; returned in UTC."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, f"expected an ISO-8601 timestamp, got {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, f"unparsable timestamp {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def tariff_periods_from_records(
    records: Iterable[Mapping[str, Any]], *, tz: ZoneInfo = LOCAL_TZ
) -> list[TariffPeriod]:
    """Validate ``DatahubPricelist`` records into tariff periods sorted by charge and start."""
    periods = []
    for index, record in enumerate(records):
        extra = {"dataset": DATASET, "record_index": index}

        def need(name: str, record=record, index=index, extra=extra) -> Any:
            if name not in record:
                raise ValidationError(f"{DATASET}.{name}", f"missing in record {index}", extra)
            return record[name]

        texts = {name: need(name) for name in TEXT_FIELDS}
        for name in ("GLN_Number", "ChargeType", "ChargeTypeCode"):
            if not isinstance(texts[name], str | int) or str(texts[name]).strip() == "":
                raise ValidationError(
                    f"{DATASET}.{name}", f"empty or not text in record {index}", extra
                )
        valid_from_at = parse_local_timestamp(
            need("ValidFrom"), field=f"{DATASET}.ValidFrom", tz=tz
        )
        raw_valid_to = need("ValidTo")
        valid_to_at = (
            None
            if raw_valid_to is None
            else parse_local_timestamp(raw_valid_to, field=f"{DATASET}.ValidTo", tz=tz)
        )
        if valid_to_at is not None and valid_to_at <= valid_from_at:
            raise ValidationError(
                f"{DATASET}.ValidTo", f"not after ValidFrom in record {index}", extra
            )
        first = parse_number(need("Price1"), field=f"{DATASET}.Price1")
        if first is None:
            raise ValidationError(f"{DATASET}.Price1", f"null in record {index}", extra)
        rest = [
            parse_number(record.get(name), field=f"{DATASET}.{name}") for name in PRICE_FIELDS[1:]
        ]
        if all(price is None for price in rest):
            prices = (first,) * 24  # flat charge: only Price1 is published
        else:
            missing = [
                name for name, price in zip(PRICE_FIELDS[1:], rest, strict=True) if price is None
            ]
            if missing:
                raise ValidationError(
                    f"{DATASET}.{missing[0]}",
                    f"null in record {index} while other hours have prices",
                    extra,
                )
            prices = (first, *rest)
        periods.append(
            TariffPeriod(
                charge_owner=str(texts["ChargeOwner"] or ""),
                gln_number=str(texts["GLN_Number"]),
                charge_type=str(texts["ChargeType"]),
                charge_type_code=str(texts["ChargeTypeCode"]),
                note=str(texts["Note"] or ""),
                description=str(texts["Description"] or ""),
                valid_from_at=valid_from_at,
                valid_to_at=valid_to_at,
                hourly_prices_dkk_per_kwh=prices,
            )
        )
    return sorted(periods, key=lambda period: (period.charge_key, period.valid_from_at))


def fetch_tariff_periods(
    client: EnergiDataServiceClient,
    *,
    gln_number: str,
    charge_type_codes: Sequence[str],
    charge_type: str = TARIFF,
    start_at: dt.datetime | None = None,
    end_at: dt.datetime | None = None,
    tz: ZoneInfo = LOCAL_TZ,
) -> list[TariffPeriod]:
    """Price list entries of the given charges that overlap ``[start_at, end_at)``.

    The whole price list of the charges is requested (it is small) and cut here, because the
    API's ``start``/``end`` filter on ``ValidFrom`` would drop a period that began earlier.
    """
    record_set = client.fetch_records(
        DATASET,
        filters={
            "GLN_Number": (gln_number,),
            "ChargeType": (charge_type,),
            "ChargeTypeCode": tuple(charge_type_codes),
        },
        sort="ValidFrom ASC",
    )
    periods = tariff_periods_from_records(record_set.records, tz=tz)
    start_at = require_aware(start_at, "start_at") if start_at is not None else None
    end_at = require_aware(end_at, "end_at") if end_at is not None else None
    return [
        period
        for period in periods
        if period.gln_number == gln_number
        and period.charge_type == charge_type
        and period.charge_type_code in charge_type_codes
        and (end_at is None or period.valid_from_at < end_at)
        and (start_at is None or period.valid_to_at is None or period.valid_to_at > start_at)
    ]


def tariff_price_points(
    periods: Sequence[TariffPeriod],
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    resolution_minutes: int = 60,
    tz: ZoneInfo = LOCAL_TZ,
) -> list[tuple[dt.datetime, float]]:
    """Price [DKK/kWh] of one charge for every period start in ``[start_at, end_at)`` (UTC).

    Where price list entries overlap, the one with the latest ``ValidFrom`` applies. A period
    start that no entry covers is a ``ValidationError``.
    """
    start_at = require_aware(start_at, "start_at")
    end_at = require_aware(end_at, "end_at")
    if resolution_minutes not in (15, 60):
        raise ValidationError("resolution_minutes", f"must be 15 or 60, got {resolution_minutes}")
    if len({period.charge_key for period in periods}) > 1:
        raise ValidationError("periods", "mixes several charges; pass one charge at a time")
    latest_first = sorted(periods, key=lambda period: period.valid_from_at, reverse=True)
    step = dt.timedelta(minutes=resolution_minutes)
    points = []
    moment = start_at
    while moment < end_at:
        period = next((p for p in latest_first if p.is_valid_at(moment)), None)
        if period is None:
            raise ValidationError(
                f"{DATASET}.ValidFrom", f"no price list entry covers {moment.isoformat()}"
            )
        points.append((moment, period.price_dkk_per_kwh_at(moment, tz)))
        moment += step
    return points


def tariff_series(
    periods: Sequence[TariffPeriod],
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    resolution_minutes: int = 60,
    tz: ZoneInfo = LOCAL_TZ,
    source_url: str = "",
    received_at: dt.datetime | None = None,
) -> SeriesBatch:
    """One charge as a ``SeriesBatch`` in DKK/MWh (×1000 from the published DKK/kWh)."""
    points = tariff_price_points(
        periods, start_at=start_at, end_at=end_at, resolution_minutes=resolution_minutes, tz=tz
    )
    gln, charge_type, code = periods[0].charge_key if periods else ("", "", "")
    quantity = "grid_tariff_dkk_per_mwh"
    return SeriesBatch(
        source=SOURCE,
        dataset=DATASET,
        series_key=f"{quantity}:{gln}/{charge_type}/{code}",
        quantity=quantity,
        kind=None,
        unit="DKK/MWh",
        resolution_minutes=resolution_minutes,
        points=check_points(
            [(moment, price * KWH_PER_MWH) for moment, price in points], field=f"{DATASET}.Price"
        ),
        source_url=source_url,
        received_at=received_at or dt.datetime.now(UTC),
    )
