"""Load the grid charges found in citable sources (optimization/data/dk_grid_tariffs.json).

Self-contained on purpose (no app code): later changes to the file are applied with
``python manage.py load_grid_tariffs``, live values with ``python manage.py sync_grid_tariffs``.
"""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import migrations

SEED = Path(__file__).resolve().parents[1] / "data" / "dk_grid_tariffs.json"
LOCAL = ZoneInfo("Europe/Copenhagen")


def _utc(value):
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL).astimezone(dt.UTC)


def load(apps, schema_editor):
    GridCompany = apps.get_model("optimization", "GridCompany")
    GridTariffPrice = apps.get_model("optimization", "GridTariffPrice")
    seed = json.loads(SEED.read_text())
    for company in seed["grid_companies"]:
        GridCompany.objects.update_or_create(
            gln_number=company["gln_number"],
            defaults={
                key: company[key]
                for key in (
                    "code",
                    "name",
                    "price_area",
                    "charge_type_codes",
                    "supplement_charge_type_codes",
                    "notes",
                    "source",
                )
            },
        )
    for record in seed["price_list"]:
        prices = [record[f"Price{hour}"] for hour in range(1, 25)]
        if all(price is None for price in prices[1:]):
            prices = [prices[0]] * 24
        GridTariffPrice.objects.update_or_create(
            gln_number=record["GLN_Number"],
            charge_type=record["ChargeType"],
            charge_type_code=record["ChargeTypeCode"],
            valid_from_at=_utc(record["ValidFrom"]),
            defaults={
                "charge_owner": record["ChargeOwner"],
                "note": record["Note"],
                "description": record["Description"],
                "valid_to_at": _utc(record["ValidTo"]),
                "hourly_prices_dkk_per_kwh": prices,
                "source": record["source"],
                "is_verified": record["is_verified"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("optimization", "0005_grid_tariffs")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
