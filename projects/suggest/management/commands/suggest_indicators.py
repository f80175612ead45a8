import json

from django.core.management.base import BaseCommand, CommandError

from indicators.choices import FormKind
from projects.models import FiscalYear
from projects.suggest.engine import DEFAULT_LIMIT, MAX_LIMIT, suggest


class Command(BaseCommand):
    help = (
        "Suggest indicators for a project from the most similar approved or imported forms and the library "
        "(best first). --exclude-form leaves forms out of the history, for leave-one-out measurement."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The year filed for: history up to it.")
        parser.add_argument("--name", required=True, help="项目名称")
        parser.add_argument("--overview", default="", help="项目概况")
        parser.add_argument("--basis", default="", help="立项依据")
        parser.add_argument("--kind", default=FormKind.PROJECT, choices=FormKind.values)
        parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
        parser.add_argument("--exclude-form", type=int, action="append", default=[], dest="exclude")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of lines.")

    def handle(self, *args, year, name, overview, basis, kind, limit, exclude, **options):
        if not 1 <= limit <= MAX_LIMIT:
            raise CommandError(f"--limit 应在 1 到 {MAX_LIMIT} 之间")
        fiscal_year = FiscalYear.objects.select_related("project_framework", "department_framework").filter(year=year)
        fiscal_year = fiscal_year.first()
        found = suggest(
            kind=kind,
            name=name,
            overview=overview,
            basis=basis,
            year=year,
            framework=fiscal_year.framework_for(kind) if fiscal_year else None,
            exclude_forms=exclude,
            limit=limit,
        )
        if options["json"]:
            self.stdout.write(json.dumps([s.as_json() for s in found], ensure_ascii=False, indent=1))
            return
        for s in found:
            self.stdout.write(f"{s.level1} / {s.level2} / {s.level3}  {s.value}  —— {s.source}")
