"""Eloverblik (DataHub customer API) connector: smart-meter time series per metering point.

Plain Python + requests (no Django). Flow: the customer's refresh token buys a data-access
token (``GET /api/token``), cached until shortly before it expires; meter data come as
CIM-style JSON (``MyEnergyData_MarketDocument`` → ``TimeSeries`` → ``Period`` → ``Point``) in
which position 1 is the start of the period, so times follow from the period start and the
resolution, never from local clock arithmetic. Tokens are never logged nor put in errors.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from ainergy.common.errors import ApplicationError, AuthenticationError, ValidationError
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.timeseries.connectors.batch import SeriesBatch, check_points
from ainergy.timeseries.connectors.energidataservice import parse_number, parse_utc_timestamp
from ainergy.timeseries.connectors.http import HttpClient, raise_for_status

UTC = dt.UTC
SOURCE = "eloverblik"
DATASET = "gettimeseries"
DEFAULT_BASE_URL = "https://api.eloverblik.dk/customerapi"
AGGREGATIONS = ("Actual", "Quarter", "Hour", "Day", "Month", "Year")
FIXED_RESOLUTIONS = {"PT15M": 15, "PT1H": 60}
CALENDAR_RESOLUTIONS = ("P1D", "P1M", "P1Y")
KWH_PER_UNIT = {"KWH": 1.0, "MWH": 1000.0}
# businessType → (quantity, kind); A04 consumption, A01 production.
BUSINESS_TYPES = {
    "A04": ("consumption_energy_kwh", "electricity_consumption"),
    "A01": ("production_energy_kwh", None),
}
METERING_POINT_ID = re.compile(r"^\d{18}$")


@dataclass(frozen=True)
class MeteringPoint:
    """A metering point the refresh token's owner has access to (address fields left out)."""

    metering_point_id: str
    type_of_mp: str
    meter_reading_occurrence: str | None = None
    settled_mode: str | None = None


@dataclass
class _CachedToken:
    value: str = field(repr=False)
    expires_at: dt.datetime


def check_metering_point_id(value: Any, field_name: str = "metering_point_id") -> str:
    if not isinstance(value, str) or not METERING_POINT_ID.match(value):
        raise ValidationError(field_name, f"expected an 18-digit metering point id, got {value!r}")
    return value


def date_chunks(
    date_from: dt.date, date_to: dt.date, max_span_days: int
) -> list[tuple[dt.date, dt.date]]:
    """Split ``[date_from, date_to)`` into consecutive ranges of at most ``max_span_days`` days."""
    if max_span_days < 1:
        raise ValidationError("max_span_days", f"must be at least 1, got {max_span_days}")
    chunks = []
    chunk_from = date_from
    while chunk_from < date_to:
        chunk_to = min(date_to, chunk_from + dt.timedelta(days=max_span_days))
        chunks.append((chunk_from, chunk_to))
        chunk_from = chunk_to
    return chunks


class EloverblikClient:
    """Customer API client for one refresh token.

    Parameters
    ----------
    refresh_token
        Created by the customer in the Eloverblik portal; kept out of ``repr`` and logs.
    token_lifetime
        How long a data-access token is reused [h]; the API's tokens last about 24 h [U].
    max_span_days
        Longest date range per ``gettimeseries`` call [days] for Hour/Day/Month/Year.
    max_span_days_quarter
        Same for Quarter and Actual (15-min data are four times larger) [days] [U].
    """

    def __init__(
        self,
        refresh_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http: HttpClient | None = None,
        token_lifetime: dt.timedelta = dt.timedelta(hours=23),
        max_span_days: int = 720,
        max_span_days_quarter: int = 90,
        tz: ZoneInfo = LOCAL_TZ,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
    ) -> None:
        if not refresh_token:
            raise ValidationError("refresh_token", "must not be empty")
        self._refresh_token = refresh_token
        self.base_url = base_url.rstrip("/")
        self.http = http or HttpClient()
        self.token_lifetime = token_lifetime
        self.max_span_days = max_span_days
        self.max_span_days_quarter = max_span_days_quarter
        self.tz = tz
        self._clock = clock
        self._token: _CachedToken | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EloverblikClient(base_url={self.base_url!r})"

    # -- tokens ------------------------------------------------------------------------------

    def data_access_token(self) -> str:
        """A valid data-access token, fetched with the refresh token only when needed."""
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self._token.expires_at:
                self._token = _CachedToken(
                    self._fetch_data_access_token(), now + self.token_lifetime
                )
            return self._token.value

    def invalidate_token(self) -> None:
        with self._lock:
            self._token = None

    def _fetch_data_access_token(self) -> str:
        what = "eloverblik token"
        response = self.http.request(
            "GET",
            f"{self.base_url}/api/token",
            what=what,
            headers={"Authorization": f"Bearer {self._refresh_token}"},
        )
        if response.status_code in (401, 403):
            raise AuthenticationError(
                "Eloverblik refused the refresh token",
                {"source": what, "status": response.status_code},
            )
        raise_for_status(response, what)
        token = _json_body(response.content, "token").get("result")
        if not isinstance(token, str) or not token:
            raise ValidationError(
                "token.result", "missing or empty data-access token", {"dataset": "token"}
            )
        return token

    def _authorized(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ):
        """Send with the data-access token; on 401 get a new token once and resend."""
        for attempt in (1, 2):
            response = self.http.request(
                method,
                f"{self.base_url}{path}",
                what=what,
                params=params,
                json=body,
                headers={"Authorization": f"Bearer {self.data_access_token()}"},
            )
            if response.status_code == 401 and attempt == 1:
                self.invalidate_token()
                continue
            raise_for_status(response, what)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    # -- metering points ---------------------------------------------------------------------

    def metering_points(self, *, include_all: bool = False) -> list[MeteringPoint]:
        """Metering points the customer has linked (``includeAll`` also lists unlinked ones)."""
        what = "meteringpoints"
        response = self._authorized(
            "GET",
            "/api/meteringpoints/meteringpoints",
            what=what,
            params={"includeAll": str(include_all).lower()},
        )
        result = _json_body(response.content, what).get("result")
        if not isinstance(result, list):
            raise ValidationError(f"{what}.result", "missing or not a list", {"dataset": what})
        points = []
        for index, item in enumerate(result):
            if not isinstance(item, dict):
                raise ValidationError(
                    f"{what}.result[{index}]", "expected an object", {"dataset": what}
                )
            for name in ("meteringPointId", "typeOfMP"):
                if name not in item:
                    raise ValidationError(
                        f"{what}.{name}", f"missing in result {index}", {"dataset": what}
                    )
            points.append(
                MeteringPoint(
                    metering_point_id=check_metering_point_id(
                        item["meteringPointId"], f"{what}.meteringPointId"
                    ),
                    type_of_mp=str(item["typeOfMP"]),
                    meter_reading_occurrence=item.get("meterReadingOccurrence"),
                    settled_mode=item.get("settledMode"),
                )
            )
        return points

    # -- time series -------------------------------------------------------------------------

    def time_series(
        self,
        metering_point_ids: Sequence[str],
        *,
        date_from: dt.date,
        date_to: dt.date,
        aggregation: str = "Hour",
    ) -> list[SeriesBatch]:
        """Meter data [kWh] for local days ``[date_from, date_to)``, one batch per point and resolution.

        The range is split into chunks of at most ``max_span_days`` (``max_span_days_quarter``
        for Quarter/Actual) and one POST is sent per chunk; all chunks are validated before any
        batch is returned. A result with ``success: false`` raises ``ApplicationError`` naming
        the metering point and the API's ``errorText``.
        """
        if aggregation not in AGGREGATIONS:
            raise ValidationError(
                "aggregation", f"must be one of {AGGREGATIONS}, got {aggregation!r}"
            )
        ids = [check_metering_point_id(mp_id) for mp_id in metering_point_ids]
        if not ids:
            raise ValidationError("metering_point_ids", "give at least one metering point")
        if date_to <= date_from:
            raise ValidationError("date_to", "must be after date_from")
        span = (
            self.max_span_days_quarter
            if aggregation in ("Quarter", "Actual")
            else self.max_span_days
        )
        merged: dict[tuple[str, str], dict[dt.datetime, tuple[float, str | None]]] = {}
        meta: dict[tuple[str, str], tuple[str, str | None]] = {}
        source_url = ""
        for chunk_from, chunk_to in date_chunks(date_from, date_to, span):
            path = f"/api/meterdata/gettimeseries/{chunk_from.isoformat()}/{chunk_to.isoformat()}/{aggregation}"
            response = self._authorized(
                "POST", path, what=DATASET, body={"meteringPoints": {"meteringPoint": ids}}
            )
            source_url = source_url or response.url
            for reading in readings_from_response(
                _json_body(response.content, DATASET), ids, self.tz
            ):
                key = (reading.metering_point_id, reading.resolution)
                meta[key] = (reading.business_type, reading.unit)
                target = merged.setdefault(key, {})
                for moment, value, quality in reading.points:
                    previous = target.get(moment)
                    if previous is not None and previous[0] != value:
                        raise ValidationError(
                            f"{DATASET}.Point",
                            f"metering point {reading.metering_point_id}: conflicting values "
                            f"{previous[0]} and {value} at {moment.isoformat()}",
                            {"dataset": DATASET},
                        )
                    target[moment] = (value, quality)
        received_at = self._clock()
        batches = []
        for (mp_id, resolution), by_time in sorted(merged.items()):
            business_type, _ = meta[(mp_id, resolution)]
            quantity, kind = BUSINESS_TYPES.get(business_type, ("metered_energy_kwh", None))
            ordered = sorted(by_time.items())
            batches.append(
                SeriesBatch(
                    source=SOURCE,
                    dataset=DATASET,
                    series_key=f"{quantity}:{mp_id}",
                    quantity=quantity,
                    kind=kind,
                    unit="kWh",
                    resolution_minutes=FIXED_RESOLUTIONS.get(resolution),
                    points=check_points(
                        [(t, v) for t, (v, _) in ordered], field=f"{DATASET}.Point"
                    ),
                    source_url=source_url,
                    received_at=received_at,
                    metering_point_id=mp_id,
                    qualities=tuple(q for _, (_, q) in ordered),
                )
            )
        return batches


@dataclass(frozen=True)
class PeriodReadings:
    """Validated points of one metering point at one resolution from one response."""

    metering_point_id: str
    business_type: str
    unit: str
    resolution: str
    points: tuple[tuple[dt.datetime, float, str | None], ...]


def _json_body(content: bytes, what: str) -> dict[str, Any]:
    try:
        body = json.loads(content)
    except ValueError:
        raise ValidationError(
            f"{what}.body", "response is not valid JSON", {"dataset": what}
        ) from None
    if not isinstance(body, dict):
        raise ValidationError(f"{what}.body", "expected a JSON object", {"dataset": what})
    return body


def _need(container: Any, name: str, path: str) -> Any:
    if not isinstance(container, dict) or name not in container:
        raise ValidationError(f"{DATASET}.{path}{name}", "missing", {"dataset": DATASET})
    return container[name]


def _list(container: Any, name: str, path: str) -> list:
    value = _need(container, name, path)
    if not isinstance(value, list):
        raise ValidationError(f"{DATASET}.{path}{name}", "expected a list", {"dataset": DATASET})
    return value


def position_time(
    start_at: dt.datetime, resolution: str, position: int, tz: ZoneInfo
) -> dt.datetime:
    """UTC start of ``position`` (1 = period start) in a period beginning at ``start_at``.

    Fixed resolutions step in UTC (so a 23-hour day has positions 1–23 and a 25-hour day
    1–25); calendar resolutions step in local days, months or years.
    """
    if resolution in FIXED_RESOLUTIONS:
        return start_at + dt.timedelta(minutes=FIXED_RESOLUTIONS[resolution] * (position - 1))
    local = start_at.astimezone(tz)
    if resolution == "P1D":
        day = local.date() + dt.timedelta(days=position - 1)
        return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(UTC)
    months = (position - 1) * (12 if resolution == "P1Y" else 1)
    month_index = local.year * 12 + local.month - 1 + months
    first = dt.date(month_index // 12, month_index % 12 + 1, 1)
    return dt.datetime.combine(first, dt.time(0), tzinfo=tz).astimezone(UTC)


def readings_from_response(
    body: Mapping[str, Any], requested_ids: Sequence[str], tz: ZoneInfo = LOCAL_TZ
) -> list[PeriodReadings]:
    """Validate a ``gettimeseries`` answer; raise on failed results, missing fields, bad values."""
    results = _list(body, "result", "")
    seen: set[str] = set()
    readings = []
    for r_index, result in enumerate(results):
        path = f"result[{r_index}]."
        mp_id = result.get("id") if isinstance(result, dict) else None
        if _need(result, "success", path) is not True:
            error_text = result.get("errorText") or "no error text"
            raise ApplicationError(
                f"Eloverblik: metering point {mp_id}: {error_text} (errorCode {result.get('errorCode')})",
                {
                    "metering_point_id": mp_id,
                    "error_code": result.get("errorCode"),
                    "error_text": error_text,
                },
            )
        if isinstance(mp_id, str):
            seen.add(mp_id)
        document = _need(result, "MyEnergyData_MarketDocument", path)
        path += "MyEnergyData_MarketDocument."
        for t_index, series in enumerate(_list(document, "TimeSeries", path)):
            ts_path = f"{path}TimeSeries[{t_index}]."
            point_name = _need(
                _need(
                    _need(series, "MarketEvaluationPoint", ts_path),
                    "mRID",
                    ts_path + "MarketEvaluationPoint.",
                ),
                "name",
                ts_path + "MarketEvaluationPoint.mRID.",
            )
            series_mp = check_metering_point_id(
                point_name, f"{DATASET}.{ts_path}MarketEvaluationPoint.mRID.name"
            )
            seen.add(series_mp)
            unit_name = _need(series, "measurement_Unit.name", ts_path)
            if unit_name not in KWH_PER_UNIT:
                raise ValidationError(
                    f"{DATASET}.{ts_path}measurement_Unit.name",
                    f"unsupported unit {unit_name!r}",
                    {"dataset": DATASET},
                )
            business_type = str(series.get("businessType") or "")
            by_resolution: dict[str, list[tuple[dt.datetime, float, str | None]]] = {}
            for p_index, period in enumerate(_list(series, "Period", ts_path)):
                p_path = f"{ts_path}Period[{p_index}]."
                resolution = _need(period, "resolution", p_path)
                if resolution not in FIXED_RESOLUTIONS and resolution not in CALENDAR_RESOLUTIONS:
                    raise ValidationError(
                        f"{DATASET}.{p_path}resolution",
                        f"unsupported resolution {resolution!r}",
                        {"dataset": DATASET},
                    )
                interval = _need(period, "timeInterval", p_path)
                start_at = parse_utc_timestamp(
                    _need(interval, "start", p_path + "timeInterval."),
                    field=f"{DATASET}.{p_path}timeInterval.start",
                )
                end_at = parse_utc_timestamp(
                    _need(interval, "end", p_path + "timeInterval."),
                    field=f"{DATASET}.{p_path}timeInterval.end",
                )
                if end_at <= start_at:
                    raise ValidationError(
                        f"{DATASET}.{p_path}timeInterval.end",
                        "not after start",
                        {"dataset": DATASET},
                    )
                for q_index, point in enumerate(_list(period, "Point", p_path)):
                    q_path = f"{p_path}Point[{q_index}]."
                    raw_position = _need(point, "position", q_path)
                    try:
                        position = int(str(raw_position))
                    except ValueError:
                        raise ValidationError(
                            f"{DATASET}.{q_path}position",
                            f"not an integer: {raw_position!r}",
                            {"dataset": DATASET},
                        ) from None
                    moment = position_time(start_at, resolution, position, tz)
                    if position < 1 or moment >= end_at:
                        raise ValidationError(
                            f"{DATASET}.{q_path}position",
                            f"{position} lies outside the period {start_at.isoformat()}–{end_at.isoformat()}",
                            {"dataset": DATASET},
                        )
                    quantity = parse_number(
                        _need(point, "out_Quantity.quantity", q_path),
                        field=f"{DATASET}.{q_path}out_Quantity.quantity",
                    )
                    if quantity is None:
                        raise ValidationError(
                            f"{DATASET}.{q_path}out_Quantity.quantity", "null", {"dataset": DATASET}
                        )
                    quality = point.get("out_Quantity.quality")
                    by_resolution.setdefault(resolution, []).append(
                        (moment, quantity * KWH_PER_UNIT[unit_name], quality)
                    )
            for resolution, points in by_resolution.items():
                check_points([(t, v) for t, v, _ in points], field=f"{DATASET}.{ts_path}Period")
                readings.append(
                    PeriodReadings(
                        metering_point_id=series_mp,
                        business_type=business_type,
                        unit=unit_name,
                        resolution=resolution,
                        points=tuple(sorted(points, key=lambda item: item[0])),
                    )
                )
    missing = [mp_id for mp_id in requested_ids if mp_id not in seen]
    if missing:
        raise ValidationError(
            f"{DATASET}.result",
            f"no time series for metering point {missing[0]}",
            {"dataset": DATASET},
        )
    return readings
