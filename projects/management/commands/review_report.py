import json

from django.core.management.base import BaseCommand, CommandError

from projects.models import FiscalYear
from projects.reviews.choices import Grade, Stage
from projects.reviews.statistics import review_statistics


class Command(BaseCommand):
    help = (
        "Review statistics of one year per 主管部门: grades and average points per dimension, "
        "counting each form's latest scorecard (a 复审 supersedes the 初审 before it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--stage", choices=Stage.values, help="count only the latest scorecard of this stage")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print a JSON array (default: a table)")

    def handle(self, *args, year, stage=None, as_json=False, **options):
        if not FiscalYear.objects.filter(year=year).exists():
            raise CommandError(f"No fiscal year {year}.")
        departments = review_statistics(year=year, stage=stage)
        if as_json:
            self.stdout.write(json.dumps([d.as_json() for d in departments], ensure_ascii=False, indent=1))
            return
        grades = [str(g.label) for g in Grade]
        self.stdout.write("\t".join(["department", "forms", *grades, "total_avg"]))
        for entry in departments:
            record = entry.as_json()
            counts = [str(record["grades"][g]) for g in grades]
            self.stdout.write("\t".join([entry.department, str(entry.forms), *counts, str(entry.total_avg())]))
