from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from perfgoals.admin_site import ChinesePermissionsMixin

from . import passwords, roles
from .models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, BaseUserAdmin):
    list_display = ["username", "first_name", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("绩效目标管理"), {"fields": ["role", "organization", "assigned_departments", "must_change_password"]}),
    )
    filter_horizontal = ["assigned_departments", "groups", "user_permissions"]
    autocomplete_fields = ["organization"]
    actions = ["reset_passwords"]
    # Staff status and the 管理员 group follow the role (projects.accounts.roles): nothing to tick.
    readonly_fields = ["is_staff", "last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        # Only a superuser changes a superuser (its password page included): a 管理员 who could would
        # sign in as one and hand out every permission.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A 管理员 administers people but cannot make anyone (themselves included) superuser or hand out
        # permissions beyond the role's: only a superuser can.
        extra = [] if request.user.is_superuser else ["is_superuser", "groups", "user_permissions"]
        return [*super().get_readonly_fields(request, obj), *extra]

    def save_model(self, request, obj, form, change):
        # The administrator typed the first password: its owner replaces it at the first sign-in.
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        # A password typed on the admin's password page is the administrator's: its owner replaces it.
        if request.method == "POST" and response.status_code == 302:
            passwords.record_admin_set_password(User.objects.get(pk=id), by=request.user)
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        roles.sync_admin_group(form.instance)

    @admin.action(description=_("重置密码（生成新密码，下次登录须修改）"), permissions=["change"])
    def reset_passwords(self, request, queryset):
        """Each selected user gets a generated password, shown on the page that follows and nowhere else."""
        if not request.user.is_superuser:
            queryset = queryset.exclude(is_superuser=True)
        users = list(queryset.select_related("organization").order_by("username")[: passwords.RESET_MAX_USERS + 1])
        if len(users) > passwords.RESET_MAX_USERS:
            message = gettext("一次最多重置 %(n)s 个用户的密码，请分批选择。") % {"n": passwords.RESET_MAX_USERS}
            self.message_user(request, message, messages.ERROR)
            return None
        issued = [(user, passwords.reset_password(user, by=request.user)) for user in users]
        context = {**self.admin_site.each_context(request), "title": _("新密码"), "issued": issued, "opts": self.opts}
        return TemplateResponse(request, "admin/accounts/user/passwords_issued.html", context)
