"""REST for devices: pull the current setpoints (ETag / If-None-Match)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse, JsonResponse

from ainergy.common.errors import ValidationError
from ainergy.common.ids import global_id
from ainergy.common.rest import json_endpoint
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.pipeline import clock
from ainergy.pipeline.publication import device_setpoints


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@json_endpoint(methods=("GET",), grant="read")
def device_setpoints_view(request, principal, device_id: str):
    """GET /api/v1/devices/<device_id>/setpoints?day=YYYY-MM-DD (default: today, local).

    Answers the current version of the device's setpoints with ``ETag``; a request whose
    ``If-None-Match`` names that ETag gets ``304 Not Modified`` and no body.
    """
    day_text = request.GET.get("day")
    if day_text:
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            raise ValidationError("day", f"expected YYYY-MM-DD, got {day_text!r}") from None
    else:
        day = clock.now().astimezone(LOCAL_TZ).date()
    pump, version, setpoints = device_setpoints(
        tenant=principal.tenant, device_id=device_id, delivery_day=day
    )
    etag = version.etag
    cached = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in cached or "*" in cached:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(
            {
                "device_id": device_id,
                "heat_pump_id": global_id(pump),
                "delivery_day": day.isoformat(),
                "version": version.version,
                "schedule_version_id": global_id(version),
                "cause": version.cause,
                "published_at": _utc(version.published_at),
                "setpoints": [
                    {
                        "start_at": _utc(row.start_at),
                        "end_at": _utc(row.end_at),
                        "power_kw": row.power_kw,
                        "is_on": row.is_on,
                        "storage_soc_fraction": row.storage_soc_fraction,
                    }
                    for row in setpoints
                ],
            }
        )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
