import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "technology_catalogue.json"


def seed(apps, schema_editor):
    Entry = apps.get_model("assets", "TechnologyCatalogueEntry")
    for entry in json.loads(DATA.read_text())["entries"]:
        Entry.objects.update_or_create(
            tenant=None,
            technology=entry["technology"],
            name=entry["name"],
            defaults={
                "parameters": entry["parameters"],
                "lifetime_years": entry["lifetime_years"],
                "source": entry["source"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assets", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
