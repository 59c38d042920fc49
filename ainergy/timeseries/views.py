from ainergy.common.errors import ValidationError
from ainergy.common.rest import json_endpoint, parse_json_body
from ainergy.timeseries.telemetry import telemetry_ingest


@json_endpoint(methods=("POST",), grant="ingest")
def telemetry(request, principal):
    """POST /api/v1/telemetry  {"readings": [{"device_id", "time", "<quantity>": value, ...}]}"""
    body = parse_json_body(request)
    if not isinstance(body, dict) or "readings" not in body:
        raise ValidationError("readings", 'missing; send {"readings": [...]}')
    return telemetry_ingest(tenant=principal.tenant, readings=body["readings"], source="device-api")
