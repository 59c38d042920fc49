from django.db import transaction

from ainergy.common.errors import ValidationError
from ainergy.common.rest import json_endpoint, parse_json_body
from ainergy.timeseries.telemetry import telemetry_ingest


@json_endpoint(methods=("POST",), grant="ingest")
def telemetry(request, principal):
    """POST /api/v1/telemetry  {"readings": [{"device_id", "time", "<quantity>": value, ...}]}"""
    body = parse_json_body(request)
    if not isinstance(body, dict) or "readings" not in body:
        raise ValidationError("readings", 'missing; send {"readings": [...]}')
    result = telemetry_ingest(
        tenant=principal.tenant, readings=body["readings"], source="device-api"
    )
    telemetry_received_after_commit(principal.tenant, body["readings"])
    return result


def telemetry_received_after_commit(tenant, readings: list) -> None:
    """Drifting telemetry re-plans (ainergy.pipeline.replan): queue the drift checks."""
    from ainergy.pipeline.replan import telemetry_received

    device_ids = sorted({r.get("device_id") for r in readings if isinstance(r, dict)} - {None})
    transaction.on_commit(lambda: telemetry_received(tenant=tenant, device_ids=device_ids))
