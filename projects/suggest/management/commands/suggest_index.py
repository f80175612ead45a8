from django.core.management.base import BaseCommand

from projects.suggest.services import sync_approved


class Command(BaseCommand):
    help = (
        "Make a suggestion reference of every approved form that has none (forms written in bulk, or approved "
        "before the suggestions existed) and drop the approval references of forms no longer approved."
    )

    def handle(self, *args, **options):
        added, removed = sync_approved(
            progress=lambda n: self.stdout.write(f"  {n} …") if options["verbosity"] > 1 else None
        )
        self.stdout.write(f"added {added} references, withdrew {removed}")
