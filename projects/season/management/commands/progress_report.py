"""`manage.py progress_report --year 2020 [--json]`: the dashboard's numbers by department."""

import json

from django.core.management.base import BaseCommand, CommandError

from projects.choices import Status
from projects.models import FiscalYear
from projects.season import dashboard


class Command(BaseCommand):
    help = "Filing progress of a year by department: units, expected, not started, forms by status, overdue."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the fiscal year, e.g. 2021")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, year, json: bool = False, **options):
        fiscal_year = FiscalYear.objects.filter(year=year).first()
        if fiscal_year is None:
            raise CommandError(f"no fiscal year {year}")
        rows = dashboard.report_rows(dashboard.progress(fiscal_year))
        if json:
            self.stdout.write(_dumps(rows))
            return
        statuses = list(Status.values)
        header = ["department", "units", "expected", "not_started", *statuses, "overdue"]
        self.stdout.write("\t".join(header))
        for row in rows:
            cells = [row["department"], row["units"], row["expected"], row["not_started"]]
            cells += [row["by_status"][s] for s in statuses] + [row["overdue"]]
            self.stdout.write("\t".join(str(c) for c in cells))


def _dumps(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
