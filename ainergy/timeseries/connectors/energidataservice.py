"""Energi Data Service (api.energidataservice.dk) connector: paged records → ``SeriesBatch``.

Plain Python + requests (no Django). Which record field holds the UTC time, the zone and each
value is configuration (``DatasetSpec``), because several dataset schemas are not confirmed
([U] in docs/connectors.md); override a spec with ``dataclasses.replace`` rather than editing
code. Times are always read from the UTC column; the local (``*DK``) column is never parsed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ainergy.common.errors import TransientError, ValidationError
from ainergy.common.timegrid import require_aware
from ainergy.timeseries.connectors.batch import Point, SeriesBatch, check_points
from ainergy.timeseries.connectors.http import HttpClient, raise_for_status

UTC = dt.UTC
SOURCE = "energidataservice"
DEFAULT_BASE_URL = "https://api.energidataservice.dk"
DEFAULT_PAGE_SIZE = 5000
# First 15-minute day-ahead delivery day is 2025-10-01 (local midnight = 22:00Z the day before);
# Elspotprices (hourly) ends with delivery day 2025-09-30.
DAY_AHEAD_15_MIN_FROM = dt.datetime(2025, 9, 30, 22, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ValueSpec:
    """One numeric record field and the series it becomes.

    ``scale`` multiplies the source value into ``unit`` (e.g. 1000 for DKK/kWh → DKK/MWh).
    ``is_required``: a record lacking the field is a ``ValidationError``; when false, records
    without it simply give no point. ``allow_null``: a ``null`` value is a gap, not an error.
    ``kind`` is the ``ainergy.timeseries.kinds`` code, or ``None`` when no kind fits the unit.
    """

    field: str
    quantity: str
    kind: str | None
    unit: str
    scale: float = 1.0
    is_required: bool = True
    allow_null: bool = True


@dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset keeps its UTC time, zone and values; how often it has a value.

    ``filters`` are sent to the API as ``filter={...}`` and re-checked on every record (e.g.
    ``{"ProductName": ("FCR-N",)}``). ``fixed_zone`` is used when the dataset has no zone field.
    """

    dataset: str
    time_field: str
    resolution_minutes: int
    values: tuple[ValueSpec, ...]
    local_time_field: str | None = None
    zone_field: str | None = "PriceArea"
    fixed_zone: str | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    is_forecast: bool = False
    is_schema_confirmed: bool = True


def _price(field_name: str, quantity: str, kind: str | None, unit: str, **kwargs) -> ValueSpec:
    return ValueSpec(field_name, quantity, kind, unit, **kwargs)


EUR_PER_MWH = "EUR/MWh"
DKK_PER_MWH = "DKK/MWh"
EUR_PER_MW_H = "EUR/(MW·h)"

DATASET_SPECS: dict[str, DatasetSpec] = {
    "elspotprices": DatasetSpec(
        dataset="Elspotprices",
        time_field="HourUTC",
        local_time_field="HourDK",
        resolution_minutes=60,
        values=(
            _price("SpotPriceEUR", "day_ahead_price_eur_per_mwh", "day_ahead_price", EUR_PER_MWH),
            _price("SpotPriceDKK", "day_ahead_price_dkk_per_mwh", None, DKK_PER_MWH),
        ),
    ),
    "day_ahead_prices": DatasetSpec(
        dataset="DayAheadPrices",
        time_field="TimeUTC",
        local_time_field="TimeDK",
        resolution_minutes=15,
        values=(
            _price(
                "DayAheadPriceEUR", "day_ahead_price_eur_per_mwh", "day_ahead_price", EUR_PER_MWH
            ),
            _price("DayAheadPriceDKK", "day_ahead_price_dkk_per_mwh", None, DKK_PER_MWH),
        ),
        is_schema_confirmed=False,
    ),
    "mfrr_capacity": DatasetSpec(
        dataset="mFRRCapacityMarket",
        time_field="HourUTC",
        local_time_field="HourDK",
        resolution_minutes=60,
        values=(
            _price(
                "mFRR_UpPriceEUR",
                "mfrr_up_capacity_price_eur_per_mw_h",
                "reserve_capacity_price",
                EUR_PER_MW_H,
            ),
            # Energinet buys up-regulation only since June 2023: the down price may be absent.
            _price(
                "mFRR_DownPriceEUR",
                "mfrr_down_capacity_price_eur_per_mw_h",
                "reserve_capacity_price",
                EUR_PER_MW_H,
                is_required=False,
            ),
        ),
        is_schema_confirmed=False,
    ),
    "afrr_capacity": DatasetSpec(
        dataset="AfrrReservesNordic",
        time_field="HourUTC",
        local_time_field="HourDK",
        resolution_minutes=60,
        values=(
            _price(
                "aFRR_UpCapPriceEUR",
                "afrr_up_capacity_price_eur_per_mw_h",
                "reserve_capacity_price",
                EUR_PER_MW_H,
            ),
            _price(
                "aFRR_DownCapPriceEUR",
                "afrr_down_capacity_price_eur_per_mw_h",
                "reserve_capacity_price",
                EUR_PER_MW_H,
            ),
        ),
    ),
    # FCR in DK1 (FCR Cooperation, 4-hour blocks published per hour) since 2021-01-19; the
    # older FcrReservesDK1 ends there. FCRdk_EUR (the price for Danish FCR) vs FCRcross_EUR (the
    # cross-border auction price) is [U]: which one a Danish provider is paid is configuration.
    "fcr_dk1": DatasetSpec(
        dataset="FcrDK1",
        time_field="HourUTC",
        local_time_field="HourDK",
        resolution_minutes=60,
        values=(
            _price(
                "FCRdk_EUR",
                "fcr_dk1_capacity_price_eur_per_mw_h",
                "reserve_capacity_price",
                EUR_PER_MW_H,
            ),
        ),
        zone_field=None,
        fixed_zone="DK1",
        is_schema_confirmed=False,
    ),
    **{
        key: DatasetSpec(
            dataset="FcrNdDK2",
            time_field="HourUTC",
            local_time_field="HourDK",
            resolution_minutes=60,
            values=(_price("PriceTotalEUR", quantity, "reserve_capacity_price", EUR_PER_MW_H),),
            filters={"ProductName": (product,), "AuctionType": ("Total",)},
            is_schema_confirmed=False,
        )
        for key, product, quantity in (
            ("fcr_n_dk2", "FCR-N", "fcr_n_capacity_price_eur_per_mw_h"),
            ("fcr_d_up_dk2", "FCR-D upp", "fcr_d_up_capacity_price_eur_per_mw_h"),
            ("fcr_d_down_dk2", "FCR-D ned", "fcr_d_down_capacity_price_eur_per_mw_h"),
        )
    },
    "imbalance_price_hourly": DatasetSpec(
        dataset="RegulatingBalancePowerdata",
        time_field="HourUTC",
        local_time_field="HourDK",
        resolution_minutes=60,
        values=(
            _price(
                "ImbalancePriceEUR", "imbalance_price_eur_per_mwh", "imbalance_price", EUR_PER_MWH
            ),
            _price(
                "BalancingPowerPriceUpEUR",
                "balancing_price_up_eur_per_mwh",
                "balancing_energy_price",
                EUR_PER_MWH,
                is_required=False,
            ),
            _price(
                "BalancingPowerPriceDownEUR",
                "balancing_price_down_eur_per_mwh",
                "balancing_energy_price",
                EUR_PER_MWH,
                is_required=False,
            ),
        ),
    ),
    "imbalance_price": DatasetSpec(
        dataset="ImbalancePrice",
        time_field="TimeUTC",
        local_time_field="TimeDK",
        resolution_minutes=15,
        values=(
            _price(
                "ImbalancePriceEUR", "imbalance_price_eur_per_mwh", "imbalance_price", EUR_PER_MWH
            ),
        ),
        is_schema_confirmed=False,
    ),
    "co2_emission": DatasetSpec(
        dataset="CO2Emis",
        time_field="Minutes5UTC",
        local_time_field="Minutes5DK",
        resolution_minutes=5,
        values=(_price("CO2Emission", "co2_intensity_g_per_kwh", "co2_intensity", "g/kWh"),),
    ),
    "co2_emission_prognosis": DatasetSpec(
        dataset="CO2EmisProg",
        time_field="Minutes5UTC",
        local_time_field="Minutes5DK",
        resolution_minutes=5,
        values=(_price("CO2Emission", "co2_intensity_g_per_kwh", "co2_intensity", "g/kWh"),),
        is_forecast=True,
    ),
}


def dataset_spec(key: str, **overrides: Any) -> DatasetSpec:
    """The registered spec ``key``, with any field replaced (e.g. ``time_field="TimeUTC"``)."""
    try:
        spec = DATASET_SPECS[key]
    except KeyError:
        raise ValidationError("dataset", f"unknown dataset spec {key!r}") from None
    return dataclasses.replace(spec, **overrides) if overrides else spec


@dataclass(frozen=True)
class RecordSet:
    """All records of one paged query, in server order, and where they came from."""

    dataset: str
    records: tuple[Mapping[str, Any], ...]
    total: int
    source_url: str
    pages: int
    received_at: dt.datetime


def format_query_time(moment: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM`` in UTC, the form EDS accepts with ``timezone=UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def parse_utc_timestamp(value: Any, *, field: str) -> dt.datetime:
    """Parse an EDS UTC column value; values without offset are UTC by the column's definition."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, f"expected an ISO-8601 timestamp, got {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, f"unparsable timestamp {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_number(value: Any, *, field: str) -> float | None:
    """A finite float, or ``None`` for JSON null; anything else is a ``ValidationError``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(field, f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValidationError(field, f"unparsable number {value!r}") from None
    else:
        raise ValidationError(field, f"expected a number, got {type(value).__name__}")
    if not math.isfinite(number):
        raise ValidationError(field, f"non-finite number {value!r}")
    return number


class EnergiDataServiceClient:
    """Reads datasets from Energi Data Service with paging and retries.

    Parameters
    ----------
    base_url
        API root, ``https://api.energidataservice.dk`` in production.
    http
        Shared ``HttpClient`` (time-outs, retry policy, user agent).
    page_size
        ``limit`` per request [records]; pages are requested until ``total`` is reached.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http: HttpClient | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
    ) -> None:
        if page_size < 1:
            raise ValidationError("page_size", f"must be at least 1, got {page_size}")
        self.base_url = base_url.rstrip("/")
        self.http = http or HttpClient()
        self.page_size = page_size
        self._clock = clock

    # -- raw records -------------------------------------------------------------------------

    def fetch_records(
        self,
        dataset: str,
        *,
        start_at: dt.datetime | None = None,
        end_at: dt.datetime | None = None,
        filters: Mapping[str, Sequence[str]] | None = None,
        sort: str | None = None,
    ) -> RecordSet:
        """All records of ``dataset`` in ``[start_at, end_at)`` (UTC), following offset/limit."""
        url = f"{self.base_url}/dataset/{dataset}"
        params: dict[str, Any] = {"timezone": "UTC", "limit": self.page_size}
        if start_at is not None:
            params["start"] = format_query_time(require_aware(start_at, "start_at"))
        if end_at is not None:
            params["end"] = format_query_time(require_aware(end_at, "end_at"))
        if filters:
            params["filter"] = json.dumps(
                {key: list(values) for key, values in filters.items()}, separators=(",", ":")
            )
        if sort:
            params["sort"] = sort
        records: list[Mapping[str, Any]] = []
        total: int | None = None
        source_url = ""
        pages = 0
        while total is None or len(records) < total:
            offset = len(records)
            response = self.http.request(
                "GET", url, what=dataset, params={**params, "offset": offset}
            )
            raise_for_status(response, dataset)
            source_url = source_url or response.url
            page_total, page_records = self._parse_page(dataset, response.content)
            pages += 1
            if total is None:
                total = page_total
            elif page_total != total:
                raise TransientError(
                    f"{dataset}: total changed from {total} to {page_total} while paging",
                    {"source": dataset},
                )
            if not page_records and len(records) < total:
                raise ValidationError(
                    f"{dataset}.records",
                    f"empty page at offset {offset} although total is {total}",
                    {"dataset": dataset},
                )
            records.extend(page_records)
        if len(records) != total:
            raise ValidationError(
                f"{dataset}.records",
                f"received {len(records)} records but total is {total}",
                {"dataset": dataset},
            )
        return RecordSet(
            dataset=dataset,
            records=tuple(records),
            total=total,
            source_url=source_url,
            pages=pages,
            received_at=self._clock(),
        )

    @staticmethod
    def _parse_page(dataset: str, content: bytes) -> tuple[int, list[Mapping[str, Any]]]:
        try:
            body = json.loads(content)
        except ValueError:
            raise ValidationError(
                f"{dataset}.body", "response is not valid JSON", {"dataset": dataset}
            ) from None
        if not isinstance(body, dict):
            raise ValidationError(f"{dataset}.body", "expected a JSON object", {"dataset": dataset})
        total = body.get("total")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise ValidationError(
                f"{dataset}.total",
                f"missing or not a non-negative integer: {total!r}",
                {"dataset": dataset},
            )
        records = body.get("records")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ValidationError(
                f"{dataset}.records", "missing or not a list of objects", {"dataset": dataset}
            )
        return total, records

    # -- normalised series -------------------------------------------------------------------

    def fetch_series(
        self,
        spec: DatasetSpec | str,
        *,
        start_at: dt.datetime,
        end_at: dt.datetime,
        zones: Sequence[str] = ("DK1", "DK2"),
    ) -> list[SeriesBatch]:
        """One ``SeriesBatch`` per (value field, zone) of ``spec`` over ``[start_at, end_at)``.

        All records are validated before any batch is built: a missing field or bad value
        raises ``ValidationError`` naming ``<dataset>.<field>`` and nothing is returned.
        """
        spec = dataset_spec(spec) if isinstance(spec, str) else spec
        start_at = require_aware(start_at, "start_at")
        end_at = require_aware(end_at, "end_at")
        if end_at <= start_at:
            raise ValidationError("end_at", "must be after start_at")
        filters: dict[str, Sequence[str]] = dict(spec.filters)
        if spec.zone_field:
            filters[spec.zone_field] = tuple(zones)
        record_set = self.fetch_records(
            spec.dataset,
            start_at=start_at,
            end_at=end_at,
            filters=filters,
            sort=f"{spec.time_field} ASC",
        )
        return series_from_records(
            spec,
            record_set.records,
            zones=zones,
            start_at=start_at,
            end_at=end_at,
            source_url=record_set.source_url,
            received_at=record_set.received_at,
        )

    def fetch_day_ahead_prices(
        self,
        *,
        start_at: dt.datetime,
        end_at: dt.datetime,
        zones: Sequence[str] = ("DK1", "DK2"),
        switch_at: dt.datetime = DAY_AHEAD_15_MIN_FROM,
        hourly_spec: DatasetSpec | None = None,
        quarter_hour_spec: DatasetSpec | None = None,
    ) -> list[SeriesBatch]:
        """Day-ahead prices: hourly ``Elspotprices`` before ``switch_at``, 15-min after."""
        start_at = require_aware(start_at, "start_at")
        end_at = require_aware(end_at, "end_at")
        batches: list[SeriesBatch] = []
        if start_at < switch_at:
            batches += self.fetch_series(
                hourly_spec or DATASET_SPECS["elspotprices"],
                start_at=start_at,
                end_at=min(end_at, switch_at),
                zones=zones,
            )
        if end_at > switch_at:
            batches += self.fetch_series(
                quarter_hour_spec or DATASET_SPECS["day_ahead_prices"],
                start_at=max(start_at, switch_at),
                end_at=end_at,
                zones=zones,
            )
        return batches


def series_from_records(
    spec: DatasetSpec,
    records: Iterable[Mapping[str, Any]],
    *,
    zones: Sequence[str],
    start_at: dt.datetime,
    end_at: dt.datetime,
    source_url: str,
    received_at: dt.datetime,
) -> list[SeriesBatch]:
    """Validate EDS records against ``spec`` and group them into batches per value and zone.

    Records outside ``[start_at, end_at)``, of other zones, or not matching ``spec.filters``
    are dropped. Times come from ``spec.time_field`` only.
    """
    dataset = spec.dataset
    step_s = spec.resolution_minutes * 60
    if not spec.zone_field:
        zones = (spec.fixed_zone or "",)
    collected: dict[tuple[str, str], list[Point]] = {
        (value.field, zone): [] for value in spec.values for zone in zones
    }

    def need(record: Mapping[str, Any], name: str, index: int) -> Any:
        if name not in record:
            raise ValidationError(
                f"{dataset}.{name}",
                f"missing in record {index}",
                {"dataset": dataset, "record_index": index},
            )
        return record[name]

    for index, record in enumerate(records):
        if any(need(record, key, index) not in allowed for key, allowed in spec.filters.items()):
            continue
        if spec.zone_field:
            zone = need(record, spec.zone_field, index)
            if not isinstance(zone, str):
                raise ValidationError(
                    f"{dataset}.{spec.zone_field}",
                    f"expected a zone name in record {index}, got {zone!r}",
                    {"dataset": dataset, "record_index": index},
                )
        else:
            zone = spec.fixed_zone or ""
        time_field = f"{dataset}.{spec.time_field}"
        moment = parse_utc_timestamp(need(record, spec.time_field, index), field=time_field)
        if int(moment.timestamp()) % step_s or moment.microsecond:
            raise ValidationError(
                time_field,
                f"{moment.isoformat()} is not on the {spec.resolution_minutes}-minute grid",
                {"dataset": dataset, "record_index": index},
            )
        parsed: list[tuple[str, float]] = []
        for value_spec in spec.values:
            value_field = f"{dataset}.{value_spec.field}"
            if value_spec.field not in record and not value_spec.is_required:
                continue
            number = parse_number(need(record, value_spec.field, index), field=value_field)
            if number is None:
                if not value_spec.allow_null:
                    raise ValidationError(
                        value_field,
                        f"null in record {index}",
                        {"dataset": dataset, "record_index": index},
                    )
                continue
            parsed.append((value_spec.field, number * value_spec.scale))
        if zone not in zones or not start_at <= moment < end_at:
            continue
        for field_name, number in parsed:
            collected[(field_name, zone)].append((moment, number))

    batches = []
    for value_spec in spec.values:
        for zone in zones:
            points = check_points(
                collected[(value_spec.field, zone)], field=f"{dataset}.{spec.time_field}"
            )
            batches.append(
                SeriesBatch(
                    source=SOURCE,
                    dataset=dataset,
                    series_key=f"{value_spec.quantity}:{zone}",
                    quantity=value_spec.quantity,
                    kind=value_spec.kind,
                    unit=value_spec.unit,
                    resolution_minutes=spec.resolution_minutes,
                    points=points,
                    source_url=source_url,
                    received_at=received_at,
                    zone=zone,
                    is_forecast=spec.is_forecast,
                )
            )
    return batches
