from decimal import Decimal

import pytest

from projects import services
from projects.choices import AuditAction
from projects.models import Action, AuditEntry, Status
from projects.permissions import can_edit, can_submit
from projects.reviews import services as reviews
from projects.reviews.choices import Grade, Outcome, Stage
from projects.reviews.models import ReviewItem, ReviewTemplate, ScoreDraft
from projects.services.errors import TransitionError

from .conftest import scores_at, sheet_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("max_points", "deduction", "pieces", "expected"),
    [
        ("10", "2", 0, "10"),
        ("10", "2", 1, "8"),
        ("10", "2", 3, "4"),
        ("10", "2", 6, "0"),  # never below 0
        ("5", "1", 2, "3"),
        ("5", "1.5", 1, "3.5"),
        ("5", "0", 9, "5"),  # an item that takes nothing off
    ],
)
def test_suggested_points_max_minus_deduction_per_evidence(max_points, deduction, pieces, expected):
    item = ReviewItem(max_points=Decimal(max_points), deduction=Decimal(deduction))
    assert reviews.suggested_points(item, pieces) == Decimal(expected)


def test_scoring_sheet_evidence_from_matching_warnings(submitted):
    row = submitted.indicators.first()
    row.value = "进一步提高"  # value_vague: evidence of the 可衡量 item
    services.write_content(
        submitted,
        {},
        [
            services.RowInput(r.level1, r.level2, r.level3, row.value if r.pk == row.pk else r.value)
            for r in submitted.indicators.all()
        ],
    )
    sheet = sheet_of(submitted)
    by_codes = {tuple(e.item.evidence_codes): e for e in sheet}
    measurable = next(e for codes, e in by_codes.items() if "value_vague" in codes)
    assert [w.code for w in measurable.evidence].count("value_vague") >= 1
    assert measurable.suggested == measurable.item.max_points - measurable.item.deduction * len(measurable.evidence)
    judged = next(e for e in sheet if not e.item.evidence_codes)
    assert judged.evidence == [] and judged.suggested == judged.item.max_points


def test_decide_override_without_reason_refused_naming_item(submitted, dept_reviewer):
    scores = scores_at(submitted)
    entry = sheet_of(submitted)[0]
    scores[entry.item.pk] = reviews.ScoreInput(str(entry.suggested - 1), "")
    with pytest.raises(reviews.ScoreInvalid) as refused:
        reviews.decide(perf_form=submitted, by=dept_reviewer, scores=scores, opinion="")
    assert entry.item.point in str(refused.value) and "理由" in str(refused.value)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and not submitted.scorecards.exists()


@pytest.mark.parametrize(
    ("points", "problem"),
    [("", "还没有打分"), ("abc", "不是数字"), ("99", "0 到"), ("-1", "0 到"), ("2.3", ".5"), ("NaN", "0 到")],
)
def test_decide_bad_points_refused_with_reason(submitted, dept_reviewer, points, problem):
    scores = scores_at(submitted)
    entry = sheet_of(submitted)[0]
    scores[entry.item.pk] = reviews.ScoreInput(points, "理由")
    with pytest.raises(reviews.ScoreInvalid, match=problem):
        reviews.decide(perf_form=submitted, by=dept_reviewer, scores=scores, opinion="意见意见意见")


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", Grade.EXCELLENT),
        ("90", Grade.EXCELLENT),
        ("89.5", Grade.GOOD),
        ("80", Grade.GOOD),
        ("79.5", Grade.FAIR),
        ("60", Grade.FAIR),
        ("59.5", Grade.POOR),
        ("0", Grade.POOR),
    ],
)
def test_grade_for_default_bands(templates, total, grade):
    assert reviews.grade_for(templates[0], Decimal(total)) == grade


def test_grade_and_outcome_follow_configured_template(templates):
    template = templates[0]
    template.excellent_min, template.good_min, template.fair_min = Decimal(95), Decimal(85), Decimal(70)
    template.outcome_good = Outcome.RETURN
    assert reviews.grade_for(template, Decimal(92)) == Grade.GOOD
    assert reviews.outcome_for(template, Grade.GOOD) == Outcome.RETURN
    assert reviews.grade_for(template, Decimal(69.5)) == Grade.POOR


@pytest.mark.parametrize(
    ("share", "grade", "status", "action"),
    [
        ("1", Grade.EXCELLENT, Status.DEPT_APPROVED, Action.DEPT_APPROVE),
        ("0.85", Grade.GOOD, Status.DEPT_APPROVED, Action.DEPT_APPROVE),
        ("0.7", Grade.FAIR, Status.RETURNED, Action.RETURN),
        ("0.4", Grade.POOR, Status.REJECTED, Action.REJECT),
    ],
)
def test_decide_grade_drives_transition(submitted, dept_reviewer, share, grade, status, action):
    card = reviews.decide(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, share), opinion="请按意见完善指标。"
    )
    submitted.refresh_from_db()
    assert card.grade == grade and submitted.status == status
    assert card.event.action == action and card.event.perf_form_id == submitted.pk
    assert card.scores.count() == len(sheet_of_template(card.template))
    assert card.total == sum(s.points for s in card.scores.all())
    assert AuditEntry.objects.filter(action=AuditAction.SCORECARD, perf_form=submitted).count() == 1


def sheet_of_template(template):
    return list(template.items.all())


@pytest.mark.parametrize("share", ["0.85", "0.7", "0.4"])
def test_decide_without_opinion_refused_below_excellent(submitted, dept_reviewer, share):
    with pytest.raises(reviews.ScoreInvalid, match="修改完善意见"):
        reviews.decide(perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, share), opinion=" ")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_first_and_second_review_both_kept_with_snapshot_and_evidence(submitted, dept_reviewer, finance_reviewer):
    first = reviews.decide(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "0.85"), opinion="请补充满意度调查方式。"
    )
    submitted.refresh_from_db()
    second = reviews.decide(perf_form=submitted, by=finance_reviewer, scores=scores_at(submitted, "1"), opinion="")
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    cards = list(submitted.scorecards.order_by("created_at", "pk"))
    assert [(c.stage, c.grade) for c in cards] == [(Stage.DEPARTMENT, Grade.GOOD), (Stage.FINANCE, Grade.EXCELLENT)]
    assert [c.pk for c in cards] == [first.pk, second.pk]
    assert first.snapshot["rows"] and len(first.snapshot["rows"]) == submitted.indicators.count()
    assert first.opinion == "请补充满意度调查方式。" and first.event.reason == first.opinion
    evidence = [e for s in first.scores.all() for e in s.evidence]
    assert all({"code", "message", "row"} <= set(e) for e in evidence)
    assert reviews.latest_scorecards(submitted)[Stage.DEPARTMENT].pk == first.pk


def test_rejected_blocks_edit_and_submit_until_reopened(submitted, filler, dept_reviewer, finance_reviewer):
    reviews.decide(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "0.4"), opinion="目标与内容不符，不予通过。"
    )
    submitted.refresh_from_db()
    assert not can_edit(filler, submitted) and not can_submit(filler, submitted)
    with pytest.raises(TransitionError):
        services.submit(perf_form=submitted, by=filler)
    with pytest.raises(TransitionError, match="理由"):
        services.workflow.reopen(perf_form=submitted, by=finance_reviewer, reason="")
    with pytest.raises(TransitionError, match="财政局"):
        services.workflow.reopen(perf_form=submitted, by=dept_reviewer, reason="允许修改后再报。")
    services.workflow.reopen(perf_form=submitted, by=finance_reviewer, reason="允许修改后再报。")
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED and can_edit(filler, submitted)
    assert AuditEntry.objects.filter(action=AuditAction.REOPEN, perf_form=submitted).exists()
    services.submit(perf_form=submitted, by=filler)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_reopen_refused_by_finance_reviewer_of_other_department(submitted, dept_reviewer, other_finance_reviewer):
    reviews.decide(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "0.4"), opinion="目标与内容不符，不予通过。"
    )
    with pytest.raises(TransitionError):
        services.workflow.reopen(perf_form=submitted, by=other_finance_reviewer, reason="允许修改后再报。")


def test_plain_approve_refused_where_template_exists(submitted, dept_reviewer):
    with pytest.raises(TransitionError, match="评分"):
        services.approve(perf_form=submitted, by=dept_reviewer)


def test_plain_return_allowed_unscored(submitted, dept_reviewer):
    services.return_form(perf_form=submitted, by=dept_reviewer, reason="表格不完整，请补充后再报。")
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED and not submitted.scorecards.exists()


def test_decide_refused_for_other_department_reviewer(submitted, other_dept_reviewer):
    with pytest.raises(TransitionError, match="待审核范围"):
        reviews.decide(perf_form=submitted, by=other_dept_reviewer, scores=scores_at(submitted), opinion="")


def test_decide_without_template_refused(ready_form, filler, dept_reviewer):
    submitted = services.submit(perf_form=ready_form, by=filler)
    with pytest.raises(TransitionError, match="审核评分模板"):
        reviews.decide(perf_form=submitted, by=dept_reviewer, scores={}, opinion="")


def test_save_draft_replaces_and_decide_removes_it(submitted, dept_reviewer):
    reviews.save_draft(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "0.85"), opinion="先这样，稍后再定。"
    )
    reviews.save_draft(perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "1"), opinion="")
    draft = ScoreDraft.objects.get(perf_form=submitted)
    submitted.refresh_from_db()
    assert draft.grade == Grade.EXCELLENT and draft.form_version == submitted.version
    reviews.decide(perf_form=submitted, by=dept_reviewer, scores=reviews.draft_inputs(draft), opinion="")
    assert not ScoreDraft.objects.exists()


def test_approve_batch_approves_passing_drafts_and_reports_each_failure(unit_a, year, filler, dept_reviewer, templates):
    from tests.factories import complete_form

    forms = [
        services.submit(perf_form=complete_form(unit=unit_a, year=year, project_name=f"批量{i}"), by=filler)
        for i in range(4)
    ]
    good, excellent, fair, unscored = forms
    reviews.save_draft(perf_form=good, by=dept_reviewer, scores=scores_at(good, "0.85"), opinion="请细化成本指标。")
    reviews.save_draft(perf_form=excellent, by=dept_reviewer, scores=scores_at(excellent, "1"), opinion="")
    reviews.save_draft(perf_form=fair, by=dept_reviewer, scores=scores_at(fair, "0.7"), opinion="请补充数量指标。")
    assert {d.perf_form_id for d in reviews.batch_candidates(dept_reviewer)} == {good.pk, excellent.pk}

    result = reviews.approve_batch(perf_form_ids=[f.pk for f in forms] + [999999], by=dept_reviewer)
    assert {f.pk for f in result.approved} == {good.pk, excellent.pk}
    assert len(result.failures) == 3
    reasons = " ".join(reason for _title, reason in result.failures)
    assert "不能批量通过" in reasons and "还没有暂存的评分" in reasons and "没有找到" in reasons
    statuses = {f.pk: s for f, s in ((f, f.__class__.objects.get(pk=f.pk).status) for f in forms)}
    assert statuses == {
        good.pk: Status.DEPT_APPROVED,
        excellent.pk: Status.DEPT_APPROVED,
        fair.pk: Status.SUBMITTED,
        unscored.pk: Status.SUBMITTED,
    }


def test_approve_batch_refuses_a_draft_of_an_earlier_submission(submitted, filler, dept_reviewer):
    reviews.save_draft(perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "1"), opinion="")
    services.withdraw(perf_form=submitted, by=filler)
    services.submit(perf_form=submitted, by=filler)
    result = reviews.approve_batch(perf_form_ids=[submitted.pk], by=dept_reviewer)
    assert not result.approved and "重新评分" in result.failures[0][1]


def test_approve_batch_caps_forms(dept_reviewer):
    with pytest.raises(TransitionError, match="最多"):
        reviews.approve_batch(perf_form_ids=list(range(1, reviews.BATCH_LIMIT + 2)), by=dept_reviewer)


def test_template_for_missing_kind_is_none(submitted):
    ReviewTemplate.objects.all().delete()
    assert reviews.template_for(submitted) is None


def test_decide_opinion_and_remark_over_cap_refused(submitted, dept_reviewer):
    from projects.models import REASON_MAX_LENGTH

    scores = scores_at(submitted, "1")
    first = next(iter(scores))
    scores[first] = reviews.ScoreInput(scores[first].points, "长" * (REASON_MAX_LENGTH + 1))
    with pytest.raises(reviews.ScoreInvalid) as refused:
        reviews.decide(perf_form=submitted, by=dept_reviewer, scores=scores, opinion="意" * (REASON_MAX_LENGTH + 1))
    assert "说明最多" in str(refused.value) and "修改完善意见最多" in str(refused.value)
