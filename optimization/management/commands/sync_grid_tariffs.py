import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ainergy.common.errors import ApplicationError
from ainergy.timeseries.connectors import EnergiDataServiceClient
from optimization.services.household_tariffs import grid_tariffs_sync


class Command(BaseCommand):
    help = (
        "Replace the stored tariff entries of Energinet and the grid companies with Energi Data "
        "Service's DatahubPricelist (ENERGI_DATA_SERVICE_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--company", action="append", help="grid company code or GLN (repeatable; default all)"
        )

    def handle(self, *args, **options):
        client = EnergiDataServiceClient(base_url=settings.ENERGI_DATA_SERVICE_URL)
        try:
            summary = grid_tariffs_sync(client=client, companies=options["company"])
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(summary, indent=1))
