"""The admin (系统管理) is Chinese throughout: every page of every registered model, read as a person sees it."""

import io
import json
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command

from indicators.models import IndicatorFramework
from perfgoals.admin_site import permission_label
from projects.accounts.models import User

pytestmark = pytest.mark.django_db

# Words a Chinese page still carries: product and key names inside Chinese sentences.
ALLOWED = {"Excel", "LDAP", "Control", "Command", "Mac", "HTTP", "Accept", "md5"}


def _visible_words(html: str) -> set[str]:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    # The password hash summary shows the hash itself between <bdi> tags.
    html = re.sub(r"<bdi>.*?</bdi>", "", html, flags=re.S)
    attributes = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"&[a-z]+;", " ", text)
    return set(re.findall(r"[A-Za-z]{3,}", " ".join([text, *attributes])))


def _admin_pages():
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        yield f"/admin/{meta.app_label}/{meta.model_name}/"
        yield f"/admin/{meta.app_label}/{meta.model_name}/add/"
        first = model_admin.get_queryset(None).first() if hasattr(model_admin, "get_queryset") else None
        if first is not None:
            yield f"/admin/{meta.app_label}/{meta.model_name}/{first.pk}/change/"


def test_every_admin_page_is_chinese(client):
    call_command("load_demo", stdout=io.StringIO())
    superuser = User.objects.get(username="admin")
    client.force_login(superuser)
    client.get("/forms/")  # an access log entry for the lockout admin's pages
    data_words = {
        part
        for name in [
            *User.objects.values_list("username", flat=True),
            *IndicatorFramework.objects.values_list("code", flat=True),
        ]
        for part in re.findall(r"[A-Za-z]+", name)
    }
    english = {}
    for url in ["/admin/", *_admin_pages()]:
        response = client.get(url)
        if response.status_code == 403:  # read-only models have no add page
            continue
        assert response.status_code == 200, url
        words = {w for w in _visible_words(response.content.decode()) if w not in ALLOWED and w not in data_words}
        # Data the demo stores in ASCII (user agents, framework codes) is not the admin's wording.
        words -= {"unknown", "national", "shanghai", "project", "department"}
        if words:
            english[url] = sorted(words)
    assert english == {}


def test_admin_javascript_catalogue_has_the_selector_strings(admin_client):
    catalogue = admin_client.get("/admin/jsi18n/").content.decode()
    # The catalogue is JSON with non-ASCII escaped.
    assert json.dumps("全部选择%s")[1:-1] in catalogue and json.dumps("移除选中的%s")[1:-1] in catalogue


@pytest.mark.parametrize(
    ("codename", "expected"),
    [("add_user", "账户与单位 | 用户 | 新增"), ("view_performanceform", "绩效目标表 | 绩效目标表 | 查看")],
)
def test_permission_label_is_chinese(codename, expected):
    assert permission_label(Permission.objects.get(codename=codename)) == expected


def test_department_forms_show_their_title_in_the_admin_list(client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="admin"))
    page = client.get("/admin/projects/performanceform/?kind__exact=department").content.decode()
    assert "部门整体支出绩效目标表" in page
