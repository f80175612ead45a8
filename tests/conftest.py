import pytest

from projects.accounts.models import Organization, User

from .factories import FiscalYearFactory, OrganizationFactory, PerformanceFormFactory, UserFactory, complete_form


@pytest.fixture
def department(db):
    return OrganizationFactory(name="测试主管部门", kind=Organization.Kind.DEPARTMENT, parent=None)


@pytest.fixture
def unit_a(department):
    return OrganizationFactory(name="甲单位", parent=department)


@pytest.fixture
def unit_b(department):
    return OrganizationFactory(name="乙单位", parent=department)


@pytest.fixture
def year(db):
    return FiscalYearFactory(year=2020)


@pytest.fixture
def filler(unit_a):
    """A unit filler of 甲单位."""
    return UserFactory(username="filler", organization=unit_a, role=User.Role.FILLER)


@pytest.fixture
def outsider(unit_b):
    """A filler of another unit (乙单位) under the same department."""
    return UserFactory(username="outsider", organization=unit_b, role=User.Role.FILLER)


@pytest.fixture
def perf_form(unit_a, year):
    return PerformanceFormFactory(unit=unit_a, year=year)


@pytest.fixture
def filler_client(client, filler):
    client.force_login(filler)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def finance_bureau(db):
    return OrganizationFactory(name="财政局", kind=Organization.Kind.FINANCE, parent=None)


@pytest.fixture
def dept_reviewer(department):
    return UserFactory(username="dept_reviewer", organization=department, role=User.Role.DEPT_REVIEWER)


@pytest.fixture
def other_department(finance_bureau):
    return OrganizationFactory(name="另一主管部门", kind=Organization.Kind.DEPARTMENT, parent=finance_bureau)


@pytest.fixture
def other_dept_reviewer(other_department):
    return UserFactory(username="other_dept_reviewer", organization=other_department, role=User.Role.DEPT_REVIEWER)


@pytest.fixture
def finance_reviewer(finance_bureau, department):
    user = UserFactory(username="finance_reviewer", organization=finance_bureau, role=User.Role.FINANCE_REVIEWER)
    user.assigned_departments.set([department])
    return user


@pytest.fixture
def other_finance_reviewer(finance_bureau, other_department):
    user = UserFactory(username="other_finance", organization=finance_bureau, role=User.Role.FINANCE_REVIEWER)
    user.assigned_departments.set([other_department])
    return user


@pytest.fixture
def admin_user(finance_bureau):
    return UserFactory(
        username="admin", organization=finance_bureau, role=User.Role.ADMIN, is_staff=True, is_superuser=True
    )


@pytest.fixture
def ready_form(unit_a, year, dept_reviewer):
    """A complete draft of 甲单位 that passes every error rule."""
    return complete_form(unit=unit_a, year=year)
