"""Bulk export of every form (optionally one year) to one .xlsx: sheets 项目 and 指标."""

import time

from django.core.management.base import BaseCommand

from projects.exchange import bulk
from projects.models import PerformanceForm


class Command(BaseCommand):
    help = "Export all performance forms and their indicators to an .xlsx file (sheets 项目 and 指标)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this fiscal year")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, year=None, output, **options):
        forms = PerformanceForm.objects.all()
        if year is not None:
            forms = forms.filter(year__year=year)
        started = time.monotonic()

        def progress(written: int) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"{written} rows")

        written = bulk.export_forms(forms, output, progress)
        self.stdout.write(f"{written} rows written to {output} in {time.monotonic() - started:.1f} s")
