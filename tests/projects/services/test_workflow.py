import pytest
from django.urls import reverse

from projects import services
from projects.models import Action, FormEvent, PerformanceForm, RowComment, Status, Submission
from tests.factories import IndicatorFactory, UserFactory, complete_form

from ..helpers import HEADER, post_data

pytestmark = pytest.mark.django_db


def states(perf_form):
    return list(perf_form.events.values_list("action", "from_status", "to_status"))


def test_whole_path_submit_return_resubmit_approve(client, ready_form, filler, dept_reviewer, finance_reviewer):
    client.force_login(filler)
    assert client.post(reverse("projects:submit", args=[ready_form.pk])).status_code == 302
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED and ready_form.submitted_at is not None

    client.force_login(dept_reviewer)
    client.post(reverse("projects:approve", args=[ready_form.pk]), {"comment": "同意"})
    ready_form.refresh_from_db()
    assert ready_form.status == Status.DEPT_APPROVED

    client.force_login(finance_reviewer)
    page = client.get(reverse("projects:review", args=[ready_form.pk])).content.decode()
    assert "这是第一次提交" in page
    target = ready_form.indicators.get(level3="抽查企业数")
    client.post(
        reverse("projects:return", args=[ready_form.pk]),
        {"reason": "抽查企业数偏少，请按去年实际调整。", f"comment-{target.pk}": "至少60家"},
    )
    ready_form.refresh_from_db()
    assert ready_form.status == Status.RETURNED
    comment = RowComment.objects.get()
    assert comment.indicator == target and comment.comment == "至少60家"

    client.force_login(filler)
    edit_page = client.get(reverse("projects:edit", args=[ready_form.pk])).content.decode()
    assert "抽查企业数偏少" in edit_page and "至少60家" in edit_page
    rows = [
        {"id": r.pk, "level1": r.level1, "level2": r.level2, "level3": r.level3, "value": r.value}
        for r in ready_form.indicators.all()
    ]
    for row in rows:
        if row["level3"] == "抽查企业数":
            row["value"] = "=60家"
    header = {
        name: getattr(ready_form, name)
        for name in ["project_name", "category", "performance_type", "overview", "basis", "necessity"]
        + ["safeguards", "implementation_plan", "goals"]
    }
    header.update(
        planned_start="2020-01-01",
        planned_end="2020-12-31",
        gov_purchase="no",
        total_budget="517500",
        current_budget="517500",
        prev_budget="529000",
        prev_executed="529000",
    )
    data = post_data(rows, header=header, version=ready_form.version, initial_forms=len(rows))
    data["and_submit"] = "1"
    response = client.post(reverse("projects:edit", args=[ready_form.pk]), data)
    assert response.status_code == 302
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED

    client.force_login(dept_reviewer)
    client.post(reverse("projects:approve", args=[ready_form.pk]))
    client.force_login(finance_reviewer)
    page = client.get(reverse("projects:review", args=[ready_form.pk])).content.decode()
    assert "diff-changed" in page and "=60家" in page and "=50家" in page
    assert "diff-added" not in page and "diff-removed" not in page
    client.post(reverse("projects:approve", args=[ready_form.pk]))
    ready_form.refresh_from_db()
    assert ready_form.status == Status.APPROVED

    assert states(ready_form) == [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.DEPT_APPROVE, Status.SUBMITTED, Status.DEPT_APPROVED),
        (Action.RETURN, Status.DEPT_APPROVED, Status.RETURNED),
        (Action.SUBMIT, Status.RETURNED, Status.SUBMITTED),
        (Action.DEPT_APPROVE, Status.SUBMITTED, Status.DEPT_APPROVED),
        (Action.APPROVE, Status.DEPT_APPROVED, Status.APPROVED),
    ]
    snapshots = list(Submission.objects.filter(perf_form=ready_form).order_by("number"))
    assert [s.number for s in snapshots] == [1, 2]
    first_values = {r["level3"]: r["value"] for r in snapshots[0].data["rows"]}
    second_values = {r["level3"]: r["value"] for r in snapshots[1].data["rows"]}
    assert first_values["抽查企业数"] == "=50家" and second_values["抽查企业数"] == "=60家"
    assert snapshots[0].data["budget"]["total_budget"] == "517500.00"
    event = FormEvent.objects.get(action=Action.RETURN)
    assert event.actor_name == finance_reviewer.display_name() and event.actor_role == "finance_reviewer"


def test_event_keeps_actor_name_after_user_deleted(ready_form, filler):
    services.submit(perf_form=ready_form, by=filler)
    name = filler.display_name()
    filler.delete()
    event = FormEvent.objects.get()
    assert event.actor is None and event.actor_name == name


def test_event_is_append_only(ready_form, filler):
    services.submit(perf_form=ready_form, by=filler)
    event = FormEvent.objects.get()
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_submit_with_errors_refused_and_errors_shown(client, perf_form, filler):
    client.force_login(filler)
    response = client.post(reverse("projects:submit", args=[perf_form.pk]), follow=True)
    perf_form.refresh_from_db()
    assert perf_form.status == Status.DRAFT
    assert not FormEvent.objects.exists()
    assert "不能提交" in response.content.decode()


def test_submit_with_errors_via_service_lists_them(perf_form, filler):
    with pytest.raises(services.SubmitBlocked) as info:
        services.submit(perf_form=perf_form, by=filler)
    assert info.value.errors and all(w.severity == "error" for w in info.value.errors)


def test_submit_skips_department_step_without_reviewer(unit_a, year, filler):
    perf_form = services.submit(perf_form=complete_form(unit=unit_a, year=year), by=filler)
    assert perf_form.status == Status.DEPT_APPROVED


def test_submit_skips_department_step_for_department_itself(department, year, dept_reviewer):
    dept_filler = UserFactory(username="dept_filler", organization=department)
    perf_form = services.submit(perf_form=complete_form(unit=department, year=year), by=dept_filler)
    assert perf_form.status == Status.DEPT_APPROVED


def test_return_without_reason_refused(ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    with pytest.raises(services.TransitionError, match="理由"):
        services.return_form(perf_form=ready_form, by=dept_reviewer, reason="  不行 ")
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED


def test_return_reason_shown_in_my_forms(client, ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    services.return_form(perf_form=ready_form, by=dept_reviewer, reason="请补充满意度调查方法。")
    client.force_login(filler)
    page = client.get(reverse("projects:my_forms")).content.decode()
    assert "请补充满意度调查方法" in page and "按退回理由修改后重新提交" in page


def test_edit_while_submitted_refused(client, ready_form, filler):
    services.submit(perf_form=ready_form, by=filler)
    client.force_login(filler)
    response = client.post(reverse("projects:edit", args=[ready_form.pk]), post_data([], version=ready_form.version))
    assert response.status_code == 409
    ready_form.refresh_from_db()
    assert ready_form.overview == "项目概况" and ready_form.status == Status.SUBMITTED
    assert client.get(reverse("projects:edit", args=[ready_form.pk])).status_code == 302


def _submit_right_after_loading(monkeypatch, colleague):
    """The colleague submits between the editor loading the form and saving it (the service's lock sees it)."""
    from projects.views import editor as views

    load = views.get_form_or_404

    def load_then_colleague_submits(*args, **kwargs):
        perf_form = load(*args, **kwargs)
        services.submit(perf_form=PerformanceForm.objects.get(pk=perf_form.pk), by=colleague)
        return perf_form

    monkeypatch.setattr(views, "get_form_or_404", load_then_colleague_submits)


@pytest.mark.parametrize("during_save", [False, True], ids=["before-post", "during-save"])
def test_edit_after_colleague_submitted_keeps_typed_input(client, ready_form, filler, monkeypatch, during_save):
    colleague = UserFactory(username="colleague", organization=filler.organization)
    if during_save:
        _submit_right_after_loading(monkeypatch, colleague)
    else:
        services.submit(perf_form=ready_form, by=colleague)
    rows = [{"level1": "产出目标", "level2": "数量", "level3": "我新加的指标", "value": "=77个"}]
    data = post_data(rows, header=dict(HEADER, overview="我刚写的一大段概况"), version=ready_form.version)
    client.force_login(filler)
    response = client.post(reverse("projects:edit", args=[ready_form.pk]), data)

    page = response.content.decode()
    assert response.status_code == 409
    assert "不能再保存" in page and "已提交" in page
    assert "我刚写的一大段概况" in page and "我新加的指标" in page and 'value="=77个"' in page
    assert "保存草稿" not in page
    ready_form.refresh_from_db()
    assert ready_form.overview == "项目概况" and ready_form.indicators.count() == 5


def test_edit_after_approval_refused_even_for_admin(
    client, ready_form, filler, dept_reviewer, finance_reviewer, admin_user
):
    services.submit(perf_form=ready_form, by=filler)
    services.approve(perf_form=ready_form, by=dept_reviewer)
    services.approve(perf_form=ready_form, by=finance_reviewer)
    for user in (filler, admin_user):
        client.force_login(user)
        client.post(reverse("projects:edit", args=[ready_form.pk]), post_data([], version=ready_form.version))
        ready_form.refresh_from_db()
        assert ready_form.overview == "项目概况" and ready_form.indicators.count() == 5
    with pytest.raises(services.NotEditableError):
        services.save_form(perf_form=ready_form, by=filler, values={}, rows=[], expected_version=ready_form.version)
    with pytest.raises(services.TransitionError):
        services.return_form(perf_form=ready_form, by=admin_user, reason="管理员想改一下内容。")


def test_filler_cannot_approve(client, ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    client.force_login(filler)
    assert client.post(reverse("projects:approve", args=[ready_form.pk])).status_code == 403
    assert (
        client.post(reverse("projects:return", args=[ready_form.pk]), {"reason": "自己退回自己试试"}).status_code == 403
    )
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED


def test_finance_cannot_act_before_department(client, ready_form, filler, dept_reviewer, finance_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    client.force_login(finance_reviewer)
    client.post(reverse("projects:approve", args=[ready_form.pk]))
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED


def test_department_cannot_act_at_finance_step(ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    services.approve(perf_form=ready_form, by=dept_reviewer)
    with pytest.raises(services.TransitionError):
        services.approve(perf_form=ready_form, by=dept_reviewer)


def test_withdraw_before_review(ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    assert services.withdraw(perf_form=ready_form, by=filler).status == Status.DRAFT


def test_withdraw_after_review_refused(ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    services.approve(perf_form=ready_form, by=dept_reviewer)
    with pytest.raises(services.TransitionError, match="不能再撤回"):
        services.withdraw(perf_form=ready_form, by=filler)


def test_reviewer_acting_on_withdrawn_form_gets_message(client, ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    stale = PerformanceForm.objects.get(pk=ready_form.pk)
    services.withdraw(perf_form=ready_form, by=filler)
    with pytest.raises(services.TransitionError, match="撤回"):
        services.approve(perf_form=stale, by=dept_reviewer)
    client.force_login(dept_reviewer)
    response = client.post(reverse("projects:approve", args=[ready_form.pk]), follow=True)
    assert response.status_code == 200
    assert "可能刚被撤回" in response.content.decode()
    ready_form.refresh_from_db()
    assert ready_form.status == Status.DRAFT


def test_reviewer_cannot_edit_content(client, ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    client.force_login(dept_reviewer)
    assert client.get(reverse("projects:edit", args=[ready_form.pk])).status_code == 404
    assert client.post(reverse("projects:edit", args=[ready_form.pk]), post_data([], version=1)).status_code == 404


def test_queue_awaiting_first_and_filters(client, unit_a, unit_b, year, filler, dept_reviewer):
    waiting = complete_form(unit=unit_a, year=year, project_name="等待审核")
    services.submit(perf_form=waiting, by=filler)
    filler_b = UserFactory(username="filler_b", organization=unit_b)
    done = complete_form(unit=unit_b, year=year, project_name="已经审过")
    services.submit(perf_form=done, by=filler_b)
    services.approve(perf_form=done, by=dept_reviewer)
    complete_form(unit=unit_a, year=year, project_name="还是草稿")

    client.force_login(dept_reviewer)
    page = client.get(reverse("projects:queue")).content.decode()
    assert page.index("等待审核") < page.index("已经审过")
    assert "还是草稿" not in page
    filtered = client.get(reverse("projects:queue"), {"unit": unit_b.pk}).content.decode()
    assert "已经审过" in filtered and "等待审核" not in filtered
    by_status = client.get(reverse("projects:queue"), {"status": "submitted"}).content.decode()
    assert "等待审核" in by_status and "已经审过" not in by_status


def test_queue_query_count_does_not_grow(client, unit_a, year, filler, dept_reviewer, django_assert_max_num_queries):
    for i in range(3):
        services.submit(perf_form=complete_form(unit=unit_a, year=year, project_name=f"项目{i}"), by=filler)
    client.force_login(dept_reviewer)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("projects:queue"))
    for i in range(3, 30):
        services.submit(perf_form=complete_form(unit=unit_a, year=year, project_name=f"项目{i}"), by=filler)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("projects:queue"))


def test_review_page_query_count_bounded(client, ready_form, filler, dept_reviewer, django_assert_max_num_queries):
    for i in range(35):
        IndicatorFactory(perf_form=ready_form, level3=f"额外指标{i}")
    services.submit(perf_form=ready_form, by=filler)
    client.force_login(dept_reviewer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("projects:review", args=[ready_form.pk])).status_code == 200


def _posted_return(client, perf_form, reason, comments):
    data = {"reason": reason, **{f"comment-{pk}": text for pk, text in comments.items()}}
    response = client.post(reverse("projects:return", args=[perf_form.pk]), data, follow=True)
    # Post/redirect/get: refused or not, the browser ends on the review page, never on the POST URL.
    assert response.redirect_chain == [(reverse("projects:review", args=[perf_form.pk]), 302)]
    return response


def test_return_with_short_reason_keeps_reason_and_row_comments(client, ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    target = ready_form.indicators.get(level3="抽查企业数")
    client.force_login(dept_reviewer)
    response = _posted_return(client, ready_form, "太少", {target.pk: "请写明抽查比例"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "退回必须写明理由" in page
    assert ">太少</textarea>" in page
    assert f'name="comment-{target.pk}" id="comment-{target.pk}" value="请写明抽查比例"' in page
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED and not RowComment.objects.exists()


def test_return_after_withdraw_keeps_reason_and_row_comments(client, ready_form, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    services.withdraw(perf_form=ready_form, by=filler)
    target = ready_form.indicators.get(level3="报告合格率")
    client.force_login(dept_reviewer)
    response = _posted_return(client, ready_form, "请补充质量指标的计算口径。", {target.pk: "合格率口径不清"})

    page = response.content.decode()
    assert response.status_code == 409
    assert "可能刚被撤回" in page and "退回没有发出" in page
    assert "请补充质量指标的计算口径。</textarea>" in page
    assert 'value="合格率口径不清"' in page
    assert "退回修改</button>" not in page
    ready_form.refresh_from_db()
    assert ready_form.status == Status.DRAFT and not FormEvent.objects.filter(action=Action.RETURN).exists()


@pytest.mark.parametrize("bad_key", ["comment-99999999999999999999", "comment-abc", "comment--1", "comment-"])
def test_return_ignores_tampered_comment_keys(client, ready_form, filler, dept_reviewer, bad_key):
    services.submit(perf_form=ready_form, by=filler)
    target = ready_form.indicators.get(level3="抽查企业数")
    client.force_login(dept_reviewer)
    data = {"reason": "抽查企业数偏少，请调整。", bad_key: "篡改的意见", f"comment-{target.pk}": "至少60家"}
    response = client.post(reverse("projects:return", args=[ready_form.pk]), data)

    assert response.status_code == 302
    ready_form.refresh_from_db()
    assert ready_form.status == Status.RETURNED
    assert list(RowComment.objects.values_list("indicator_id", "comment")) == [(target.pk, "至少60家")]


def test_return_ignores_comment_on_another_forms_row(client, ready_form, unit_b, year, filler, dept_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    foreign_row = IndicatorFactory(perf_form=complete_form(unit=unit_b, year=year), level3="别的表的指标")
    client.force_login(dept_reviewer)
    data = {"reason": "请补充满意度调查方法。", f"comment-{foreign_row.pk}": "不该挂到别的表上"}
    assert client.post(reverse("projects:return", args=[ready_form.pk]), data).status_code == 302
    assert not RowComment.objects.exists()
    assert Status.RETURNED == PerformanceForm.objects.get(pk=ready_form.pk).status
