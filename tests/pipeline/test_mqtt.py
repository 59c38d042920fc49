"""Telemetry over MQTT: the bridge against the real Mosquitto broker on 127.0.0.1:1883.

The broker is shared by the whole machine, so every test uses its own topic prefix.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import uuid

import paho.mqtt.client as mqtt
import pytest

BROKER = ("127.0.0.1", 1883)


def broker_available() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(BROKER, timeout=1):
        return True
    return False


@contextlib.contextmanager
def running_bridge():
    from ainergy.pipeline.mqtt import TelemetryBridge

    if not broker_available():
        pytest.skip("no MQTT broker on 127.0.0.1:1883")
    prefix = f"ainergy-test-{uuid.uuid4().hex[:10]}"
    bridge = TelemetryBridge("mqtt://127.0.0.1:1883", prefix, client_id=f"{prefix}-bridge")
    bridge.start()
    assert bridge.subscribed.wait(10), "bridge did not subscribe"
    try:
        yield bridge
    finally:
        bridge.stop()


class FleetClient:
    """A device gateway: publishes readings and waits for the bridge's ack."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.acks: queue.Queue = queue.Queue()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"{prefix}-fleet-{uuid.uuid4().hex[:6]}"
        )
        self.client.on_message = lambda c, u, m: self.acks.put((m.topic, json.loads(m.payload)))
        subscribed = queue.Queue()
        self.client.on_subscribe = lambda *args: subscribed.put(True)
        self.client.connect(*BROKER, keepalive=30)
        self.client.loop_start()
        self.client.subscribe(f"{prefix}/telemetry/+/ack", qos=1)
        subscribed.get(timeout=10)

    def publish(self, device_id: str, token: str, reading: dict, timeout_s: float = 20) -> dict:
        topic = f"{self.prefix}/telemetry/{device_id}"
        self.client.publish(topic, json.dumps({"token": token, "readings": [reading]}), qos=1)
        while True:
            ack_topic, body = self.acks.get(timeout=timeout_s)
            if ack_topic == f"{topic}/ack":
                return body

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.mark.django_db(transaction=True)
def test_bridge_ingests_readings_and_refuses_bad_tokens_and_devices(tenant, other_tenant):
    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create
    from ainergy.timeseries.models import Observation
    from tenants.services import api_token_create

    site = asset_create(tenant=tenant, model=assets.Site, data={
        "name": "Plant", "latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"})  # fmt: skip
    asset_create(tenant=tenant, model=assets.HeatPump, data={
        "site_id": site.pk, "name": "HP", "kind": "large", "device_id": "gw-1",
        "power_max_kw": 1000.0, "power_min_kw": 300.0, "carnot_quality_grade": 0.5,
        "source_temperature_c": 10.0, "sink_temperature_c": 70.0})  # fmt: skip
    _, ingest = api_token_create(tenant=tenant, name="gw", scopes=["ingest"])
    _, read_only = api_token_create(tenant=tenant, name="ro", scopes=["read"])
    _, foreign = api_token_create(tenant=other_tenant, name="gw", scopes=["ingest"])
    reading = {"time": "2024-10-15T08:00:00Z", "electric_power_kw": 512.5, "is_on": True,
               "storage_soc_fraction": 0.4}  # fmt: skip
    with running_bridge() as bridge:
        fleet = FleetClient(bridge.prefix)
        # when / then: a valid reading is stored, once, whatever the repeats
        assert fleet.publish("gw-1", ingest, reading) == {"accepted_readings": 1}
        assert fleet.publish("gw-1", ingest, reading) == {"accepted_readings": 1}
        stored = Observation.objects.filter(series__heat_pump__device_id="gw-1")
        assert sorted(stored.values_list("series__kind", "value")) == [
            ("electric_power", 512.5), ("on_off", 1.0), ("storage_soc", 0.4)]  # fmt: skip
        # refusals name the reason and write nothing
        assert fleet.publish("gw-1", read_only, reading)["errors"][0]["message"] == (
            "Permission denied: this requires the 'ingest' permission."
        )
        assert fleet.publish("gw-1", foreign, reading)["errors"][0]["field"] == (
            "readings[0].device_id"
        )
        bad = fleet.publish("gw-1", ingest, {**reading, "electric_power_kw": "lots"})
        assert bad["errors"][0]["field"] == "readings[0].electric_power_kw"
        assert fleet.publish("gw-1", "ain_nope", reading)["errors"][0]["code"] == "UNAUTHENTICATED"
        fleet.close()
    assert stored.count() == 3
