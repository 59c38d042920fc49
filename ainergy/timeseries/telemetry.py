"""Heat-pump status from IoT devices: readings per device become 1-minute series per quantity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from ainergy.assets.models import HeatPump
from ainergy.common.errors import ValidationError
from ainergy.timeseries.kinds import get_kind
from ainergy.timeseries.models import Series
from ainergy.timeseries.services import SeriesBatch, observations_ingest, series_create
from ainergy.timeseries.validation import check_physical_range, parse_time, parse_value

TELEMETRY_RESOLUTION_MINUTES = 1

# reading field -> series kind
MEASUREMENTS = {
    "electric_power_kw": "electric_power",
    "heat_output_kw": "heat_output",
    "supply_temperature_c": "supply_temperature",
    "return_temperature_c": "return_temperature",
    "source_temperature_c": "source_temperature",
    "is_on": "on_off",
    "storage_soc_fraction": "storage_soc",
}


def _telemetry_series(tenant, pump: HeatPump, kind: str) -> Series:
    key = f"telemetry-{pump.pk}-{kind}"
    series = Series.objects.filter(tenant=tenant, key=key).first()
    return series or series_create(
        tenant=tenant,
        key=key,
        kind=kind,
        resolution_minutes=TELEMETRY_RESOLUTION_MINUTES,
        site=pump.site,
        heat_pump=pump,
        description=f"{pump.name}: {kind} reported by device {pump.device_id}",
    )


@transaction.atomic
def telemetry_ingest(*, tenant, readings: Any, source: str = "device") -> dict:
    """Validate every reading, then write all of them or none; repeats change nothing."""
    if not isinstance(readings, list):
        raise ValidationError("readings", "expected a list of readings")
    if len(readings) > settings.TELEMETRY_MAX_READINGS_PER_REQUEST:
        raise ValidationError(
            "readings",
            f"{len(readings)} readings exceed the limit of {settings.TELEMETRY_MAX_READINGS_PER_REQUEST}",
        )
    pumps = {
        pump.device_id: pump
        for pump in HeatPump.objects.for_tenant(tenant).exclude(device_id="").select_related("site")
    }
    points: dict[tuple[int, str], list[Mapping[str, Any]]] = defaultdict(list)
    seen: dict[tuple[str, object], int] = {}
    for position, reading in enumerate(readings):
        where = f"readings[{position}]"
        if not isinstance(reading, Mapping):
            raise ValidationError(where, "expected an object")
        device_id = reading.get("device_id")
        if not isinstance(device_id, str):
            raise ValidationError(
                f"{where}.device_id", f"expected a string, got {type(device_id).__name__}"
            )
        if device_id not in pumps:
            raise ValidationError(f"{where}.device_id", f"unknown device {device_id[:100]!r}")
        if "time" not in reading:
            raise ValidationError(f"{where}.time", "missing")
        time = parse_time(reading["time"], f"{where}.time")
        if time.second or time.microsecond:
            raise ValidationError(f"{where}.time", "report on whole minutes (seconds must be 0)")
        if (device_id, time) in seen:
            raise ValidationError(
                f"{where}.time",
                f"device {device_id!r} already reported {time.isoformat()} at readings[{seen[(device_id, time)]}]",
            )
        seen[(device_id, time)] = position
        unknown = set(reading) - {"device_id", "time", *MEASUREMENTS}
        if unknown:
            raise ValidationError(f"{where}.{sorted(unknown)[0][:100]}", "unknown measurement")
        present = [name for name in MEASUREMENTS if name in reading]
        if not present:
            raise ValidationError(where, f"no measurement; give one of {', '.join(MEASUREMENTS)}")
        for name in present:
            value = reading[name]
            if name == "is_on":
                if not isinstance(value, bool):
                    raise ValidationError(
                        f"{where}.is_on", f"expected true or false, got {value!r}"
                    )
                value = 1.0 if value else 0.0
            value = check_physical_range(
                get_kind(MEASUREMENTS[name]),
                parse_value(value, f"{where}.{name}"),
                f"{where}.{name}",
                name_kind=False,
            )
            points[(pumps[device_id].pk, MEASUREMENTS[name])].append({"time": time, "value": value})
    by_pk = {pump.pk: pump for pump in pumps.values()}
    batches = [
        SeriesBatch(
            _telemetry_series(tenant, by_pk[pump_pk], kind),
            batch_points,
        )
        for (pump_pk, kind), batch_points in sorted(points.items())
    ]
    results = observations_ingest(tenant=tenant, batches=batches, source=source, field="series")
    return {
        "accepted_readings": len(readings),
        "series": [
            {"key": result.series_key, "points_written": result.points_written}
            for result in results
        ],
    }
