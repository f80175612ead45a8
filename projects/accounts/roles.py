"""The 管理员 role is all it takes to administer: is_staff and the 管理员 group follow the role.

Nobody ticks staff or permission boxes by hand. A user saved with role ADMIN (or a superuser) is
staff and a member of the group "管理员", which holds every model permission of the project's apps
(ADMIN_APPS); any other role loses both. The group's permissions are (re)set after every
`migrate` (post_migrate, connected in projects.notices.apps), so a model added later is covered.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from .models import User

ADMIN_GROUP_NAME = _("管理员")
# The apps an administrator maintains in the Django admin: organizations and users, years and forms,
# the indicator frameworks and library, review templates, the season, notices, login lockouts, the task queue.
# Not auth: groups and permissions stay the superuser's.
ADMIN_APPS = ("accounts", "projects", "indicators", "reviews", "season", "notices", "axes", "django_tasks_database")


def admin_group() -> Group:
    """The 管理员 group with every model permission of ADMIN_APPS (created when missing)."""
    group, created = Group.objects.get_or_create(name=str(ADMIN_GROUP_NAME))
    if created:
        group.permissions.set(admin_permissions())
    return group


def admin_permissions():
    return Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)


def refresh_admin_group(**kwargs) -> None:
    """post_migrate: give the group the permissions of models added since."""
    admin_group().permissions.set(admin_permissions())


def administers(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.ADMIN


def _touches_access(update_fields) -> bool:
    return update_fields is None or bool({"role", "is_superuser", "is_staff"} & set(update_fields))


@receiver(pre_save, sender=User)
def sync_staff(sender, instance: User, update_fields=None, **kwargs) -> None:
    if _touches_access(update_fields):
        instance.is_staff = administers(instance)


def sync_admin_group(user: User) -> None:
    """The user is in the 管理员 group exactly when they administer.

    Called after every save, and by the user admin after it saved the form's groups (which would
    otherwise replace the membership just given).
    """
    if administers(user):
        user.groups.add(admin_group())
    else:
        user.groups.remove(*Group.objects.filter(name=str(ADMIN_GROUP_NAME)))


@receiver(post_save, sender=User)
def sync_admin_group_on_save(sender, instance: User, update_fields=None, raw=False, **kwargs) -> None:
    if not raw and _touches_access(update_fields):
        sync_admin_group(instance)
