from django.core.management.base import BaseCommand, CommandError

from projects.exchange.importing import UnreadableFileError, import_text, read_text_file
from projects.exchange.textimport import json_text


class Command(BaseCommand):
    help = "Import performance forms from text dumps of the published tables (idempotent; drafts only)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--year", type=int, help="Year of forms whose title prints none; others must match it.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be imported; write nothing.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the forms read as a JSON array.")

    def handle(self, *args, files, year, dry_run, as_json, **options):
        # Every file is read before anything is written: one that cannot be
        # read stops the command with nothing imported.
        texts = []
        for path in files:
            try:
                texts.append((path, read_text_file(path)))
            except UnreadableFileError as e:
                raise CommandError(str(e)) from e

        reports = [import_text(text, year=year, dry_run=dry_run, source=path) for path, text in texts]
        # With --json, stdout carries only the array so that it can be piped.
        summary = self.stderr if as_json else self.stdout
        for report in reports:
            for line in report.summary_lines():
                summary.write(line)
        if as_json:
            self.stdout.write(json_text([form for report in reports for form in report.to_json()]))
