"""Generated passwords, the administrator's reset, and the reset-by-e-mail message sent from the queue."""

import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from ..choices import AuditAction
from ..services import audit
from .models import User

# Letters and digits people can read aloud and type from a printout: no 0/O, 1/l/I.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12
# An administrator resets at most this many passwords at once (the page shows each once).
RESET_MAX_USERS = 100


def generate_password(length: int = GENERATED_LENGTH) -> str:
    """A random password with a digit and letters of both cases (it passes the validators)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.isdigit() for c in password)
            and any(c.islower() for c in password)
            and any(c.isupper() for c in password)
        ):
            return password


@transaction.atomic
def reset_password(user: User, *, by: User) -> str:
    """A new generated password for `user`, to be changed at the next sign-in; returns it (shown once)."""
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        AuditAction.PASSWORD_RESET,
        by=by,
        unit=user.organization,
        summary=_("重置 %(user)s（%(username)s）的密码，须在下次登录时修改")
        % {"user": user.display_name(), "username": user.username},
        detail={"user": user.pk, "username": user.username},
    )
    return password


def record_admin_set_password(user: User, *, by: User) -> None:
    """An administrator typed a new password for `user` (the admin's password page): changed at next sign-in."""
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    audit.record(
        AuditAction.PASSWORD_RESET,
        by=by,
        unit=user.organization,
        summary=_("管理员为 %(user)s（%(username)s）设置了新密码，须在下次登录时修改")
        % {"user": user.display_name(), "username": user.username},
        detail={"user": user.pk, "username": user.username, "typed": True},
    )


def password_chosen(user: User) -> None:
    """The user set a password of their own: no more forced change (called by the change and reset forms)."""
    user.must_change_password = False


def queue_reset_email(user: User) -> None:
    """The reset link goes out from the task queue; the token is made there, so the queue never stores one."""
    transaction.on_commit(lambda: send_password_reset_email.enqueue(user.pk))


@task()
def send_password_reset_email(user_pk: int) -> None:
    user = User.objects.filter(pk=user_pk, is_active=True).exclude(email="").first()
    if user is None:
        return
    context = {
        "user": user,
        "site_url": settings.PERFGOALS_SITE_URL,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = "".join(loader.render_to_string("registration/password_reset_subject.txt", context).splitlines())
    body = loader.render_to_string("registration/password_reset_email.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
