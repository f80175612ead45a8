"""Workflow notifications: the unit hears of returns and approvals, the next step's reviewers of arrivals."""

import pytest
from django.core import mail
from django.db import transaction

from projects import services
from projects.accounts.models import User
from projects.models import Action
from projects.notices.models import NoticeKind, Notification
from projects.reviews.choices import Grade
from projects.reviews.models import Scorecard
from tests.factories import UserFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db


def received(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "title"))


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service as if its transaction committed (the notifications are sent after commit)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def test_submit_notifies_the_department_reviewers_only(commit, ready_form, filler, dept_reviewer, other_dept_reviewer):
    commit(services.submit, perf_form=ready_form, by=filler)

    assert [kind for kind, _title in received(dept_reviewer)] == [NoticeKind.TO_REVIEW]
    assert ready_form.unit.name in received(dept_reviewer)[0][1]
    assert received(other_dept_reviewer) == [] and received(filler) == []


def test_department_approval_tells_the_unit_and_the_assigned_finance_reviewer(
    commit, ready_form, filler, dept_reviewer, finance_reviewer, other_finance_reviewer
):
    commit(services.submit, perf_form=ready_form, by=filler)
    commit(services.approve, perf_form=ready_form, by=dept_reviewer, comment="同意报送")

    assert received(filler) == [(NoticeKind.APPROVED, f"2020 年《{ready_form.title}》已通过主管部门审核")]
    assert "同意报送" in Notification.objects.get(recipient=filler).body
    assert [kind for kind, _title in received(finance_reviewer)] == [NoticeKind.TO_REVIEW]
    assert received(other_finance_reviewer) == []


def test_without_an_assigned_finance_reviewer_the_admins_hear_not_reviewers_who_cannot_open_it(
    commit, ready_form, filler, dept_reviewer, finance_bureau, admin_user
):
    unassigned = [
        UserFactory(username=f"finance{n}", organization=finance_bureau, role=User.Role.FINANCE_REVIEWER)
        for n in (1, 2)
    ]
    commit(services.submit, perf_form=ready_form, by=filler)
    commit(services.approve, perf_form=ready_form, by=dept_reviewer)

    assert received(admin_user)
    assert not any(received(user) for user in unassigned)


def test_return_tells_the_fillers_with_the_reason_and_mails_them(commit, ready_form, filler, dept_reviewer):
    filler.email = "filler@example.cn"
    filler.save()
    colleague = UserFactory(username="colleague", organization=ready_form.unit, email="")
    commit(services.submit, perf_form=ready_form, by=filler)
    commit(services.return_form, perf_form=ready_form, by=dept_reviewer, reason="请补充产出指标的数量。")

    for user in (filler, colleague):
        notice = Notification.objects.get(recipient=user, kind=NoticeKind.RETURNED)
        assert "请补充产出指标的数量。" in notice.body and notice.url == ready_form.get_absolute_url()
        assert notice.sender_name == dept_reviewer.display_name()
    run_worker()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["filler@example.cn"], f"2020 年《{ready_form.title}》被退回修改")
    ]


def test_approval_quotes_the_scorecard_of_that_decision(commit, ready_form, filler, dept_reviewer, year):
    from projects.reviews import services as reviews
    from projects.reviews.seed import seed_templates
    from tests.projects.reviews.conftest import scores_at

    commit(services.submit, perf_form=ready_form, by=filler)
    seed_templates([year])
    # Every item at 85% of its points: 良, which passes with a required 修改完善意见.
    commit(
        reviews.decide,
        perf_form=ready_form,
        by=dept_reviewer,
        scores=scores_at(ready_form, "0.85"),
        opinion="满意度指标请写明调查方式。",
    )

    card = Scorecard.objects.get(perf_form=ready_form)
    assert card.grade == Grade.GOOD and card.event.action == Action.DEPT_APPROVE
    body = Notification.objects.get(recipient=filler).body
    assert f"综合评定：良（{card.total} 分）" in body and "修改完善意见：满意度指标请写明调查方式。" in body


def test_a_rolled_back_transition_notifies_nobody(
    django_capture_on_commit_callbacks, ready_form, filler, dept_reviewer
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.submit(perf_form=ready_form, by=filler)
            raise RuntimeError("rolled back")

    assert not Notification.objects.exists()


def test_withdraw_notifies_nobody(commit, ready_form, filler, dept_reviewer):
    commit(services.submit, perf_form=ready_form, by=filler)
    commit(services.withdraw, perf_form=ready_form, by=filler)

    assert Notification.objects.count() == 1


def test_a_department_form_goes_straight_to_the_finance_reviewers(
    commit, department, year, finance_reviewer, dept_reviewer
):
    from tests.factories import complete_form

    department_filler = UserFactory(username="dept_filler", organization=department, role=User.Role.FILLER)
    own_form = complete_form(unit=department, year=year)

    commit(services.submit, perf_form=own_form, by=department_filler)

    assert [kind for kind, _title in received(finance_reviewer)] == [NoticeKind.TO_REVIEW]
    assert received(dept_reviewer) == []
