"""REST for large heat pumps and trading tools: a heat pump's dispatched setpoints of a day,
and a bid plan's day-ahead curves as a Nord Pool-style file."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse

from ainergy.common.errors import ValidationError
from ainergy.common.ids import global_id, rest_pk
from ainergy.common.rest import json_endpoint
from optimization.selectors.bidding import (
    bid_plan_bids,
    bid_plan_get,
    heat_pump_dispatch_latest,
    heat_pump_get_by_device,
    heat_pump_setpoints,
)
from optimization.services.bidding import bid_plan_export


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(request) -> dt.date:
    text = request.GET.get("day")
    if not text:
        raise ValidationError("day", "missing; give the local delivery day as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError("day", f"expected YYYY-MM-DD, got {text!r}") from None


@json_endpoint(methods=("GET",), grant="read")
def heat_pump_schedule(request, principal, device_id: str):
    """GET /api/v1/heat-pumps/<device id>/schedule?day=YYYY-MM-DD (local delivery day)."""
    pump = heat_pump_get_by_device(principal.tenant, device_id)
    day = _day(request)
    dispatch = heat_pump_dispatch_latest(principal.tenant, heat_pump=pump, delivery_day=day)
    step = dt.timedelta(minutes=dispatch.bid_plan.mtu_minutes)
    return {
        "device_id": pump.device_id,
        "heat_pump_id": global_id(pump),
        "delivery_day": day.isoformat(),
        "mtu_minutes": dispatch.bid_plan.mtu_minutes,
        "pool_dispatch_id": global_id(dispatch),
        "dispatched_at": _utc(dispatch.job.finished_at or dispatch.created_at),
        "periods": [
            {
                "start_at": _utc(setpoint.start_at),
                "end_at": _utc(setpoint.start_at + step),
                "power_kw": setpoint.power_kw,
                "is_on": setpoint.is_on,
                "storage_kwh": setpoint.storage_kwh,
                "backup_heat_kw": setpoint.backup_heat_kw,
                "reserve_kw": setpoint.reserve_kw,
            }
            for setpoint in heat_pump_setpoints(principal.tenant, dispatch=dispatch, heat_pump=pump)
        ],
    }


@json_endpoint(methods=("GET",), grant="read", allow_session_reads=True)
def bid_plan_curves(request, principal, bid_plan_id: str):
    """GET /api/v1/bid-plans/<id>/curves?format=csv|json: the curve order as a download."""
    plan = bid_plan_get(principal.tenant, rest_pk(bid_plan_id, "BidPlan", "bid_plan_id"))
    export_format = request.GET.get("format", "csv")
    text = bid_plan_export(plan, bid_plan_bids(plan), export_format)
    content_type = "text/csv" if export_format == "csv" else "application/json"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bid-plan-{plan.pk}-{plan.delivery_day}.{export_format}"'
    )
    return response
