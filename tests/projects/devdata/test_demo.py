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
    # REJECTED (graded 差) comes with the 四性审核 scorecards, which the demo does not give yet.
    assert set(PerformanceForm.objects.values_list("status", flat=True)) == set(Status.values) - {Status.REJECTED}
    assert PerformanceForm.objects.filter(kind="department").count() == 1
    for username, *_rest in ACCOUNTS:
        # The lockout backend (axes) needs the request a login comes with.
        assert authenticate(rf.post("/accounts/login/"), username=username, password=DEMO_PASSWORD) is not None
        assert username in out
    assert PerformanceForm.objects.filter(project_name="安全质量监督查处").count() == 1
