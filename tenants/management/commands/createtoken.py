from django.core.management.base import BaseCommand, CommandError

from ainergy.common.errors import ApplicationError
from tenants.models import Tenant
from tenants.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token; prints the secret once and nothing else on stdout."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--scopes", required=True, help="comma-separated: read,write,ingest")
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"tenant: no tenant with slug {options['tenant']!r}")
        try:
            _, secret = api_token_create(
                tenant=tenant,
                name=options["name"],
                scopes=options["scopes"],
                expires_in_days=options["expires_in_days"],
            )
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(secret)
