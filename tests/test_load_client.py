"""The load client (load/run.py) reads real pages by their data- hooks, and wording does not matter.

Each page the simulated people meet is rendered here by the test client: a filler's list, a
reviewer's queue, the editor, the form page, the review page, and the pages a save, a withdraw
or a decision ends on. The client's own parsing functions must find on them what it needs, and
find exactly the same after every visible word and every CSS class of the page was changed.
"""

import importlib.util
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Status
from tests.factories import PerformanceFormFactory

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("load_client", ROOT / "load" / "run.py")
client_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(client_module)
read_page = client_module.read_page

pytestmark = pytest.mark.django_db

ACTIONS = ("edit", "view", "review", "submit", "withdraw", "approve", "return")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
_TEXT = re.compile(r">([^<]+)<")
_CLASS = re.compile(r'class="[^"]*"')


def reworded(html: str) -> str:
    """The page with every Chinese word between tags changed and every CSS class renamed.

    Ids, names, URLs and data- attributes stay: they are what the client may rely on.
    """
    html = _TEXT.sub(lambda m: ">" + _CJK.sub("改", m.group(1)) + "<", html)
    return _CLASS.sub('class="restyled"', html)


def found(page) -> dict:
    """Everything the client reads off a page, less the wording."""
    forms = {action: page.form(action) for action in ACTIONS}
    return {
        "links": {action: page.links(action) for action in ACTIONS},
        "awaiting": page.awaiting_reviews(),
        "forms": {action: (f.action, sorted(f.data())) for action, f in forms.items() if f is not None},
        "message levels": [level for level, _text in page.messages()],
        "editor fields": sorted(page.editor.data()) if page.editor else None,
        "editable": page.editable,
        "conflict": page.conflict,
    }


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return read_page(response.content.decode())


def post(client, url: str, data: dict, *, follow: bool = True):
    response = client.post(url, data, follow=follow)
    return read_page(response.content.decode()), response.status_code


# --- What the client finds ---------------------------------------------------------------------


def test_load_client_finds_a_fillers_editable_forms_and_the_others(filler_client, unit_a, year):
    draft = PerformanceFormFactory(unit=unit_a, year=year)
    in_review = PerformanceFormFactory(unit=unit_a, year=year, status=Status.SUBMITTED)

    page = get(filler_client, f"{reverse('projects:my_forms')}?year={year.year}")

    assert page.links("edit") == [reverse("projects:edit", args=[draft.pk])]
    assert set(page.links("view")) == {draft.get_absolute_url(), in_review.get_absolute_url()}


def test_load_client_finds_the_queue_rows_awaiting_this_reviewer(client, dept_reviewer, unit_a, year):
    awaiting = PerformanceFormFactory(unit=unit_a, year=year, status=Status.SUBMITTED, submitted_at=timezone.now())
    passed_on = PerformanceFormFactory(unit=unit_a, year=year, status=Status.DEPT_APPROVED)
    client.force_login(dept_reviewer)

    page = get(client, f"{reverse('projects:queue')}?year={year.pk}")

    review = {f.pk: reverse("projects:review", args=[f.pk]) for f in (awaiting, passed_on)}
    assert page.awaiting_reviews() == [review[awaiting.pk]]
    assert set(page.links("review")) == set(review.values())


def test_load_client_reads_the_editor_and_what_a_save_came_to(filler_client, perf_form):
    url = reverse("projects:edit", args=[perf_form.pk])
    editor = get(filler_client, url)
    assert editor.editable
    data = editor.editor.data()
    assert data["version"] == str(perf_form.version)
    assert any(name.endswith("-TOTAL_FORMS") for name in data)

    after, status = post(filler_client, url, data)
    assert client_module.save_outcomes(after, status, submit=False) == ["saved"]

    # The same page posted again carries the old version: someone (this user) saved first.
    after, status = post(filler_client, url, data, follow=False)
    assert after.conflict
    assert client_module.save_outcomes(after, status, submit=False) == ["save conflict: someone saved first"]

    # An incomplete form is saved, and its submit refused.
    fresh = get(filler_client, url).editor.data() | {"and_submit": "1"}
    after, status = post(filler_client, url, fresh)
    assert client_module.save_outcomes(after, status, submit=True) == ["saved", "submit blocked: errors in the form"]


def test_load_client_sees_a_save_submitted_and_one_refused_because_the_form_moved_on(filler_client, filler, ready_form):
    url = reverse("projects:edit", args=[ready_form.pk])
    stale = get(filler_client, url).editor.data()

    after, status = post(filler_client, url, get(filler_client, url).editor.data() | {"and_submit": "1"})
    assert client_module.save_outcomes(after, status, submit=True) == ["saved", "submitted"]

    after, status = post(filler_client, url, stale, follow=False)
    assert status == 409
    assert after.editor is not None and not after.editable
    assert client_module.save_outcomes(after, status, submit=False) == ["save refused: form moved on"]


def test_load_client_withdraws_and_sees_a_withdraw_refused(filler_client, filler, dept_reviewer, ready_form):
    services.submit(perf_form=ready_form, by=filler)
    withdraw = get(filler_client, ready_form.get_absolute_url()).form("withdraw")
    assert withdraw.action == reverse("projects:withdraw", args=[ready_form.pk])

    after, _status = post(filler_client, withdraw.action, withdraw.data())
    assert client_module.withdraw_outcomes(after) == ["withdrawn"]

    services.submit(perf_form=ready_form, by=filler)
    withdraw = get(filler_client, ready_form.get_absolute_url()).form("withdraw")
    services.approve(perf_form=ready_form, by=dept_reviewer)
    after, _status = post(filler_client, withdraw.action, withdraw.data())
    assert client_module.withdraw_outcomes(after) == ["withdraw refused: reviewer acted first"]


@pytest.mark.parametrize(("action", "decision"), [("approve", "approved"), ("return", "returned")])
def test_load_client_decides_and_sees_a_form_already_acted_on(
    client, filler, dept_reviewer, ready_form, action, decision
):
    services.submit(perf_form=ready_form, by=filler)
    client.force_login(dept_reviewer)
    review = get(client, reverse("projects:review", args=[ready_form.pk]))
    form = review.form(action)
    assert form.action == reverse(f"projects:{action}", args=[ready_form.pk])
    assert review.form("approve") is not None and review.form("return") is not None
    data = form.data() | {"comment": "", "reason": "部分指标目标值需要核实，请修改后重新提交。"}
    if action == "return":
        # The official table's remark boxes belong to the return form (form="return-form").
        assert any(name.startswith("comment-") for name in data)

    after, _status = post(client, form.action, data)
    assert client_module.review_outcomes(after, decision) == [decision]

    after, _status = post(client, form.action, data)
    assert client_module.review_outcomes(after, decision) == ["already acted on by someone else"]


# --- And finds the same when the wording changes -----------------------------------------------


@pytest.fixture
def pages(client, filler, dept_reviewer, ready_form, perf_form, year) -> dict[str, str]:
    """The pages the simulated people meet, as the server renders them."""
    rendered = {}
    client.force_login(filler)
    rendered["list"] = client.get(f"{reverse('projects:my_forms')}?year={year.year}")
    edit = reverse("projects:edit", args=[perf_form.pk])
    rendered["editor"] = client.get(edit)
    stale = read_page(rendered["editor"].content.decode()).editor.data()
    rendered["saved"] = client.post(edit, stale, follow=True)
    rendered["conflict"] = client.post(edit, stale)
    services.submit(perf_form=ready_form, by=filler)
    rendered["detail"] = client.get(ready_form.get_absolute_url())
    client.force_login(dept_reviewer)
    rendered["queue"] = client.get(f"{reverse('projects:queue')}?year={year.pk}")
    rendered["review"] = client.get(reverse("projects:review", args=[ready_form.pk]))
    approve = reverse("projects:approve", args=[ready_form.pk])
    rendered["approved"] = client.post(approve, {"comment": ""}, follow=True)
    rendered["already acted"] = client.post(approve, {"comment": ""}, follow=True)
    return {name: response.content.decode() for name, response in rendered.items()}


PAGES = ["list", "editor", "saved", "conflict", "detail", "queue", "review", "approved", "already acted"]


@pytest.mark.parametrize("name", PAGES)
def test_load_client_finds_the_same_after_rewording_and_restyling(pages, name):
    html = pages[name]
    changed = reworded(html)
    assert set(_CJK.findall(" ".join(_TEXT.findall(changed)))) == {"改"} != set(_CJK.findall(html))

    before, after = read_page(html), read_page(changed)

    assert found(after) == found(before)
    for submit in (False, True):
        assert client_module.save_outcomes(after, 200, submit) == client_module.save_outcomes(before, 200, submit)
    assert client_module.withdraw_outcomes(after) == client_module.withdraw_outcomes(before)
    assert client_module.review_outcomes(after, "approved") == client_module.review_outcomes(before, "approved")


def test_load_client_pages_hold_what_the_client_needs(pages):
    """The rewording test compares like with like: these pages do carry the hooks."""
    read = {name: found(read_page(html)) for name, html in pages.items()}

    assert read["list"]["links"]["edit"] and read["list"]["links"]["view"]
    assert read["editor"]["editable"] and "version" in read["editor"]["editor fields"]
    assert read["saved"]["message levels"] == ["success"]
    assert read["conflict"]["conflict"] and read["conflict"]["message levels"] == ["error"]
    assert "withdraw" in read["detail"]["forms"]
    assert len(read["queue"]["awaiting"]) == 1
    assert {"approve", "return"} <= set(read["review"]["forms"])
    assert read["approved"]["message levels"] == ["success"] and "approve" not in read["approved"]["forms"]
    assert read["already acted"]["message levels"] == ["error"]
    assert "保存草稿" in pages["editor"] and "保存草稿" not in reworded(pages["editor"])
