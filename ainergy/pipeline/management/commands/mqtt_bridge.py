"""``python manage.py mqtt_bridge``: ingest device telemetry published over MQTT."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from ainergy.pipeline.mqtt import TelemetryBridge


class Command(BaseCommand):
    help = "Bridge <prefix>/telemetry/<device_id> messages from the MQTT broker into telemetry."

    def add_arguments(self, parser):
        parser.add_argument("--broker", default=settings.MQTT_BROKER_URL, help="mqtt://host:port")
        parser.add_argument("--prefix", default=settings.MQTT_TOPIC_PREFIX, help="topic prefix")

    def handle(self, *args, broker: str, prefix: str, **options):
        self.stdout.write(f"bridging {prefix}/telemetry/+ from {broker}")
        TelemetryBridge(broker, prefix, client_id=f"ainergy-bridge-{prefix}").run_forever()
