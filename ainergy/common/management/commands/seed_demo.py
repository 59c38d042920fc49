"""Seed the demo: an aggregator tenant with an owner who can log in, and an API token."""

from django.core.management.base import BaseCommand
from django.db import transaction

from ainergy.common.ids import global_id
from tenants.services import api_token_create

DEMO_EMAIL = "demo@ainergy.dk"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the demo's documented login, local SQLite only


class Command(BaseCommand):
    help = "Create (or reuse) the demo tenant and user; print the login and a fresh API token."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument(
            "--no-showcase",
            action="store_true",
            help="Seed only; don't run the showcase bid plan, dispatch and household schedule.",
        )

    def handle(self, *args, **options):
        base_url = options["base_url"].rstrip("/")
        from ainergy.demo.seed import seed_demo

        with transaction.atomic():
            tenant, household = seed_demo(email=DEMO_EMAIL, password=DEMO_PASSWORD)
            _, secret = api_token_create(
                tenant=tenant,
                name="demo token",
                scopes=["read", "write", "ingest"],
                expires_in_days=30,
            )
        showcase_lines = []
        if not options["no_showcase"]:
            # after the commit: each step's job runs (in-process) before the next step reads it
            from ainergy.demo.showcase import showcase_run

            showcase = showcase_run()
            showcase_lines = [f"Showcase    : {note}" for note in showcase.notes]
            if showcase.bid_plan is not None:
                plan_id = global_id(showcase.bid_plan)
                showcase_lines.append(f"Bid plan    : {base_url}/bid-plans/{plan_id}")
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Demo tenants: {tenant.name} ({tenant.slug}), {household.name} ({household.slug})",
                    f"Portal      : {base_url}/  (log in as {DEMO_EMAIL} / {DEMO_PASSWORD})",
                    f"GraphiQL    : {base_url}/graphql",
                    f"API token   : {secret}",
                    "              send it as the header  Authorization: Bearer <token>",
                    *showcase_lines,
                    "",
                ]
            )
        )
