import csv
import json

from django.core.management.base import BaseCommand

from projects.models import PerformanceForm
from projects.services import form_warnings

FIELDS = ["year", "unit", "project", "code", "severity", "message", "field", "level1", "level2", "level3", "value"]


class Command(BaseCommand):
    help = "Print every warning of every form (JSON array or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, year=None, format="json", **options):
        forms = PerformanceForm.objects.select_related("unit", "year", "framework").prefetch_related("indicators")
        if year:
            forms = forms.filter(year__year=year)
        records = []
        vocabularies = {}
        for perf_form in forms.order_by("year__year", "unit__name", "project_name").iterator(chunk_size=500):
            rows = list(perf_form.indicators.all())
            for warning in form_warnings(perf_form, rows, vocabularies=vocabularies):
                row = rows[warning.row] if warning.row is not None else None
                records.append(
                    {
                        "year": perf_form.year.year,
                        "unit": perf_form.unit.name,
                        "project": perf_form.project_name or None,
                        "code": warning.code,
                        "severity": warning.severity,
                        "message": str(warning.message),
                        "indicator": (
                            {"level1": row.level1, "level2": row.level2, "level3": row.level3, "value": row.value}
                            if row
                            else None
                        ),
                        "field": warning.field if row is None else None,
                    }
                )
        if format == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=1))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            indicator = record.pop("indicator") or {}
            writer.writerow({**record, **indicator})
