from django.core.management.base import BaseCommand, CommandError

from projects.models import FiscalYear
from projects.reviews.seed import seed_templates


class Command(BaseCommand):
    help = "Create the default 四性审核 template for every year and form kind that has none (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this fiscal year (e.g. 2020)")

    def handle(self, *args, year=None, **options):
        years = None
        if year is not None:
            years = list(FiscalYear.objects.filter(year=year))
            if not years:
                raise CommandError(f"没有 {year} 年度。")
        for template in seed_templates(years):
            self.stdout.write(f"已创建审核评分模板：{template.name}（{template.items.count()} 项）")
