import pytest

from projects.choices import Status
from projects.suggest import engine, services
from projects.suggest.choices import Origin
from tests.factories import IndicatorFactory, OrganizationFactory, PerformanceFormFactory


@pytest.fixture(autouse=True)
def fresh_indexes():
    """Each test sees its own database: no index cached from another test's rows."""
    engine.forget_indexes()
    yield
    engine.forget_indexes()


@pytest.fixture
def make_reference(year, department):
    """make_reference(name, rows, origin=APPROVED, unit=…, overview=…) -> a reference form of another unit."""

    def make(name, rows, *, origin=Origin.APPROVED, unit=None, overview="", basis="", status=Status.APPROVED, **kw):
        unit = unit or OrganizationFactory(name=f"{name}单位", parent=department)
        perf_form = PerformanceFormFactory(
            unit=unit,
            year=kw.pop("fiscal_year", year),
            project_name=name,
            overview=overview,
            basis=basis,
            status=status,
        )
        for position, (level1, level2, level3, value) in enumerate(rows):
            IndicatorFactory(
                perf_form=perf_form, level1=level1, level2=level2, level3=level3, value=value, position=position
            )
        services.record(perf_form, origin)
        return perf_form

    return make
