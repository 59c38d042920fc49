import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "timeline.json"
TIMES = ("gate_closure_local_time", "results_publication_local_time")


def seed(apps, schema_editor):
    BiddingZone = apps.get_model("markets", "BiddingZone")
    MarketProduct = apps.get_model("markets", "MarketProduct")
    Rule = apps.get_model("pipeline", "MarketTimelineRule")
    for rule in json.loads(DATA.read_text())["rules"]:
        zone = BiddingZone.objects.filter(code=rule["zone"]).first()
        product = MarketProduct.objects.filter(code=rule["product"]).first()
        if zone is None or product is None:
            continue
        fields = {k: v for k, v in rule.items() if k not in ("zone", "product")}
        for name in TIMES:
            fields[name] = dt.time.fromisoformat(fields[name])
        Rule.objects.update_or_create(zone=zone, product=product, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial"), ("markets", "0004_seed_mfrr_down")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
