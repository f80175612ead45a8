from django.core.management.base import BaseCommand

from projects.library import services
from projects.library.seed import seed_library


class Command(BaseCommand):
    help = "Fill the indicator library from fixtures/seeds and DOMAIN.md's 共性 entries (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--recount", action="store_true", help="only recount every entry's usage")

    def handle(self, *args, recount=False, **options):
        if recount:
            self.stdout.write(f"recounted {services.recount_usage()} entries")
            return
        result = seed_library()
        self.stdout.write(f"created {len(result.created)}, updated {len(result.updated)}, unchanged {result.unchanged}")
