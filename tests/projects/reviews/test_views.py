import pytest
from django.urls import reverse

from projects.models import Status
from projects.reviews import services as reviews
from projects.reviews.choices import Stage
from projects.reviews.models import ScoreDraft
from tests.factories import IndicatorFactory

from .conftest import post_of, scores_at, sheet_of

pytestmark = pytest.mark.django_db


def _review_url(perf_form):
    return reverse("projects:review", args=[perf_form.pk])


def test_review_page_shows_scorecard_with_suggestions(client, submitted, dept_reviewer):
    client.force_login(dept_reviewer)
    page = client.get(_review_url(submitted)).content.decode()
    for entry in sheet_of(submitted):
        assert f'name="points-{entry.item.pk}"' in page
        assert f'data-suggested="{entry.suggested}"' in page
    assert 'data-action="decide-next"' in page and 'id="review-form"' in page
    assert 'data-origin="own"' in page


def test_score_refused_redirects_and_keeps_input(client, submitted, dept_reviewer):
    """Post/redirect/get: a refused decision ends on the review page with the typed scores put back."""
    scores = scores_at(submitted)
    entry = sheet_of(submitted)[0]
    scores[entry.item.pk] = reviews.ScoreInput("1", "")
    client.force_login(dept_reviewer)
    response = client.post(reverse("projects:score", args=[submitted.pk]), post_of(scores, "我的意见草稿"), follow=True)
    assert response.redirect_chain == [(_review_url(submitted), 302)]
    page = response.content.decode()
    assert f'name="points-{entry.item.pk}" id="points-{entry.item.pk}" value="1"' in page
    assert "我的意见草稿</textarea>" in page and entry.item.point in page and "理由" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    # The kept input is for one page view only.
    assert "我的意见草稿" not in client.get(_review_url(submitted)).content.decode()


def test_score_save_keeps_draft_and_prefills(client, submitted, dept_reviewer):
    client.force_login(dept_reviewer)
    response = client.post(
        reverse("projects:score", args=[submitted.pk]),
        post_of(scores_at(submitted, "0.85"), "先暂存意见", intent="save"),
    )
    assert response.status_code == 302 and response.url == _review_url(submitted)
    assert ScoreDraft.objects.filter(perf_form=submitted, stage=Stage.DEPARTMENT).exists()
    page = client.get(_review_url(submitted)).content.decode()
    assert "先暂存意见</textarea>" in page and "data-draft-saved" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_score_next_goes_to_next_awaiting_form_of_queue(client, unit_a, year, filler, dept_reviewer, submitted):
    from projects import services
    from tests.factories import complete_form

    other = services.submit(perf_form=complete_form(unit=unit_a, year=year, project_name="下一张"), by=filler)
    # Submitted last, so first in the unfiltered queue: the filter must leave it out.
    services.submit(perf_form=complete_form(unit=unit_a, year=year, project_name="不相关"), by=filler)
    client.force_login(dept_reviewer)
    query = "q=%E4%B8%8B%E4%B8%80%E5%BC%A0"  # q=下一张, as the queue's filter form sends it
    queue_url = "http://testserver" + reverse("projects:queue") + "?" + query
    page = client.get(_review_url(submitted), headers={"referer": queue_url}).content.decode()
    assert f'name="queue" value="{query}"' in page
    data = post_of(scores_at(submitted, "1"), intent="next") | {"queue": query}
    response = client.post(reverse("projects:score", args=[submitted.pk]), data)
    assert response.status_code == 302 and response.url.startswith(_review_url(other) + "?queue=")
    # The next page carries the filters on again.
    assert f'name="queue" value="{query}"' in client.get(response.url).content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.DEPT_APPROVED


def test_score_next_with_empty_queue_goes_to_queue(client, submitted, dept_reviewer):
    client.force_login(dept_reviewer)
    response = client.post(
        reverse("projects:score", args=[submitted.pk]), post_of(scores_at(submitted, "1"), intent="next")
    )
    assert response.url == reverse("projects:queue")


def test_score_by_other_department_reviewer_not_found(client, submitted, other_dept_reviewer):
    client.force_login(other_dept_reviewer)
    response = client.post(reverse("projects:score", args=[submitted.pk]), post_of(scores_at(submitted, "1")))
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and not submitted.scorecards.exists()


def test_score_by_filler_refused(client, submitted, filler):
    client.force_login(filler)
    response = client.post(reverse("projects:score", args=[submitted.pk]), post_of(scores_at(submitted, "1")))
    assert response.status_code == 403
    assert not submitted.scorecards.exists()


def test_finance_decision_says_approved(client, submitted, dept_reviewer, finance_reviewer):
    reviews.decide(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "0.85"), opinion="请补充满意度调查方式。"
    )
    client.force_login(finance_reviewer)
    page = client.get(_review_url(submitted)).content.decode()
    assert "data-first-stage" in page and "data-first-card" in page and "批复通过" in page
    response = client.post(
        reverse("projects:score", args=[submitted.pk]), post_of(scores_at(submitted, "1")), follow=True
    )
    page = response.content.decode()
    assert "已批复" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_unit_sees_scorecard_after_fair_return(client, submitted, filler, dept_reviewer):
    reviews.decide(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "0.7"), opinion="请补充数量指标的工作量。"
    )
    client.force_login(filler)
    page = client.get(reverse("projects:detail", args=[submitted.pk])).content.decode()
    assert 'data-scorecard="department"' in page and 'data-grade="fair"' in page
    assert "请补充数量指标的工作量" in page


def test_rejected_detail_offers_reopen_to_finance_only(client, submitted, filler, dept_reviewer, finance_reviewer):
    reviews.decide(
        perf_form=submitted, by=dept_reviewer, scores=scores_at(submitted, "0.4"), opinion="目标与内容不符，不予通过。"
    )
    client.force_login(filler)
    page = client.get(reverse("projects:detail", args=[submitted.pk])).content.decode()
    assert "data-rejected" in page and 'data-action="reopen"' not in page and 'data-action="edit"' not in page
    assert "不予通过" in client.get(reverse("projects:my_forms"), {"year": submitted.year.year}).content.decode()
    client.force_login(finance_reviewer)
    assert 'data-action="reopen"' in client.get(reverse("projects:detail", args=[submitted.pk])).content.decode()
    response = client.post(reverse("projects:reopen", args=[submitted.pk]), {"reason": "同意修改后再报。"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED


def test_batch_approve_from_queue(client, unit_a, year, filler, dept_reviewer, templates):
    from projects import services
    from tests.factories import complete_form

    forms = [
        services.submit(perf_form=complete_form(unit=unit_a, year=year, project_name=f"批{i}"), by=filler)
        for i in range(2)
    ]
    for perf_form in forms:
        reviews.save_draft(perf_form=perf_form, by=dept_reviewer, scores=scores_at(perf_form, "1"), opinion="")
    client.force_login(dept_reviewer)
    page = client.get(reverse("projects:queue")).content.decode()
    assert all(f'data-batch-form="{f.pk}"' in page for f in forms)
    response = client.post(reverse("projects:batch_approve"), {"form": [f.pk for f in forms]}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("projects:queue"))
    assert "已批量通过 2 张表" in response.content.decode()
    assert {f.__class__.objects.get(pk=f.pk).status for f in forms} == {Status.DEPT_APPROVED}


def test_batch_approve_without_selection_refused(client, dept_reviewer):
    client.force_login(dept_reviewer)
    response = client.post(reverse("projects:batch_approve"), {}, follow=True)
    assert "请先勾选" in response.content.decode()


def test_review_template_pages_say_configurable(client, templates, filler):
    client.force_login(filler)
    page = client.get(reverse("projects:review_templates")).content.decode()
    assert "data-configurable" in page and all(f'data-template-id="{t.pk}"' in page for t in templates)
    detail = client.get(reverse("projects:review_template", args=[templates[0].pk])).content.decode()
    assert "data-configurable" in detail and templates[0].items.first().point in detail
    assert client.get(reverse("projects:review_template", args=[999999])).status_code == 404


def test_review_page_with_scorecard_query_count_bounded(
    client, submitted, dept_reviewer, django_assert_max_num_queries
):
    client.force_login(dept_reviewer)
    with django_assert_max_num_queries(40) as small:
        client.get(_review_url(submitted))
    for i in range(30):
        IndicatorFactory(perf_form=submitted, level3=f"额外指标{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(_review_url(submitted)).status_code == 200
