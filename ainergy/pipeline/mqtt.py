"""MQTT telemetry bridge: heat-pump gateways publish readings to a broker; we ingest them.

Topic ``<prefix>/telemetry/<device_id>``; payload JSON, the REST body or one reading::

    {"token": "ain_…", "readings": [{"time": "2024-10-15T10:03:00Z", "electric_power_kw": 812.0,
                                     "storage_soc_fraction": 0.41, "is_on": true}]}

The token is an API token with the ``ingest`` scope (the broker's own authentication is the
operator's business; ours is the token, as over REST). ``device_id`` comes from the topic and
may be left out of the readings. Every message is validated and written all or nothing
(``telemetry_ingest``), then the drift checks are queued (``telemetry_received``). The bridge
answers on ``<topic>/ack`` with ``{"accepted_readings": n}`` or ``{"errors": [{"field",
"message"}]}``, QoS 1. Run one bridge per deployment: ``python manage.py mqtt_bridge``.
"""

from __future__ import annotations

import json
import logging
import threading
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from django.db import close_old_connections

from ainergy.common.errors import ApplicationError, PermissionDeniedError, ValidationError

logger = logging.getLogger("ainergy.pipeline.mqtt")

MAX_PAYLOAD_BYTES = 1_000_000


def handle_message(topic: str, payload: bytes, prefix: str) -> dict:
    """Validate, authenticate and ingest one message; returns the ack body."""
    from ainergy.pipeline.replan import telemetry_received
    from ainergy.timeseries.telemetry import telemetry_ingest
    from tenants.services import api_token_authenticate

    base = f"{prefix}/telemetry/"
    device_id = topic[len(base) :] if topic.startswith(base) else ""
    try:
        if not device_id or "/" in device_id:
            raise ValidationError("topic", f"expected {base}<device_id>")
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise ValidationError("payload", f"larger than {MAX_PAYLOAD_BYTES} bytes")
        try:
            body = json.loads(payload or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValidationError("payload", f"not valid JSON ({error})") from None
        if not isinstance(body, dict):
            raise ValidationError("payload", "expected a JSON object")
        token = api_token_authenticate(str(body.pop("token", "")))
        if "ingest" not in (token.scopes or []):
            raise PermissionDeniedError("Permission denied: this requires the 'ingest' permission.")
        readings = body.get("readings", [body] if "time" in body else None)
        if not isinstance(readings, list):
            raise ValidationError("readings", 'missing; send {"readings": [...]} or one reading')
        readings = [{"device_id": device_id, **r} if isinstance(r, dict) else r for r in readings]
        for position, reading in enumerate(readings):
            if isinstance(reading, dict) and reading["device_id"] != device_id:
                raise ValidationError(
                    f"readings[{position}].device_id", "differs from the topic's device"
                )
        result = telemetry_ingest(tenant=token.tenant, readings=readings, source="device-mqtt")
        telemetry_received(tenant=token.tenant, device_ids=[device_id])
        return {"accepted_readings": result["accepted_readings"]}
    except ApplicationError as error:
        logger.warning("mqtt %s: %s", topic, error.message)
        return {"errors": [{"message": error.message, "code": error.code, **error.extra}]}


class TelemetryBridge:
    """Subscribes to ``<prefix>/telemetry/+`` and ingests every message (paho-mqtt)."""

    def __init__(self, broker_url: str, prefix: str, client_id: str = "") -> None:
        url = urlparse(broker_url)
        if url.scheme not in ("mqtt", "mqtts"):
            raise ValueError("broker URL must be mqtt://host:port or mqtts://host:port")
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or (8883 if url.scheme == "mqtts" else 1883)
        self.prefix = prefix.strip("/")
        self.subscribed = threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True
        )
        if url.scheme == "mqtts":
            self.client.tls_set()
        if url.username:
            self.client.username_pw_set(url.username, url.password)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            logger.error("mqtt: connection refused: %s", reason_code)
            return
        client.subscribe(f"{self.prefix}/telemetry/+", qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self.subscribed.set()
        logger.info("mqtt: subscribed to %s/telemetry/+", self.prefix)

    def _on_message(self, client, userdata, message) -> None:
        close_old_connections()
        try:
            ack = handle_message(message.topic, message.payload, self.prefix)
        except Exception:  # noqa: BLE001 - one bad message must not stop the bridge
            logger.exception("mqtt: message on %s crashed", message.topic)
            ack = {"errors": [{"message": "internal error", "code": "INTERNAL"}]}
        client.publish(f"{message.topic}/ack", json.dumps(ack), qos=1)

    def start(self) -> None:
        """Connect and process messages in a background thread."""
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def run_forever(self) -> None:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=True)
