"""Store every form's error and warning counts as the current rules count them.

Run once after an upgrade that changes the warning rules (issue #14 made "没有写比较符号" a hint,
which the stored counts of existing forms still count as a warning): lists and the queue's
filters read the stored counts.
"""

from django.core.management.base import BaseCommand

from projects import services
from projects.models import PerformanceForm


class Command(BaseCommand):
    help = "Recount the stored errors and warnings of every form (or one year's) with the current rules."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)

    def handle(self, *args, year=None, **options):
        forms = PerformanceForm.objects.all()
        if year:
            forms = forms.filter(year__year=year)
        changed = services.refresh_counts(forms)
        self.stdout.write(f"{changed} form(s) had stale counts and were updated")
