"""Password change (forced at first sign-in and after an administrator's reset) and reset by e-mail."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from perfgoals.lockout import client_ip

from . import passwords

RATE_WINDOW_SECONDS = 3600


class ChosenPasswordMixin:
    """A password the user typed twice ends the forced change; it must not be the current one."""

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError(_("新密码不能与当前密码相同。"), code="password_unchanged")
        return password

    def save(self, commit=True):
        passwords.password_chosen(self.user)
        return super().save(commit)


class PasswordChangeForm(ChosenPasswordMixin, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(ChosenPasswordMixin, auth_forms.SetPasswordForm):
    pass


def _over_limit(key: str) -> bool:
    """Count one more request under `key`; True past PERFGOALS_PASSWORD_RESET_PER_HOUR in the window."""
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.PERFGOALS_PASSWORD_RESET_PER_HOUR


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, answering the same whether or not the address exists, with limits and a queued mail."""

    email = forms.EmailField(
        label=_("电子邮箱"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        address = client_ip(self.request) if self.request is not None else None
        if address and _over_limit(f"password-reset:ip:{address}"):
            raise forms.ValidationError(_("重置密码的请求过于频繁，请一小时后再试。"), code="rate_limited")
        return cleaned

    def save(self, **kwargs):
        email = self.cleaned_data["email"]
        # Per address too, silently: a flood at one mailbox is stopped without telling whether it exists.
        digest = hashlib.sha256(email.lower().encode()).hexdigest()
        if _over_limit(f"password-reset:email:{digest}"):
            return
        for user in self.get_users(email):
            passwords.queue_reset_email(user)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        form.save()
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
