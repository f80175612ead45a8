"""Every URL that takes a form id, against every persona that must get nothing."""

import pytest
from django.urls import reverse

from projects import services
from projects.models import PerformanceForm

from .helpers import post_data

pytestmark = pytest.mark.django_db

FORM_URLS = [
    "projects:detail",
    "projects:edit",
    "projects:review",
    "projects:submit",
    "projects:withdraw",
    "projects:approve",
    "projects:return",
    "projects:score",
    "projects:reopen",
    "projects:excel_download",
    "projects:excel_upload",
    "projects:excel_upload_confirm",
    # 以此为基础新建: POST only, and the source form is read, never changed.
    "projects:carry_over",
    "projects:opinion_download",
]
READ_URLS = ["projects:detail", "projects:edit", "projects:review", "projects:excel_download", "projects:excel_upload"]
OUTSIDERS = ["outsider", "other_dept_reviewer", "other_finance_reviewer"]


def fingerprint(perf_form):
    perf_form.refresh_from_db()
    return (perf_form.status, perf_form.version, perf_form.overview, perf_form.events.count())


@pytest.fixture
def submitted_form(ready_form, filler):
    services.submit(perf_form=ready_form, by=filler)
    return ready_form


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("name", READ_URLS)
def test_outsider_read_is_404(request, client, submitted_form, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[submitted_form.pk])).status_code == 404


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("name", FORM_URLS)
def test_outsider_post_changes_nothing(request, client, submitted_form, persona, name):
    client.force_login(request.getfixturevalue(persona))
    before = fingerprint(submitted_form)
    data = post_data([], version=submitted_form.version)
    data["reason"] = "外单位的人试图退回这张表。"
    response = client.post(reverse(name, args=[submitted_form.pk]), data)
    assert response.status_code in (403, 404)
    assert fingerprint(submitted_form) == before


@pytest.mark.parametrize("persona", ["dept_reviewer", "finance_reviewer"])
@pytest.mark.parametrize("name", FORM_URLS)
def test_reviewer_cannot_see_or_touch_draft(request, client, ready_form, persona, name):
    client.force_login(request.getfixturevalue(persona))
    before = fingerprint(ready_form)
    assert client.get(reverse(name, args=[ready_form.pk])).status_code in (404, 405)
    response = client.post(
        reverse(name, args=[ready_form.pk]), dict(post_data([], version=1), reason="草稿不该被看到。")
    )
    assert response.status_code in (403, 404)
    assert fingerprint(ready_form) == before


@pytest.mark.parametrize("name", FORM_URLS)
def test_anonymous_redirected_to_login(client, perf_form, name):
    response = client.post(reverse(name, args=[perf_form.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", READ_URLS)
def test_own_unit_can_open(filler_client, perf_form, name):
    assert filler_client.get(reverse(name, args=[perf_form.pk])).status_code == 200


def test_missing_form_is_404(filler_client, db):
    assert filler_client.get(reverse("projects:detail", args=[999999])).status_code == 404


def test_every_form_url_is_covered():
    """A new URL taking a form id must be added to FORM_URLS (and so to the access tests)."""
    from projects.urls import urlpatterns

    with_pk = {f"projects:{p.name}" for p in urlpatterns if "<int:pk>" in str(p.pattern)}
    assert with_pk == set(FORM_URLS)


def test_create_refused_for_user_without_unit(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="nobody", organization=None)
    client.force_login(user)
    assert client.get(reverse("projects:create")).status_code == 403
    assert not PerformanceForm.objects.exists()


def test_create_refused_for_reviewer(client, dept_reviewer):
    client.force_login(dept_reviewer)
    assert client.get(reverse("projects:create")).status_code == 403


# In scope, wrong role or wrong step: every acting URL, every persona, every state after drafting.

ACTING_URLS = [
    "projects:edit",
    "projects:submit",
    "projects:withdraw",
    "projects:approve",
    "projects:return",
    "projects:score",
    "projects:reopen",
    "projects:excel_upload",
    "projects:excel_upload_confirm",
]
STATES = ["submitted", "dept_approved", "returned", "approved"]
PERSONAS = ["filler", "dept_reviewer", "finance_reviewer", "admin_user"]
# What each persona may do to its own scope's form in each state; everything else must change nothing.
ALLOWED = {
    ("filler", "submitted", "projects:withdraw"),
    ("filler", "returned", "projects:edit"),
    ("filler", "returned", "projects:submit"),
    ("filler", "returned", "projects:excel_upload"),
    ("dept_reviewer", "submitted", "projects:approve"),
    ("dept_reviewer", "submitted", "projects:return"),
    ("finance_reviewer", "dept_approved", "projects:approve"),
    ("finance_reviewer", "dept_approved", "projects:return"),
    ("admin_user", "submitted", "projects:approve"),
    ("admin_user", "submitted", "projects:return"),
    ("admin_user", "dept_approved", "projects:approve"),
    ("admin_user", "dept_approved", "projects:return"),
}


def form_in_state(perf_form, state, *, filler, dept_reviewer, finance_reviewer):
    services.submit(perf_form=perf_form, by=filler)
    if state in ("dept_approved", "approved"):
        services.approve(perf_form=perf_form, by=dept_reviewer)
    if state == "approved":
        services.approve(perf_form=perf_form, by=finance_reviewer)
    if state == "returned":
        services.return_form(perf_form=perf_form, by=dept_reviewer, reason="请补充说明后重新提交。")
    perf_form.refresh_from_db()
    assert perf_form.status == state
    return perf_form


REFUSED = [
    (persona, state, name)
    for persona in PERSONAS
    for state in STATES
    for name in ACTING_URLS
    if (persona, state, name) not in ALLOWED
]


@pytest.mark.parametrize(("persona", "state", "name"), REFUSED)
def test_wrong_role_or_step_in_scope_changes_nothing(
    request, client, ready_form, filler, dept_reviewer, finance_reviewer, persona, state, name
):
    perf_form = form_in_state(
        ready_form, state, filler=filler, dept_reviewer=dept_reviewer, finance_reviewer=finance_reviewer
    )
    client.force_login(request.getfixturevalue(persona))
    before = fingerprint(perf_form)
    rows = [
        {"id": r.pk, "level1": r.level1, "level2": r.level2, "level3": r.level3, "value": "=999个"}
        for r in perf_form.indicators.all()
    ]
    data = post_data(rows, version=perf_form.version, initial_forms=len(rows))
    data.update(overview="越权修改的概况", reason="越权的人试图退回这张表。")
    response = client.post(reverse(name, args=[perf_form.pk]), data)
    assert response.status_code in (302, 403, 404, 409)
    if response.status_code == 302:
        # A refusal by redirect must say why.
        shown = [str(m) for m in response.wsgi_request._messages]
        assert shown and not any("已审核通过" in m or "已退回填报单位" in m for m in shown)
    assert fingerprint(perf_form) == before
    assert not perf_form.indicators.filter(value="=999个").exists()
