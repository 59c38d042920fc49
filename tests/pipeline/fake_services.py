"""Local HTTP servers for the pipeline tests, on ephemeral ports in background threads.

* ``MarketAndWeatherServer`` answers like Energi Data Service (``/dataset/<name>``, paging with
  offset/limit and ``total``) and the Open-Meteo forecast API (``/v1/forecast``), from the real
  data in ``../shared/data``. Market results appear only once published on the simulated clock
  (day-ahead prices of day D at 12:55 Copenhagen time on D-1, reserve prices at 10:00), so the
  pipeline cannot see the future. The forecast endpoint serves the recorded weather of the asked
  dates (a perfect forecast: it is a test server, not a weather model).
* ``WebhookReceiver`` records POSTs and verifies ``Ainergy-Signature`` with its own HMAC code
  (written here, independent of ``ainergy.pipeline.webhooks``); it can be told to fail first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"  # <repo>/../shared
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@lru_cache(maxsize=1)
def shared_frames() -> dict[str, pd.DataFrame]:
    def read(name: str) -> pd.DataFrame:
        frame = pd.read_csv(DATA / name)
        frame["time"] = pd.to_datetime(frame["time_utc"], utc=True, format="ISO8601")
        return frame

    return {
        "spot": read("spot_prices_dk1_dk2_hourly.csv.gz"),
        "mfrr": read("mfrr_capacity_dk1_dk2_hourly.csv.gz"),
        "afrr": read("afrr_capacity_dk2_hourly_2024.csv"),
        "weather": read("weather_openmeteo_56.2N_10.5E_hourly.csv"),
        "flensburg": read("district_heating_flensburg_hourly_2014_2015.csv"),
    }


_FORMAT = "%Y-%m-%dT%H:%M:%S"
# dataset → (source frame, local publication clock on D-1, {record field: frame column})
_DATASETS = {
    "Elspotprices": ("spot", dt.time(12, 55), {
        "PriceArea": "price_area", "SpotPriceEUR": "price_eur_per_mwh",
        "SpotPriceDKK": "price_dkk_per_mwh"}),
    "mFRRCapacityMarket": ("mfrr", dt.time(10, 0), {
        "PriceArea": "price_area", "mFRR_UpPriceEUR": "mfrr_up_price_eur_per_mw",
        "mFRR_DownPriceEUR": "mfrr_down_price_eur_per_mw"}),
    "AfrrReservesNordic": ("afrr", dt.time(8, 0), {
        "PriceArea": "price_area", "aFRR_UpCapPriceEUR": "afrr_up_cap_price_eur_per_mw",
        "aFRR_DownCapPriceEUR": "afrr_down_cap_price_eur_per_mw"}),
}  # fmt: skip


@dataclass(frozen=True)
class Dataset:
    """A dataset's records in its format with their hour and publication time (UTC, ns)."""

    hour_ns: np.ndarray
    published_ns: np.ndarray
    records: list[dict]


def _published_at(hours_utc: pd.Series, local_clock: dt.time) -> pd.Series:
    """When the result of each delivery hour is out: ``local_clock`` on the local day before
    (a wall-clock time never inside a DST change)."""
    local_day = hours_utc.dt.tz_convert(COPENHAGEN).dt.tz_localize(None).dt.normalize()
    clock = pd.Timedelta(hours=local_clock.hour, minutes=local_clock.minute)
    wall = local_day - pd.Timedelta(days=1) + clock
    return wall.dt.tz_localize(COPENHAGEN).dt.tz_convert("UTC")


@lru_cache(maxsize=8)
def _dataset(name: str) -> Dataset:
    """Vectorised: the full shared files hold ~125 000 hourly records. Datasets the shared
    data lack (FCR, imbalance, CO2, …) answer with no records."""
    if name not in _DATASETS:
        empty = np.array([], dtype="int64")
        return Dataset(hour_ns=empty, published_ns=empty, records=[])
    frame_key, clock, fields = _DATASETS[name]
    frame = shared_frames()[frame_key]
    hours = frame["time"]
    columns = {
        "HourUTC": hours.dt.strftime(_FORMAT),
        "HourDK": hours.dt.tz_convert(COPENHAGEN).dt.strftime(_FORMAT),
        **{field: frame[column] for field, column in fields.items()},
    }
    return Dataset(
        hour_ns=hours.to_numpy(dtype="datetime64[ns]").astype("int64"),
        published_ns=_published_at(hours, clock).to_numpy(dtype="datetime64[ns]").astype("int64"),
        records=pd.DataFrame(columns).to_dict("records"),
    )


@dataclass
class MarketAndWeatherServer:
    now: Callable[[], dt.datetime]
    url: str = ""
    served: list[str] = field(default_factory=list)

    def eds(self, dataset: str, query: dict[str, str]) -> dict:
        data = _dataset(dataset)
        keep = data.published_ns <= pd.Timestamp(self.now()).value
        if "start" in query:
            keep &= data.hour_ns >= pd.Timestamp(query["start"], tz="UTC").value
        if "end" in query:
            keep &= data.hour_ns < pd.Timestamp(query["end"], tz="UTC").value
        filters = json.loads(query.get("filter", "{}"))
        records = [
            record
            for record in (data.records[i] for i in np.flatnonzero(keep))
            if not any(key in record and record[key] not in allowed
                       for key, allowed in filters.items())
        ]  # fmt: skip
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
        return {"total": len(records), "limit": limit, "dataset": dataset,
                "records": records[offset : offset + limit]}  # fmt: skip

    def forecast(self, query: dict[str, str]) -> dict:
        weather = shared_frames()["weather"]
        start = pd.Timestamp(query["start_date"], tz="UTC")
        end = pd.Timestamp(query["end_date"], tz="UTC") + pd.Timedelta(days=1)
        rows = weather[(weather["time"] >= start) & (weather["time"] < end)]
        # Open-Meteo's shortwave_radiation at T is the mean of the hour before T: the shared
        # file labels each hour by its start, so shift the label by one hour.
        radiation = rows.set_index("time")["solar_radiation_w_per_m2"]
        radiation.index = radiation.index + pd.Timedelta(hours=1)
        times = rows["time"]
        return {
            "latitude": float(query["latitude"]),
            "longitude": float(query["longitude"]),
            "generationtime_ms": 0.2,
            "utc_offset_seconds": 0,
            "timezone": "GMT",
            "timezone_abbreviation": "GMT",
            "elevation": 12.0,
            "hourly_units": {
                "time": "unixtime",
                "temperature_2m": "°C",
                "shortwave_radiation": "W/m²",
            },  # fmt: skip
            "hourly": {
                "time": [int(t.timestamp()) for t in times],
                "temperature_2m": rows["temperature_c"].round(1).tolist(),
                "shortwave_radiation": [
                    None if pd.isna(v) else float(v) for v in radiation.reindex(times).tolist()
                ],
            },
        }

    def start(self) -> ThreadingHTTPServer:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                state.served.append(parsed.path)
                if parsed.path.startswith("/dataset/"):
                    body = state.eds(parsed.path.split("/")[2], query)
                elif parsed.path == "/v1/forecast":
                    body = state.forecast(query)
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                raw = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def real_time() -> float:
    """Wall time even while time_machine moves this process's clock (signatures are dated by
    the worker's real clock)."""
    try:
        import time_machine

        return time_machine.escape_hatch.time.time()
    except (ImportError, AttributeError, ValueError):
        return time.time()


@dataclass
class Received:
    event: str
    delivery_id: str
    body: dict
    signature_valid: bool


@dataclass
class WebhookReceiver:
    """Verifies signatures itself: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>."""

    secret: str = ""
    failures_left: int = 0
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def verify(self, header: str, raw: bytes, tolerance_s: float = 300.0) -> bool:
        parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        if "t" not in parts or "v1" not in parts:
            return False
        if abs(real_time() - int(parts["t"])) > tolerance_s:
            return False
        expected = hmac.new(
            self.secret.encode(), parts["t"].encode() + b"." + raw, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])

    def events(self, name: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.event == name]

    def start(self) -> ThreadingHTTPServer:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with state.lock:
                    if state.failures_left > 0:
                        state.failures_left -= 1
                        self.send_response(503)
                        self.end_headers()
                        return
                    state.received.append(
                        Received(
                            event=self.headers.get("Ainergy-Event", ""),
                            delivery_id=self.headers.get("Ainergy-Delivery", ""),
                            body=json.loads(raw),
                            signature_valid=state.verify(
                                self.headers.get("Ainergy-Signature", ""), raw
                            ),
                        )
                    )
                self.send_response(204)
                self.end_headers()

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/ainergy"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
