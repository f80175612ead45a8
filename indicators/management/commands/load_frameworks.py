from django.core.management.base import BaseCommand

from indicators.frameworks import load_frameworks


class Command(BaseCommand):
    help = "Load the indicator frameworks from fixtures/frameworks.json (idempotent)."

    def handle(self, *args, **options):
        for framework in load_frameworks():
            self.stdout.write(f"{framework.code}: {framework.name}")
