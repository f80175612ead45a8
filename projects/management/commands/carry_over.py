import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from projects.accounts.models import Organization
from projects.services.carryover import CarryOverRefused, carry_over_year


class Command(BaseCommand):
    help = (
        "Roll a year's forms over into another year (结转上年): one draft per form that has none there yet. "
        "Idempotent; creates the target year (open, the source year's frameworks) when missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", type=int, required=True, dest="source_year", metavar="YEAR")
        parser.add_argument("--to", type=int, required=True, dest="target_year", metavar="YEAR")
        parser.add_argument("--unit", help="Only this unit's (or department's) forms, by its exact name.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be created; write nothing.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the report as JSON.")

    def handle(self, *args, source_year, target_year, unit, dry_run, as_json, **options):
        organization = None
        if unit is not None:
            organization = Organization.objects.filter(name=unit.strip()).first()
            if organization is None:
                raise CommandError(_("没有名为“%(name)s”的单位，请核对单位名称。") % {"name": unit}, returncode=2)
        try:
            report = carry_over_year(
                source_year=source_year, target_year=target_year, unit=organization, dry_run=dry_run
            )
        except CarryOverRefused as refused:
            raise CommandError(str(refused), returncode=2) from refused
        # With --json, stdout carries only the JSON so that it can be piped.
        (self.stderr if as_json else self.stdout).write((_("（试运行，未写入）") if dry_run else "") + report.summary)
        if as_json:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
