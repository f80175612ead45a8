from django.db import models
from django.db.models import Q

from .accounts.choices import OrganizationKind, Role
from .choices import Status


def _review_scope(user) -> Q | None:
    """Forms a reviewer's role covers (whatever their status); None when the role covers none."""
    if user.role == Role.DEPT_REVIEWER and user.organization_id:
        # Units under the department, and the department's own forms.
        return Q(unit__parent_id=user.organization_id) | Q(unit_id=user.organization_id)
    if user.role == Role.FINANCE_REVIEWER:
        departments = user.assigned_departments.values("pk")
        return Q(unit__parent__in=departments) | Q(unit__in=departments)
    return None


def _is_admin(user) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def awaiting_statuses(user) -> tuple[str, ...]:
    """The statuses in which a form in the user's scope waits for this user's decision."""
    if not user.is_authenticated or not user.is_active:
        return ()
    if _is_admin(user):
        return (Status.SUBMITTED, Status.DEPT_APPROVED)
    if user.role == Role.DEPT_REVIEWER:
        return (Status.SUBMITTED,)
    if user.role == Role.FINANCE_REVIEWER:
        return (Status.DEPT_APPROVED,)
    return ()


class PerformanceFormQuerySet(models.QuerySet):
    """The one place that decides which forms a user may see."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if _is_admin(user):
            return self.all()
        if user.organization_id is None:
            return self.none()
        if user.role == Role.FILLER:
            return self.filter(unit_id=user.organization_id)
        scope = _review_scope(user)
        return self.none() if scope is None else self.filter(scope).submitted()

    def submitted(self):
        """Forms that have reached a reviewer at least once.

        A draft stays private to its unit until first submitted; a withdrawn one
        stays in sight, so a reviewer who acts on it a moment late gets told why.
        """
        return self.exclude(status=Status.DRAFT, submitted_at__isnull=True)

    def editable_by(self, user):
        """Forms whose content the user may change: fillers, own unit only."""
        if not user.is_authenticated or user.role != Role.FILLER or user.organization_id is None:
            return self.none()
        return self.filter(unit_id=user.organization_id)

    def awaiting(self, user):
        """Forms whose next step is this user's decision."""
        statuses = awaiting_statuses(user)
        if not statuses:
            return self.none()
        if _is_admin(user):
            return self.filter(status__in=statuses)
        scope = _review_scope(user)
        return self.none() if scope is None else self.filter(scope, status__in=statuses)


class OrganizationQuerySet(models.QuerySet):
    def in_scope_of(self, user):
        """Departments and units whose forms the user may see, read off the organization tree."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if _is_admin(user):
            return self.exclude(kind=OrganizationKind.FINANCE)
        if user.role == Role.FILLER:
            return self.filter(pk=user.organization_id)
        if user.role == Role.DEPT_REVIEWER and user.organization_id:
            return self.filter(Q(parent_id=user.organization_id) | Q(pk=user.organization_id))
        if user.role == Role.FINANCE_REVIEWER:
            departments = user.assigned_departments.values("pk")
            return self.filter(Q(parent__in=departments) | Q(pk__in=departments))
        return self.none()
