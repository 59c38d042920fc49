from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write the printed GraphQL schema to schema.graphql (committed; a test checks drift)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(Path(settings.BASE_DIR) / "schema.graphql"))

    def handle(self, *args, **options):
        from ainergy.schema import schema

        Path(options["path"]).write_text(schema.as_str() + "\n")
        self.stdout.write(f"Wrote {options['path']}")
