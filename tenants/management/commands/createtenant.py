from django.core.management.base import BaseCommand, CommandError

from ainergy.common.errors import ApplicationError
from tenants.models import BiddingZone, Tenant
from tenants.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant, optionally with an owner (created by e-mail if new)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=Tenant.Kind.values)
        parser.add_argument("--zone", default=BiddingZone.DK1, choices=BiddingZone.values)
        parser.add_argument("--owner-email")

    def handle(self, *args, **options):
        try:
            tenant = tenant_create(
                slug=options["slug"],
                name=options["name"],
                kind=options["kind"],
                default_bidding_zone=options["zone"],
                owner_email=options["owner_email"],
            )
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created tenant {tenant.slug} ({tenant.get_kind_display()}).")
