"""填报进度 on the synthetic year (issue #17): the dashboard with 3,000 units and 20,000 forms.

The synthetic year has ~200 units; the first run adds budget units under its departments
until there are UNITS in all (no forms, each with one expected project: "not started"), and
expects the synthetic forms as a season would: three in four carried over from last year
(linked to their drafts, as the carry-over records them), the rest from the 项目库 list
(unlinked, found by name at query time), once: later runs find them and add nothing.
Requested as an admin (every department) and for one department (its units' table, the 催报 screen).
"""

from bench.measure import Bench, Target, measure

UNITS = 3000
EXTRA_UNIT = "{department}补充单位{n}"
TARGETS = {
    "season_progress": Target(queries=15, p50_ms=100),
    "season_department": Target(queries=15, p50_ms=100),
}


def ensure_units_and_expected(year) -> tuple[int, int]:
    """Top the units up to UNITS and give the year its expected forms; returns (units, expected)."""
    from django.db import connection, transaction

    from projects.accounts.models import Organization
    from projects.models import PerformanceForm
    from projects.season.models import ExpectedForm

    with transaction.atomic():
        units = Organization.objects.filter(kind=Organization.Kind.UNIT)
        departments = list(
            Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, name__startswith="某某市第").order_by("pk")
        )
        missing = UNITS - units.count()
        if missing > 0:
            Organization.objects.bulk_create(
                Organization(
                    name=EXTRA_UNIT.format(department=departments[i % len(departments)].name, n=i + 1),
                    kind=Organization.Kind.UNIT,
                    parent=departments[i % len(departments)],
                )
                for i in range(missing)
            )
        if not ExpectedForm.objects.filter(year=year).exists():
            filed = PerformanceForm.objects.filter(year=year).values_list("pk", "unit_id", "kind", "project_name")
            rows = [
                ExpectedForm(
                    year=year,
                    unit_id=u,
                    kind=k,
                    project_name=n,
                    source=ExpectedForm.Source.PROJECT_LIST if pk % 4 == 0 else ExpectedForm.Source.CARRY_OVER,
                    perf_form_id=None if pk % 4 == 0 else pk,
                )
                for pk, u, k, n in filed
            ]
            extra = units.filter(name__contains="补充单位").values_list("pk", flat=True)
            rows += [
                ExpectedForm(year=year, unit_id=pk, project_name="新增项目", source=ExpectedForm.Source.PROJECT_LIST)
                for pk in extra
            ]
            ExpectedForm.objects.bulk_create(rows, batch_size=2000)
            # Fresh statistics, as autovacuum would give a production database after such an import.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE season_expectedform")
                cursor.execute("ANALYZE accounts_organization")
    return units.count(), ExpectedForm.objects.filter(year=year).count()


def run(fixtures, count: int, only: set[str] | None) -> list[dict]:
    if only is not None and not (only & TARGETS.keys()):
        return []
    from django.test import Client

    from projects.accounts.models import Organization

    year = fixtures.year
    units, expected = ensure_units_and_expected(year)
    print(f"season: {units} units, {expected} expected forms in {year.year}")
    department = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, name__startswith="某某市第").order_by(
        "pk"
    )
    department = department.first()
    admin = Client()
    admin.force_login(fixtures.admin)

    def check(response) -> None:
        if "data-summary" not in response.content.decode():
            raise RuntimeError("the dashboard did not render its summary")

    benches = [
        Bench("season_progress", lambda i: admin.get("/season/", {"year": year.year}), check=check),
        Bench(
            "season_department",
            lambda i: admin.get("/season/", {"year": year.year, "department": department.pk}),
            check=check,
        ),
    ]
    wanted = [b for b in benches if only is None or b.name in only]
    return measure(wanted, count)
