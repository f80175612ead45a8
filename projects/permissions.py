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
    """Who administers (系统管理, the Django admin): the 管理员 role is all it takes.

    projects.accounts.roles keeps is_staff and the 管理员 group in step with the role, so the
    admin site lets exactly these users in.
    """
    return user.is_authenticated and user.is_active and user.is_admin


def can_view_audit(user) -> bool:
    """The audit log (操作日志) is the administrators'."""
    return can_administer(user)


def can_publish_announcements(user) -> bool:
    """通知公告 come from the administrators."""
    return can_administer(user)


def can_exchange(user) -> bool:
    """Onboarding organizations and users, and the 一体化 exchange, are the administrators'."""
    return can_administer(user)


def can_create(user, kind: str = FormKind.PROJECT) -> bool:
    """Fillers of a unit or department file project forms; only a department files its overall form."""
    if not (is_filler(user) and user.organization_id is not None):
        return False
    if kind == FormKind.DEPARTMENT:
        return user.organization.kind == Organization.Kind.DEPARTMENT
    return user.organization.kind in (Organization.Kind.UNIT, Organization.Kind.DEPARTMENT)


def can_carry_over(user, perf_form: PerformanceForm) -> bool:
    """引用上年: a filler bases a new draft on any earlier form of their own unit, of a kind they may file."""
    return can_create(user, perf_form.kind) and user.organization_id == perf_form.unit_id


def can_carry_over_year(user) -> bool:
    """Rolling a whole year over (结转上年) is an administrator's act."""
    return user.is_authenticated and user.is_active and user.is_admin


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


def can_reopen(user, perf_form: PerformanceForm) -> bool:
    """The finance bureau (its reviewers in scope, and admins) may reopen a form graded 差."""
    if perf_form.status != Status.REJECTED or not user.is_authenticated:
        return False
    if not (user.is_admin or user.role == User.Role.FINANCE_REVIEWER):
        return False
    return PerformanceForm.objects.visible_to(user).filter(pk=perf_form.pk).exists()


def get_form_or_404(user, pk, *, for_edit: bool = False) -> PerformanceForm:
    """Fetch a form through the user's scope; anything outside it is a 404."""
    queryset = PerformanceForm.objects.editable_by(user) if for_edit else PerformanceForm.objects.visible_to(user)
    try:
        return queryset.select_related("unit__parent", "year", "framework").get(pk=pk)
    except (PerformanceForm.DoesNotExist, ValueError, TypeError):
        raise Http404(_("没有找到这张绩效目标表，或您无权查看。")) from None


# -- the season (projects/season): 年度设置, 填报进度, 催报, reopening ------------------------------


def can_manage_season(user) -> bool:
    """年度设置 (open a year, its window and deadlines, the 项目库 list): admins."""
    return user.is_authenticated and user.is_active and user.is_admin


def can_view_progress(user) -> bool:
    """填报进度: admins and finance reviewers for every department, a 主管部门's reviewers for its units."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_admin or user.role == User.Role.FINANCE_REVIEWER:
        return True
    return user.role == User.Role.DEPT_REVIEWER and user.organization_id is not None


def progress_departments(user) -> list[int] | None:
    """The departments whose progress the user sees: None for all, else their pks (a 主管部门 its own)."""
    if not can_view_progress(user):
        return []
    if user.is_admin or user.role == User.Role.FINANCE_REVIEWER:
        return None
    return [user.organization_id]


def urge_departments(user) -> set[int] | None:
    """Whose units the user may send a 催报 to: None for all (admins), else department pks — a
    主管部门's reviewers their own, a finance reviewer the departments assigned to them."""
    if not can_view_progress(user):
        return set()
    if user.is_admin:
        return None
    if user.role == User.Role.FINANCE_REVIEWER:
        return set(user.assigned_departments.values_list("pk", flat=True))
    return {user.organization_id}


def can_urge(user, department_pk: int | None) -> bool:
    """催报 to the units of this department (for many units, check them against urge_departments once)."""
    scope = urge_departments(user)
    return scope is None or department_pk in scope


def can_reopen_unit(user) -> bool:
    """Letting a late unit submit again is the finance bureau's decision (its reviewers and admins)."""
    return user.is_authenticated and user.is_active and (user.is_admin or user.role == User.Role.FINANCE_REVIEWER)


# --- The indicator library (指标库) ---------------------------------------------------------------


def can_manage_common_library(user) -> bool:
    """共性 entries are the finance bureau's: its administrators maintain them."""
    return user.is_authenticated and user.is_active and user.is_admin


def can_manage_department_library(user) -> bool:
    """A 主管部门's reviewer maintains the department's 个性 entries."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == User.Role.DEPT_REVIEWER
        and user.organization_id is not None
        and user.organization.kind == Organization.Kind.DEPARTMENT
    )


def can_manage_library(user) -> bool:
    return can_manage_common_library(user) or can_manage_department_library(user)


def can_edit_library_entry(user, entry) -> bool:
    """Admins edit every entry; a department reviewer only the 个性 entries of their department."""
    if can_manage_common_library(user):
        return True
    return can_manage_department_library(user) and entry.owner_id is not None and entry.owner_id == user.organization_id


def can_view_review_stats(user) -> bool:
    """审核统计: reviewers and admins; each sees the departments of its scope (querysets.visible_to)."""
    return is_reviewer(user)


def can_download_opinion(user, perf_form: PerformanceForm) -> bool:
    """The 审核意见书: whoever sees the form (the unit, its reviewers), once it has a scorecard."""
    return PerformanceForm.objects.visible_to(user).filter(pk=perf_form.pk, scorecards__isnull=False).exists()


def shows_department_column(user) -> bool:
    """A department reviewer's queue holds only its own department's forms: the column would repeat it."""
    return not (user.is_authenticated and user.role == User.Role.DEPT_REVIEWER and not user.is_admin)
