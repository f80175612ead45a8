from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from indicators.models import FormKind

from .accounts.models import Organization, User
from .models import Action, PerformanceForm, Status


def is_filler(user) -> bool:
    """A unit's (or department's) filler: their forms are "我的绩效目标表"."""
    return user.is_authenticated and user.role == User.Role.FILLER


def is_reviewer(user) -> bool:
    """Reviewers of either step and admins: they work a queue rather than fill forms."""
    return user.is_authenticated and (
        user.is_admin or user.role in (User.Role.DEPT_REVIEWER, User.Role.FINANCE_REVIEWER)
    )


def require_reviewer(user) -> None:
    """Fillers never approve or return; scope and state are the service's to check."""
    if not is_reviewer(user):
        raise PermissionDenied(_("只有审核人可以审核绩效目标表。"))


def can_administer(user) -> bool:
    """Who gets into the Django admin (系统管理): staff, as Django itself decides."""
    return user.is_active and user.is_staff


def can_exchange(user) -> bool:
    """管理员: onboarding organizations and users, and the 一体化 exchange."""
    return user.is_active and user.is_authenticated and user.is_admin


def can_create(user, kind: str = FormKind.PROJECT) -> bool:
    """Fillers of a unit or department file project forms; only a department files its overall form."""
    if not (is_filler(user) and user.organization_id is not None):
        return False
    if kind == FormKind.DEPARTMENT:
        return user.organization.kind == Organization.Kind.DEPARTMENT
    return user.organization.kind in (Organization.Kind.UNIT, Organization.Kind.DEPARTMENT)


def can_edit(user, perf_form: PerformanceForm) -> bool:
    """Content edits: the form's own unit, while the form is a draft or returned."""
    return is_filler(user) and user.organization_id == perf_form.unit_id and perf_form.is_editable


def can_submit(user, perf_form: PerformanceForm) -> bool:
    return can_edit(user, perf_form)


def can_withdraw(user, perf_form: PerformanceForm) -> bool:
    """The unit may take back a submission no reviewer has acted on yet."""
    if not (
        is_filler(user)
        and user.organization_id == perf_form.unit_id
        and perf_form.status in (Status.SUBMITTED, Status.DEPT_APPROVED)
    ):
        return False
    last = perf_form.events.order_by("-created_at", "-pk").values_list("action", flat=True).first()
    return last == Action.SUBMIT


def can_review(user, perf_form: PerformanceForm) -> bool:
    """Whether the form's current step is this user's to approve or return."""
    return PerformanceForm.objects.awaiting(user).filter(pk=perf_form.pk).exists()


def get_form_or_404(user, pk, *, for_edit: bool = False) -> PerformanceForm:
    """Fetch a form through the user's scope; anything outside it is a 404."""
    queryset = PerformanceForm.objects.editable_by(user) if for_edit else PerformanceForm.objects.visible_to(user)
    try:
        return queryset.select_related("unit__parent", "year", "framework").get(pk=pk)
    except (PerformanceForm.DoesNotExist, ValueError, TypeError):
        raise Http404(_("没有找到这张绩效目标表，或您无权查看。")) from None
