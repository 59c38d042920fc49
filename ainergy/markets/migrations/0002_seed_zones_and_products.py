import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "products.json"


def seed(apps, schema_editor):
    BiddingZone = apps.get_model("markets", "BiddingZone")
    MarketProduct = apps.get_model("markets", "MarketProduct")
    data = json.loads(DATA.read_text())
    zones = {}
    for zone in data["zones"]:
        zones[zone["code"]], _ = BiddingZone.objects.update_or_create(
            code=zone["code"], defaults={k: v for k, v in zone.items() if k != "code"}
        )
    for product in data["products"]:
        fields = {k: v for k, v in product.items() if k not in ("code", "zones")}
        fields["gate_closure_local_time"] = dt.time.fromisoformat(fields["gate_closure_local_time"])
        row, _ = MarketProduct.objects.update_or_create(code=product["code"], defaults=fields)
        row.zones.set([zones[code] for code in product["zones"]])


class Migration(migrations.Migration):
    dependencies = [("markets", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
