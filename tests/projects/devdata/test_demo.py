import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from projects.devdata.demo import ACCOUNTS, DEMO_PASSWORD
from projects.models import PerformanceForm, Status

pytestmark = pytest.mark.django_db


def test_load_demo_gives_every_state_and_working_accounts(capsys, rf):
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    out = capsys.readouterr().out
    assert set(PerformanceForm.objects.values_list("status", flat=True)) == set(Status.values)
    assert PerformanceForm.objects.filter(kind="department").count() == 1
    for username, *_rest in ACCOUNTS:
        # The lockout backend (axes) needs the request a login comes with.
        assert authenticate(rf.post("/accounts/login/"), username=username, password=DEMO_PASSWORD) is not None
        assert username in out
    assert PerformanceForm.objects.filter(project_name="安全质量监督查处").count() == 1


def test_load_demo_scores_its_decisions_with_every_grade():
    from projects.reviews.choices import Grade, Stage
    from projects.reviews.models import Scorecard

    call_command("load_demo", stdout=None)
    cards = Scorecard.objects.all()
    assert set(cards.values_list("grade", flat=True)) == set(Grade.values)
    approved = PerformanceForm.objects.get(status=Status.APPROVED, project_name="公积金信息系统运行维护")
    assert list(approved.scorecards.values_list("stage", flat=True)) == [Stage.DEPARTMENT, Stage.FINANCE]
    # Every scorecard is tied to the event it decided.
    assert all(card.event.perf_form_id == card.perf_form_id for card in cards)
