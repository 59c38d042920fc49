"""REST for household devices: the latest succeeded day-ahead schedule of a site."""

from __future__ import annotations

import datetime as dt

from ainergy.common.errors import ValidationError
from ainergy.common.ids import global_id, rest_pk
from ainergy.common.rest import json_endpoint
from optimization.selectors.household import (
    household_schedule_latest,
    household_schedule_periods,
    site_get,
)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@json_endpoint(methods=("GET",), grant="read")
def household_schedule(request, principal, site_id: str):
    """GET /api/v1/households/<site id>/schedule?day=YYYY-MM-DD (local delivery day).

    The site id is its global id (a bare number is accepted too); ids in the answer are global.
    """
    site = site_get(principal.tenant, rest_pk(site_id, "Site", "site_id"))
    day_text = request.GET.get("day")
    if not day_text:
        raise ValidationError("day", "missing; give the local delivery day as YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        raise ValidationError("day", f"expected YYYY-MM-DD, got {day_text!r}") from None
    schedule = household_schedule_latest(principal.tenant, site=site, delivery_day=day)
    step = dt.timedelta(minutes=schedule.step_minutes)
    return {
        "site_id": global_id(site),
        "delivery_day": day.isoformat(),
        "step_minutes": schedule.step_minutes,
        "schedule_id": global_id(schedule),
        "planned_at": _utc(schedule.job.finished_at or schedule.created_at),
        "total_cost_eur": schedule.total_cost_eur,
        "periods": [
            {
                "start_at": _utc(period.start_at),
                "end_at": _utc(period.start_at + step),
                "heat_pump_power_kw": period.heat_pump_power_kw,
                "backup_heater_power_kw": period.backup_heater_power_kw,
                "battery_charge_kw": period.battery_charge_kw,
                "battery_discharge_kw": period.battery_discharge_kw,
                "battery_energy_kwh": period.battery_energy_kwh,
                "ev_charge_kw": period.ev_charge_kw,
                "grid_import_kw": period.grid_import_kw,
                "grid_export_kw": period.grid_export_kw,
                "tank_energy_kwh": period.tank_energy_kwh,
                "indoor_temperature_c": period.indoor_temperature_c,
            }
            for period in household_schedule_periods(principal.tenant, schedule)
        ],
    }
