import time

from django.core.management.base import BaseCommand, CommandError

from projects.devdata.synthetic import DEFAULT_PASSWORD, YearNotEmptyError, generate_year


class Command(BaseCommand):
    help = (
        "Generate a synthetic year of project forms in every workflow state, with their units and accounts "
        "(for benchmarks and load tests). Refuses a year that already has forms."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--forms", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same forms (default 1).")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"For every account (default {DEFAULT_PASSWORD})."
        )
        parser.add_argument("--departments", type=int, default=20)
        parser.add_argument("--units", type=int, default=200)

    def handle(self, *args, year, forms, seed, password, departments, units, **options):
        if forms < 1:
            raise CommandError("--forms must be at least 1")
        started = time.perf_counter()

        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done} / {forms} ({time.perf_counter() - started:.1f} s)")

        try:
            report = generate_year(
                year=year,
                forms=forms,
                seed=seed,
                password=password,
                departments=departments,
                units=units,
                progress=progress,
            )
        except YearNotEmptyError as e:
            raise CommandError(str(e)) from e
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(report.statuses.items()))
        self.stdout.write(
            f"{year}: {report.forms} forms ({statuses}), {report.indicators} indicators, {report.events} events, "
            f"{report.submissions} submissions; {report.organizations_created} organizations and "
            f"{report.users_created} accounts created; {time.perf_counter() - started:.1f} s"
        )
