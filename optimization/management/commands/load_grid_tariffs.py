import json

from django.core.management.base import BaseCommand

from optimization.services.household_tariffs import grid_tariffs_load


class Command(BaseCommand):
    help = (
        "Upsert the grid companies and tariff entries shipped in "
        "optimization/data/dk_grid_tariffs.json (each value with its source)."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(grid_tariffs_load()))
