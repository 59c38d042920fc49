"""Seed the demo: an aggregator tenant with an owner who can log in, and an API token."""

from django.core.management.base import BaseCommand
from django.db import transaction

from tenants.services import api_token_create

DEMO_EMAIL = "demo@ainergy.dk"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the demo's documented login, local SQLite only


class Command(BaseCommand):
    help = "Create (or reuse) the demo tenant and user; print the login and a fresh API token."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    @transaction.atomic
    def handle(self, *args, **options):
        base_url = options["base_url"].rstrip("/")
        from ainergy.demo.seed import seed_demo

        tenant, household = seed_demo(email=DEMO_EMAIL, password=DEMO_PASSWORD)
        _, secret = api_token_create(
            tenant=tenant, name="demo token", scopes=["read", "write", "ingest"], expires_in_days=30
        )
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Demo tenants: {tenant.name} ({tenant.slug}), {household.name} ({household.slug})",
                    f"Portal      : {base_url}/  (log in as {DEMO_EMAIL} / {DEMO_PASSWORD})",
                    f"GraphiQL    : {base_url}/graphql",
                    f"API token   : {secret}",
                    "              send it as the header  Authorization: Bearer <token>",
                    "",
                ]
            )
        )
