from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.exchange.yitihua import ExchangeError
from projects.services import exchange


class Command(BaseCommand):
    help = "Write a year's forms as the 一体化 exchange files (one UTF-8 CSV per table, plus manifest.json)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, metavar="DIR", help="Directory to write (created).")

    def handle(self, *args, year, output, **options):
        try:
            files = exchange.export_year(year, by=None)
        except ExchangeError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (directory / name).write_bytes(data)
            self.stdout.write(f"{directory / name}: {len(data)} bytes")
