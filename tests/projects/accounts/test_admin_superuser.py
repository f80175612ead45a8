"""A 管理员 administers people but never a superuser; a password typed in the admin is changed at next sign-in."""

import pytest
from django.urls import reverse

from projects.accounts.models import User
from projects.choices import AuditAction
from projects.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def role_admin(client, finance_bureau):
    user = UserFactory(username="role_admin", organization=finance_bureau, role=User.Role.ADMIN)
    user.is_staff = True
    user.save()
    from projects.accounts import roles

    roles.sync_admin_group(user)
    client.force_login(user)
    return user


def test_role_admin_cannot_change_a_superusers_password(client, role_admin):
    root = UserFactory(username="root", organization=None, is_superuser=True, is_staff=True)
    before = User.objects.get(pk=root.pk).password
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = client.post(url, {"password1": "another-Secret-42", "password2": "another-Secret-42"})
    assert response.status_code in (403, 404)
    assert User.objects.get(pk=root.pk).password == before


def test_role_admin_reset_action_skips_superusers(client, role_admin):
    root = UserFactory(username="root", organization=None, is_superuser=True, is_staff=True)
    before = User.objects.get(pk=root.pk).password
    client.post(reverse("admin:accounts_user_changelist"), {"action": "reset_passwords", "_selected_action": [root.pk]})
    assert User.objects.get(pk=root.pk).password == before


def test_password_typed_in_the_admin_must_be_changed_and_is_logged(client, role_admin, filler):
    url = reverse("admin:auth_user_password_change", args=[filler.pk])
    response = client.post(url, {"password1": "Typed-by-admin-77", "password2": "Typed-by-admin-77"})
    assert response.status_code == 302
    filler.refresh_from_db()
    assert filler.must_change_password and filler.check_password("Typed-by-admin-77")
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_RESET, unit=filler.organization).count() == 1
