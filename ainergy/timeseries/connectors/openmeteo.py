"""Open-Meteo forecast API (numerical weather prediction): hourly temperature and irradiance.

``GET <base>/v1/forecast?latitude=..&longitude=..&hourly=temperature_2m,shortwave_radiation
&timezone=GMT&timeformat=unixtime&start_date=YYYY-MM-DD&end_date=YYYY-MM-DD`` answers

```json
{"latitude": 56.2, "longitude": 10.5, "generationtime_ms": 0.3, "utc_offset_seconds": 0,
 "timezone": "GMT", "timezone_abbreviation": "GMT", "elevation": 12.0,
 "hourly_units": {"time": "unixtime", "temperature_2m": "°C", "shortwave_radiation": "W/m²"},
 "hourly": {"time": [1727740800, ...], "temperature_2m": [11.2, ...],
            "shortwave_radiation": [0.0, ...]}}
```

``time`` is unix seconds (``timeformat=unixtime``) or ISO-8601 local times of ``timezone``
without an offset (``timeformat=iso8601``, the API's default), shifted by
``utc_offset_seconds``; both are read. ``temperature_2m`` is the instant value at the hour;
``shortwave_radiation`` is the mean of the *preceding* hour (Open-Meteo's documented convention),
so it is stored at the start of that hour (interval-start convention of every series here).
Nulls (hours the model does not cover) are gaps. The API publishes no model-run time in this
endpoint: the caller states the issue time (when it fetched), and the storage side never dates
a forecast earlier than the fetch. Pure Python (no Django).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ainergy.common.errors import ApplicationError, ValidationError
from ainergy.timeseries.connectors.batch import SeriesBatch
from ainergy.timeseries.connectors.http import HttpClient, raise_for_status

SOURCE = "open-meteo"
DATASET = "forecast"


@dataclass(frozen=True)
class WeatherVariable:
    """One hourly variable: the API name, our quantity and kind, and its time convention."""

    api_name: str
    quantity: str
    kind: str
    unit: str
    api_unit: str
    preceding_hour_mean: bool = False


VARIABLES: dict[str, WeatherVariable] = {
    "temperature_2m": WeatherVariable(
        "temperature_2m", "outdoor_temperature_c", "outdoor_temperature", "°C", "°C"
    ),
    "shortwave_radiation": WeatherVariable(
        "shortwave_radiation",
        "solar_irradiance_w_per_m2",
        "solar_irradiance",
        "W/m²",
        "W/m²",
        preceding_hour_mean=True,
    ),
}


class OpenMeteoClient:
    """Client of the Open-Meteo forecast endpoint (``base_url`` without ``/v1/forecast``)."""

    def __init__(
        self, base_url: str = "https://api.open-meteo.com", http: HttpClient | None = None
    ):
        self.base_url = base_url.rstrip("/")
        self.http = http or HttpClient()

    def fetch_forecast(
        self,
        *,
        latitude_deg: float,
        longitude_deg: float,
        start_date: dt.date,
        end_date: dt.date,
        variables: Sequence[str] = ("temperature_2m", "shortwave_radiation"),
        received_at: dt.datetime | None = None,
    ) -> list[SeriesBatch]:
        """Hourly forecasts of ``variables`` for UTC dates ``[start_date, end_date]``, one batch
        per variable (points tz-aware UTC, interval starts)."""
        if not -90 <= latitude_deg <= 90:
            raise ValidationError("latitude_deg", f"must be in [-90, 90], got {latitude_deg}")
        if not -180 <= longitude_deg <= 180:
            raise ValidationError("longitude_deg", f"must be in [-180, 180], got {longitude_deg}")
        if end_date < start_date:
            raise ValidationError("end_date", "must not be before start_date")
        unknown = [name for name in variables if name not in VARIABLES]
        if unknown:
            raise ValidationError("variables", f"unknown variable {unknown[0]!r}")
        params = {
            "latitude": f"{latitude_deg:.4f}",
            "longitude": f"{longitude_deg:.4f}",
            "hourly": ",".join(variables),
            "timezone": "GMT",
            "timeformat": "unixtime",
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
        }
        url = f"{self.base_url}/v1/forecast"
        response = self.http.request("GET", url, what="open-meteo forecast", params=params)
        reason = _error_reason(response) if 400 <= response.status_code < 500 else None
        if reason is not None:
            # Open-Meteo explains a refused request in the body; keep its words in the error.
            raise ApplicationError(
                f"open-meteo forecast: HTTP {response.status_code}: {reason}",
                {"source": "open-meteo forecast", "status": response.status_code, "reason": reason},
            )
        raise_for_status(response, "open-meteo forecast")
        try:
            body = response.json()
        except ValueError as error:
            raise ValidationError("forecast", f"invalid JSON ({error})") from None
        received = received_at or dt.datetime.now(dt.UTC)
        return parse_forecast(body, variables, source_url=response.url, received_at=received)


def _error_reason(response) -> str | None:
    """The ``reason`` of an ``{"error": true, "reason": ...}`` answer, else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("error") is True and isinstance(body.get("reason"), str):
        return body["reason"]
    return None


def _times(body: dict) -> list[dt.datetime]:
    hourly = body.get("hourly")
    if not isinstance(hourly, dict) or not isinstance(hourly.get("time"), list):
        raise ValidationError("forecast.hourly.time", "missing")
    offset_s = body.get("utc_offset_seconds", 0)
    if isinstance(offset_s, bool) or not isinstance(offset_s, int):
        raise ValidationError("forecast.utc_offset_seconds", f"expected seconds, got {offset_s!r}")
    times = []
    for position, raw in enumerate(hourly["time"]):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            moment = dt.datetime.fromtimestamp(raw, dt.UTC)
        elif isinstance(raw, str):
            try:
                parsed = dt.datetime.fromisoformat(raw)
            except ValueError:
                raise ValidationError(
                    "forecast.hourly.time", f"unparsable time {raw!r} at {position}"
                ) from None
            if parsed.tzinfo is None:  # local time of the requested timezone
                parsed = parsed.replace(tzinfo=dt.UTC) - dt.timedelta(seconds=offset_s)
            moment = parsed.astimezone(dt.UTC)
        else:
            raise ValidationError("forecast.hourly.time", f"unparsable time {raw!r} at {position}")
        if moment.minute or moment.second:
            raise ValidationError(
                "forecast.hourly.time", f"{moment.isoformat()} is not on the hour (at {position})"
            )
        if times and moment <= times[-1]:
            raise ValidationError(
                "forecast.hourly.time", f"times not strictly increasing at {position}"
            )
        times.append(moment)
    return times


def parse_forecast(
    body: dict, variables: Sequence[str], *, source_url: str, received_at: dt.datetime
) -> list[SeriesBatch]:
    """Validate an Open-Meteo forecast answer and normalise it (all or nothing)."""
    if not isinstance(body, dict):
        raise ValidationError("forecast", "expected a JSON object")
    if body.get("error"):
        raise ValidationError("forecast", f"Open-Meteo error: {body.get('reason', 'unknown')}")
    times = _times(body)
    hourly, units = body["hourly"], body.get("hourly_units") or {}
    place = f"{body.get('latitude', '?')},{body.get('longitude', '?')}"
    batches = []
    for name in variables:
        spec = VARIABLES[name]
        values = hourly.get(name)
        if not isinstance(values, list):
            raise ValidationError(f"forecast.hourly.{name}", "missing")
        if len(values) != len(times):
            raise ValidationError(
                f"forecast.hourly.{name}", f"{len(values)} values for {len(times)} times"
            )
        unit = units.get(name)
        if unit is not None and unit != spec.api_unit:
            raise ValidationError(
                f"forecast.hourly_units.{name}", f"expected {spec.api_unit!r}, got {unit!r}"
            )
        shift = dt.timedelta(hours=1) if spec.preceding_hour_mean else dt.timedelta(0)
        points = []
        for position, (moment, value) in enumerate(zip(times, values, strict=True)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(
                    f"forecast.hourly.{name}", f"expected a number at {position}, got {value!r}"
                )
            if not math.isfinite(value):
                raise ValidationError(f"forecast.hourly.{name}", f"not finite at {position}")
            points.append((moment - shift, float(value)))
        batches.append(
            SeriesBatch(
                source=SOURCE,
                dataset=DATASET,
                series_key=f"{spec.quantity}:{place}",
                quantity=spec.quantity,
                kind=spec.kind,
                unit=spec.unit,
                resolution_minutes=60,
                points=tuple(points),
                source_url=source_url,
                received_at=received_at,
                is_forecast=True,
            )
        )
    return batches
