"""A local HTTP server that answers like Energi Data Service, the Eloverblik customer API and
the Open-Meteo forecast API.

It runs on 127.0.0.1 with a random port in a background thread (stdlib ThreadingHTTPServer),
serves records in each API's response format, pages with offset/limit, and can be told to
answer 429/503, to stall, to cut a body short, or to send malformed JSON. Every request is
logged so tests can count what was served.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from ainergy.timeseries.connectors.http import HttpClient, RetryPolicy

DATA = Path(__file__).parent / "data"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC
REFRESH_TOKEN = "refresh-token-5f3c-secret"


@dataclass
class Fault:
    """One scripted misbehaviour for the next request whose path starts with a prefix."""

    status: int = 200
    retry_after: str | None = None
    truncate: bool = False
    raw_body: bytes | None = None
    delay_s: float = 0.0
    body: Any = None  # JSON answer sent with a non-200 status (default {"error": "scripted"})


@dataclass
class ServedRequest:
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None
    body: Any


@dataclass
class FakeApis:
    url: str = ""
    eds_records: dict[str, list[dict]] = field(default_factory=dict)
    faults: list[tuple[str, Fault]] = field(default_factory=list)
    served: list[ServedRequest] = field(default_factory=list)
    issued_tokens: list[str] = field(default_factory=list)
    revoked_tokens: set[str] = field(default_factory=set)
    metering_points: list[dict] = field(default_factory=list)
    failing_metering_points: dict[str, tuple[int, str]] = field(default_factory=dict)
    meter_value: Callable[[str, dt.datetime], float] = lambda mp_id, moment: 0.5
    document_hook: Callable[[dict], None] | None = None
    weather: dict[dt.datetime, dict[str, float]] = field(default_factory=dict)
    # Open-Meteo applies the UTC offset valid *when asked* to every time of an answer in a
    # local timezone (no per-hour DST switch); this is that "when".
    weather_asked_at: dt.datetime = dt.datetime(2024, 10, 25, 12, tzinfo=dt.UTC)
    forecast_hook: Callable[[dict], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, path_prefix: str, fault: Fault, times: int = 1) -> None:
        self.faults.extend((path_prefix, fault) for _ in range(times))

    def requests_to(self, path_prefix: str) -> list[ServedRequest]:
        return [request for request in self.served if request.path.startswith(path_prefix)]

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for index, (prefix, fault) in enumerate(self.faults):
                if path.startswith(prefix):
                    del self.faults[index]
                    return fault
        return None


def _time_field(records: list[dict]) -> str | None:
    return next((key for record in records for key in record if key.endswith("UTC")), None)


def eds_answer(state: FakeApis, dataset: str, query: dict[str, str]) -> dict:
    records = list(state.eds_records.get(dataset, []))
    time_key = _time_field(records)
    if time_key and "start" in query:
        records = [r for r in records if r.get(time_key, query["start"]) >= query["start"]]
    if time_key and "end" in query:
        records = [r for r in records if r.get(time_key, "") < query["end"]]
    filters = json.loads(query.get("filter", "{}"))
    for key, allowed in filters.items():
        records = [r for r in records if key not in r or r[key] in allowed]
    if "sort" in query:
        key, _, direction = query["sort"].partition(" ")
        records.sort(key=lambda r: r.get(key) or "", reverse=direction.upper() == "DESC")
    offset = int(query.get("offset", 0))
    limit = int(query.get("limit", 100))
    return {
        "total": len(records),
        "filters": query.get("filter", ""),
        "sort": query.get("sort", ""),
        "limit": limit,
        "dataset": dataset,
        "records": records[offset : offset + limit],
    }


def local_day_periods(day: dt.date, minutes: int) -> tuple[dt.datetime, dt.datetime, int]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=COPENHAGEN).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=COPENHAGEN).astimezone(
        UTC
    )
    return start, end, int((end - start) / dt.timedelta(minutes=minutes))


def zulu(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def meter_document(
    state: FakeApis, mp_id: str, date_from: dt.date, date_to: dt.date, aggregation: str
) -> dict:
    minutes = {"Quarter": 15, "Actual": 60, "Hour": 60}[aggregation]
    resolution = {15: "PT15M", 60: "PT1H"}[minutes]
    periods = []
    day = date_from
    while day < date_to:
        start, end, count = local_day_periods(day, minutes)
        points = [
            {
                "position": str(position),
                "out_Quantity.quantity": f"{state.meter_value(mp_id, start + dt.timedelta(minutes=minutes * (position - 1))):.3f}",
                "out_Quantity.quality": "A04",
            }
            for position in range(1, count + 1)
        ]
        periods.append(
            {
                "resolution": resolution,
                "timeInterval": {"start": zulu(start), "end": zulu(end)},
                "Point": points,
            }
        )
        day += dt.timedelta(days=1)
    range_start = local_day_periods(date_from, 60)[0]
    range_end = local_day_periods(date_to, 60)[0]
    return {
        "mRID": "c2b5e6a4-0f1e-4a55-9d1b-0c7a7e0f6f11",
        "createdDateTime": "2024-11-01T10:00:00Z",
        "sender_MarketParticipant.name": "",
        "sender_MarketParticipant.mRID": {"codingScheme": None, "name": None},
        "period.timeInterval": {"start": zulu(range_start), "end": zulu(range_end)},
        "TimeSeries": [
            {
                "mRID": mp_id,
                "businessType": "A04",
                "curveType": "A01",
                "measurement_Unit.name": "KWH",
                "MarketEvaluationPoint": {"mRID": {"codingScheme": "A10", "name": mp_id}},
                "Period": periods,
            }
        ],
    }


def eloverblik_answer(
    state: FakeApis, method: str, path: str, auth: str | None, body: Any
) -> tuple[int, Any]:
    route = path[len("/customerapi") :]
    if route == "/api/token":
        if auth != f"Bearer {REFRESH_TOKEN}":
            return 401, {"error": "invalid refresh token"}
        token = f"data-access-token-{len(state.issued_tokens) + 1}-secret"
        state.issued_tokens.append(token)
        return 200, {"result": token}
    token = (auth or "").removeprefix("Bearer ")
    if token not in state.issued_tokens or token in state.revoked_tokens:
        return 401, {"error": "invalid data access token"}
    if route == "/api/meteringpoints/meteringpoints" and method == "GET":
        return 200, {"result": state.metering_points}
    if route.startswith("/api/meterdata/gettimeseries/") and method == "POST":
        date_from, date_to, aggregation = route.split("/")[-3:]
        ids = body["meteringPoints"]["meteringPoint"]
        results = []
        for mp_id in ids:
            if mp_id in state.failing_metering_points:
                code, text = state.failing_metering_points[mp_id]
                results.append(
                    {
                        "MyEnergyData_MarketDocument": None,
                        "success": False,
                        "errorCode": code,
                        "errorText": text,
                        "id": mp_id,
                        "stackTrace": None,
                    }
                )
                continue
            document = meter_document(
                state,
                mp_id,
                dt.date.fromisoformat(date_from),
                dt.date.fromisoformat(date_to),
                aggregation,
            )
            if state.document_hook:
                state.document_hook(document)
            results.append(
                {
                    "MyEnergyData_MarketDocument": document,
                    "success": True,
                    "errorCode": 10000,
                    "errorText": "NoError",
                    "id": mp_id,
                    "stackTrace": None,
                }
            )
        return 200, {"result": results}
    return 404, {"error": "not found"}


OPEN_METEO_UNITS = {"temperature_2m": "°C", "shortwave_radiation": "W/m²"}


def open_meteo_answer(state: FakeApis, query: dict[str, str]) -> tuple[int, dict]:
    """``/v1/forecast`` as Open-Meteo answers it: the hourly grid of the asked local dates,
    ``null`` where the model (here: the recorded data) has no value, ``shortwave_radiation``
    labelled at the end of the hour it averages, errors as ``{"error": true, "reason": ...}``."""
    variables = query.get("hourly", "").split(",")
    unknown = [name for name in variables if name not in OPEN_METEO_UNITS]
    if unknown:
        return 400, {
            "error": True,
            "reason": f"Cannot initialize ForecastVariable from invalid String value {unknown[0]} "
            "for key hourly",
        }
    latitude, longitude = float(query["latitude"]), float(query["longitude"])
    timezone = query.get("timezone", "GMT")
    offset = (
        dt.timedelta(0)
        if timezone in ("GMT", "UTC")
        else state.weather_asked_at.astimezone(ZoneInfo(timezone)).utcoffset()
    )
    assert offset is not None
    first = dt.datetime.combine(dt.date.fromisoformat(query["start_date"]), dt.time(0))
    last = dt.datetime.combine(dt.date.fromisoformat(query["end_date"]), dt.time(0))
    count = int((last - first) / dt.timedelta(hours=1)) + 24
    locals_ = [first + dt.timedelta(hours=index) for index in range(count)]
    moments = [(local - offset).replace(tzinfo=UTC) for local in locals_]
    hourly: dict[str, list] = {
        "time": [int(moment.timestamp()) for moment in moments]
        if query.get("timeformat") == "unixtime"
        else [local.strftime("%Y-%m-%dT%H:%M") for local in locals_]
    }
    for name in variables:
        label_shift = dt.timedelta(hours=1) if name == "shortwave_radiation" else dt.timedelta(0)
        hourly[name] = [state.weather.get(moment - label_shift, {}).get(name) for moment in moments]
    answer = {
        "latitude": round(latitude, 2),
        "longitude": round(longitude, 2),
        "generationtime_ms": 0.21,
        "utc_offset_seconds": int(offset.total_seconds()),
        "timezone": timezone,
        "timezone_abbreviation": "GMT"
        if not offset
        else ("CEST" if offset.seconds == 7200 else "CET"),
        "elevation": 12.0,
        "hourly_units": {
            "time": "unixtime" if query.get("timeformat") == "unixtime" else "iso8601",
            **{name: OPEN_METEO_UNITS[name] for name in variables},
        },
        "hourly": hourly,
    }
    if state.forecast_hook:
        state.forecast_hook(answer)
    return 200, answer


def make_handler(state: FakeApis) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def _serve(self, method: str) -> None:
            parsed = urlparse(self.path)
            query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            with state.lock:
                state.served.append(
                    ServedRequest(
                        method, parsed.path, query, self.headers.get("Authorization"), body
                    )
                )
            fault = state._take_fault(parsed.path)
            if fault and fault.delay_s:
                time.sleep(fault.delay_s)
            if fault and fault.status != 200:
                answer = fault.body if fault.body is not None else {"error": "scripted"}
                self._send(fault.status, answer, retry_after=fault.retry_after)
                return
            if fault and fault.raw_body is not None:
                self._send_raw(200, fault.raw_body)
                return
            if parsed.path.startswith("/dataset/"):
                status, answer = 200, eds_answer(state, parsed.path.split("/")[2], query)
            elif parsed.path == "/v1/forecast":
                status, answer = open_meteo_answer(state, query)
            elif parsed.path.startswith("/customerapi/"):
                status, answer = eloverblik_answer(
                    state, method, parsed.path, self.headers.get("Authorization"), body
                )
            else:
                status, answer = 404, {"error": "not found"}
            self._send(status, answer, truncate=bool(fault and fault.truncate))

        def _send(
            self, status: int, answer: Any, retry_after: str | None = None, truncate: bool = False
        ) -> None:
            self._send_raw(
                status, json.dumps(answer).encode(), retry_after=retry_after, truncate=truncate
            )

        def _send_raw(
            self,
            status: int,
            payload: bytes,
            retry_after: str | None = None,
            truncate: bool = False,
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if retry_after is not None:
                    self.send_header("Retry-After", retry_after)
                if truncate:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload[: len(payload) // 2])
                    self.close_connection = True
                    return
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@pytest.fixture
def fake_apis():
    state = FakeApis()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class SleepRecorder:
    """Stands in for time.sleep: records each back-off instead of waiting."""

    def __init__(self) -> None:
        self.waits_s: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits_s.append(round(seconds, 6))


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def http(sleeps) -> HttpClient:
    return HttpClient(
        timeout_s=(1.0, 0.5),
        retry=RetryPolicy(
            max_attempts=4, backoff_initial_s=0.01, backoff_factor=2.0, backoff_max_s=1.0
        ),
        sleep=sleeps,
    )


# -- records in EDS format, built from the real rows in ./data --------------------------------


def _local(moment: pd.Timestamp) -> str:
    return moment.tz_convert(COPENHAGEN).strftime("%Y-%m-%dT%H:%M:%S")


def _utc(moment: pd.Timestamp) -> str:
    return moment.tz_convert(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def read_rows(name: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA / name)
    frame["time_utc"] = pd.to_datetime(frame["time_utc"], utc=True)
    return frame


def elspotprices_records() -> list[dict]:
    """Real DK1/DK2 spot prices as ``Elspotprices`` records (HourUTC, HourDK naive strings)."""
    return [
        {
            "HourUTC": _utc(row.time_utc),
            "HourDK": _local(row.time_utc),
            "PriceArea": row.price_area,
            "SpotPriceDKK": row.price_dkk_per_mwh,
            "SpotPriceEUR": row.price_eur_per_mwh,
        }
        for row in read_rows("spot_prices_2024_dst_days.csv").itertuples()
    ]


def day_ahead_quarter_records() -> list[dict]:
    """``DayAheadPrices`` records: each real hourly price on its four quarter-hours."""
    records = []
    for row in read_rows("spot_prices_2024_dst_days.csv").itertuples():
        for quarter in range(4):
            moment = row.time_utc + pd.Timedelta(minutes=15 * quarter)
            records.append(
                {
                    "TimeUTC": _utc(moment),
                    "TimeDK": _local(moment),
                    "PriceArea": row.price_area,
                    "DayAheadPriceEUR": row.price_eur_per_mwh,
                    "DayAheadPriceDKK": row.price_dkk_per_mwh,
                }
            )
    return records


def mfrr_records() -> list[dict]:
    return [
        {
            "HourUTC": _utc(row.time_utc),
            "HourDK": _local(row.time_utc),
            "PriceArea": row.price_area,
            "mFRR_UpPurchased": row.mfrr_up_purchased_mw,
            "mFRR_UpPriceDKK": row.mfrr_up_price_dkk_per_mw,
            "mFRR_UpPriceEUR": row.mfrr_up_price_eur_per_mw,
        }
        for row in read_rows("mfrr_capacity_2024_10.csv").itertuples()
    ]


def afrr_records() -> list[dict]:
    return [
        {
            "HourUTC": _utc(row.time_utc),
            "HourDK": _local(row.time_utc),
            "PriceArea": row.price_area,
            "aFRR_DownPurchased": row.afrr_down_purchased_mw,
            "aFRR_UpPurchased": row.afrr_up_purchased_mw,
            "aFRR_DownCapPriceDKK": row.afrr_down_cap_price_dkk_per_mw,
            "aFRR_DownCapPriceEUR": row.afrr_down_cap_price_eur_per_mw,
            "aFRR_UpCapPriceDKK": row.afrr_up_cap_price_dkk_per_mw,
            "aFRR_UpCapPriceEUR": row.afrr_up_cap_price_eur_per_mw,
        }
        for row in read_rows("afrr_capacity_dk2_2024_10.csv").itertuples()
    ]


def fcr_nd_records() -> list[dict]:
    """Real DK2 FCR-N and FCR-D up prices (2021) as ``FcrNdDK2`` records: one ``Total`` row per
    product and hour, plus a ``D-1 early`` row at another price that the filter must drop."""
    records = []
    for row in read_rows("fcr_n_fcr_d_up_dk2_2021_03.csv").itertuples():
        for product, price, dkk in (
            ("FCR-N", row.fcr_n_price_eur_per_mw, row.fcr_n_price_dkk_per_mw),
            ("FCR-D upp", row.fcr_d_up_price_eur_per_mw, row.fcr_d_up_price_dkk_per_mw),
        ):
            for auction, factor in (("Total", 1.0), ("D-1 early", 2.0)):
                records.append(
                    {
                        "HourUTC": _utc(row.time_utc),
                        "HourDK": _local(row.time_utc),
                        "PriceArea": row.price_area,
                        "ProductName": product,
                        "AuctionType": auction,
                        "PurchasedVolumeLocal": 20.0,
                        "PurchasedVolumeTotal": 200.0,
                        "PriceTotalEUR": price * factor,
                        "PriceTotalDKK": dkk * factor,
                    }
                )
    return records


def co2_prognosis_records() -> list[dict]:
    return [
        {
            "Minutes5UTC": _utc(row.time_utc),
            "Minutes5DK": _local(row.time_utc),
            "PriceArea": row.price_area,
            "CO2Emission": float(row.co2_emission_prognosis_g_per_kwh),
        }
        for row in read_rows("co2_emission_prognosis_dk2_2024_01_11.csv").itertuples()
    ]


def weather_rows() -> dict[dt.datetime, dict[str, float]]:
    """Recorded Open-Meteo weather per UTC hour start (``temperature_2m`` instant at the hour,
    ``shortwave_radiation`` the mean over the hour that starts there), for the fake API."""
    frame = read_rows("weather_openmeteo_2024_dst_days.csv")
    return {
        row.time_utc.to_pydatetime(): {
            "temperature_2m": float(row.temperature_c),
            "shortwave_radiation": float(row.solar_radiation_w_per_m2),
        }
        for row in frame.itertuples()
    }


def spot_price_rows(area: str) -> dict[dt.datetime, float]:
    """EUR/MWh per UTC hour straight from the CSV, to compare connector output against."""
    frame = read_rows("spot_prices_2024_dst_days.csv")
    frame = frame[frame.price_area == area]
    return {row.time_utc.to_pydatetime(): row.price_eur_per_mwh for row in frame.itertuples()}
