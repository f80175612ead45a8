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
