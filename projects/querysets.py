from django.db import models
from django.db.models import Q


class PerformanceFormQuerySet(models.QuerySet):
    """The one place that decides which forms a user may see."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == "admin":
            return self.all()
        if user.organization_id is None:
            return self.none()
        if user.role == "filler":
            return self.filter(unit_id=user.organization_id)
        if user.role == "dept_reviewer":
            # Units under the department, and the department's own forms.
            return self.filter(Q(unit__parent_id=user.organization_id) | Q(unit_id=user.organization_id)).submitted()
        if user.role == "finance_reviewer":
            departments = user.assigned_departments.values("pk")
            return self.filter(Q(unit__parent__in=departments) | Q(unit__in=departments)).submitted()
        return self.none()

    def submitted(self):
        """Forms that have reached a reviewer at least once.

        A draft stays private to its unit until first submitted; a withdrawn one
        stays in sight, so a reviewer who acts on it a moment late gets told why.
        """
        return self.exclude(status="draft", submitted_at__isnull=True)

    def editable_by(self, user):
        """Forms whose content the user may change: fillers, own unit only."""
        if not user.is_authenticated or user.role != "filler" or user.organization_id is None:
            return self.none()
        return self.filter(unit_id=user.organization_id)

    def awaiting(self, user):
        """Forms whose next step is this user's decision."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == "admin":
            return self.filter(status__in=["submitted", "dept_approved"])
        if user.role == "dept_reviewer" and user.organization_id:
            return self.filter(
                Q(unit__parent_id=user.organization_id) | Q(unit_id=user.organization_id), status="submitted"
            )
        if user.role == "finance_reviewer":
            departments = user.assigned_departments.values("pk")
            return self.filter(Q(unit__parent__in=departments) | Q(unit__in=departments), status="dept_approved")
        return self.none()
