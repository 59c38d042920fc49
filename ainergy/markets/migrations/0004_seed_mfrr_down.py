from django.db import migrations


def seed(apps, schema_editor):
    """Re-run the reference-data seed: adds mFRR down (products.json), updates the others."""
    from importlib import import_module

    import_module("ainergy.markets.migrations.0002_seed_zones_and_products").seed(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("markets", "0003_results_versions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
