"""Deadline reminders, run once a day by cron or a systemd timer (idempotent: a second run sends nothing)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.notices.reminders import send_reminders


class Command(BaseCommand):
    help = "Notify the fillers of units whose filing deadline is 7, 3 or 1 days away (once per day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to count from, YYYY-MM-DD (default: today in TIME_ZONE)")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}") from None
        else:
            today = timezone.localdate()
        for result in send_reminders(today):
            days = ", ".join(f"{d} days: {n} units" for d, n in sorted(result.by_days.items())) or "nothing due"
            self.stdout.write(
                f"{today} year {result.year}: {result.units} units, {result.recipients} people notified ({days})"
            )
