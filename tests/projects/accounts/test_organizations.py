"""The organization tree: kinds, parents, names."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.accounts.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_organization_unit_without_department_invalid(db):
    unit = Organization(name="孤立单位", kind=Organization.Kind.UNIT)
    with pytest.raises(ValidationError):
        unit.full_clean()


def test_organization_department_of_unit_is_parent(unit_a, department):
    assert unit_a.department == department
    assert department.department == department


def test_organization_name_unique(department):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name=department.name, kind=Organization.Kind.DEPARTMENT)


def test_factory_unit_default_parent_is_department(db):
    assert OrganizationFactory().parent.kind == Organization.Kind.DEPARTMENT


def test_organization_code_unique_where_given(department):
    Organization.objects.create(name="甲", kind=Organization.Kind.DEPARTMENT, code="")
    Organization.objects.create(name="乙", kind=Organization.Kind.DEPARTMENT, code="")
    Organization.objects.create(name="丙", kind=Organization.Kind.DEPARTMENT, code="430424001")
    clash = Organization(name="丁", kind=Organization.Kind.DEPARTMENT, code="430424001")
    with pytest.raises(ValidationError, match="该单位代码已被其他单位使用"):
        clash.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_organization_admin_shows_and_searches_the_code(admin_client, department):
    department.code = "430424001"
    department.save()
    page = admin_client.get("/admin/accounts/organization/?q=430424001").content.decode()
    assert "430424001" in page and department.name in page
