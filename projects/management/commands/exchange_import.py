import json

from django.core.management.base import BaseCommand, CommandError

from projects.exchange.yitihua import ExchangeError
from projects.services import exchange


class Command(BaseCommand):
    help = "Import the 一体化 exchange files of a directory (all or nothing; --dry-run checks and writes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--dry-run", action="store_true", help="Check everything; write nothing.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the outcome as JSON.")

    def handle(self, *args, directory, dry_run, as_json, **options):
        try:
            outcome = exchange.import_files(exchange.read_directory(directory), by=None, dry_run=dry_run)
        except ExchangeError as exc:
            if as_json:
                self.stdout.write(json.dumps({"ok": False, "problems": exc.messages}, ensure_ascii=False, indent=2))
            raise CommandError("\n".join(exc.messages)) from exc
        if as_json:
            self.stdout.write(json.dumps({"ok": True, **outcome.to_json()}, ensure_ascii=False, indent=2))
        else:
            for line in outcome.lines():
                self.stdout.write(line)
