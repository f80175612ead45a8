"""What each step of the workflow is called where people read it: the detail page's status line
and the message after a decision. One place, so that a step is named the same everywhere
(the finance bureau 批复, the 主管部门 初审; issue #16: "批复通过" was answered "已审核通过")."""

from django.utils.translation import gettext_lazy as _

from ..models import Status
from ..permissions import is_filler

# The unit's view of its own form: where it stands and what the unit does next.
UNIT_STEPS = {
    Status.DRAFT: _("草稿：填写完整后提交，由主管部门初审。"),
    Status.SUBMITTED: _("已提交，等待主管部门初审。审核人处理之前可以撤回修改。"),
    Status.DEPT_APPROVED: _("主管部门初审已通过，等待财政局复审批复。"),
    Status.APPROVED: _("财政局已批复通过，表格只读。"),
    Status.RETURNED: _("已退回：请按退回理由修改后重新提交。"),
    Status.REJECTED: _("审核评定为“差”，本年度不予通过；如需重新申报，请联系财政局重新开放。"),
}
# A reviewer's view, when the step is not (or no longer) theirs.
REVIEWER_STEPS = {
    Status.DRAFT: _("单位已撤回，正在修改；重新提交后再审核。"),
    Status.SUBMITTED: _("已提交，等待主管部门初审。"),
    Status.DEPT_APPROVED: _("主管部门初审已通过，等待财政局复审批复。"),
    Status.APPROVED: _("财政局已批复通过。"),
    Status.RETURNED: _("已退回单位修改，单位重新提交后再审核。"),
    Status.REJECTED: _("本年度不予通过；财政局可以重新开放。"),
}
# When the current step is the viewer's own.
YOUR_STEP = {
    Status.SUBMITTED: _("轮到您初审：评分后通过（报财政局）或退回。"),
    Status.DEPT_APPROVED: _("轮到您复审：评分后批复通过或退回。"),
}
# After an approval, by the status it led to.
APPROVED_MESSAGES = {
    Status.DEPT_APPROVED: _("初审已通过，已报财政局复审。"),
    Status.APPROVED: _("已批复通过。"),
}


def step_note(perf_form, user, *, reviews_now: bool) -> str:
    """The detail page's line under the status badge, for the unit or for a reviewer.

    The unit is its fillers: a department's reviewer shares the department's organization
    with the fillers of its own form, and reads the reviewer's wording."""
    if reviews_now and perf_form.status in YOUR_STEP:
        return str(YOUR_STEP[perf_form.status])
    is_unit = is_filler(user) and user.organization_id == perf_form.unit_id
    steps = UNIT_STEPS if is_unit else REVIEWER_STEPS
    return str(steps.get(perf_form.status, ""))
