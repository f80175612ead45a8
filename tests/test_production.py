"""The production path: settings with DEBUG off, each run in a fresh process as the server would."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def production_env(**extra: str) -> dict[str, str]:
    # Only what the README's environment file sets; nothing inherited may switch the proxy trust on.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TRUST_X_FORWARDED_PROTO", "STATIC_ROOT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="perfgoals.settings",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="testserver",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    static_root = tmp_path_factory.mktemp("staticfiles")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=production_env(STATIC_ROOT=str(static_root)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, static_root


def test_collectstatic_with_manifest_storage_succeeds(collected):
    result, static_root = collected
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["vendor/bootstrap/bootstrap.min.css"]
    assert re.fullmatch(r"vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", hashed_css)
    assert (static_root / (hashed_css + ".gz")).is_file()
    # The source map comment is rewritten to the hashed map, which exists.
    hashed_map = manifest["paths"]["vendor/bootstrap/bootstrap.min.css.map"]
    assert hashed_map.rsplit("/", 1)[1] in (static_root / hashed_css).read_text()
    assert (static_root / hashed_map).is_file()


@pytest.mark.django_db
def test_pages_render_with_the_collected_manifest(collected, client):
    result, static_root = collected
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    with override_settings(STATIC_ROOT=static_root, STORAGES=MANIFEST_STORAGE):
        response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/" + manifest["paths"]["vendor/bootstrap/bootstrap.min.css"] in html
    assert "/static/" + manifest["paths"]["vendor/bootstrap/bootstrap.bundle.min.js"] in html


REQUEST_SCRIPT = """
import json
import django
django.setup()
from django.test import Client
headers = json.loads({headers!r})
response = Client().get("/", headers=headers)
print(json.dumps({{"status": response.status_code, "location": response.get("Location", "")}}))
"""


@pytest.mark.parametrize(
    "trust, headers, status, location",
    [
        # A client reaching gunicorn directly cannot skip the HTTPS redirect by claiming a proxy.
        (None, {"X-Forwarded-Proto": "https"}, 301, "https://testserver/"),
        ("0", {"X-Forwarded-Proto": "https"}, 301, "https://testserver/"),
        (None, {}, 301, "https://testserver/"),
        # Behind the configured proxy: its https requests are served, its plain http ones redirected.
        ("1", {"X-Forwarded-Proto": "https"}, 302, "/accounts/login/?next=/"),
        ("1", {"X-Forwarded-Proto": "http"}, 301, "https://testserver/"),
        ("1", {}, 301, "https://testserver/"),
    ],
)
def test_proxy_header_trusted_only_when_configured(trust, headers, status, location):
    extra = {} if trust is None else {"TRUST_X_FORWARDED_PROTO": trust}
    result = subprocess.run(
        [sys.executable, "-c", REQUEST_SCRIPT.format(headers=json.dumps(headers))],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": status, "location": location}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_direct_client_claiming_https_is_redirected():
    # gunicorn's own default trusts X-Forwarded-Proto from loopback peers: the committed config must not.
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "perfgoals/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "perfgoals.wsgi"],
        cwd=ROOT,
        env=production_env(ALLOWED_HOSTS="127.0.0.1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", "/", headers={"X-Forwarded-Proto": "https"})
                response = connection.getresponse()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
            finally:
                connection.close()
        assert (response.status, response.getheader("Location")) == (301, f"https://127.0.0.1:{port}/")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db
def test_html_is_compressed_with_breach_padding(client, django_user_model):
    import gzip

    user = django_user_model.objects.create_user(username="gz", password="x")
    client.force_login(user)
    sizes = set()
    for _attempt in range(3):
        response = client.get("/forms/", HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "还没有绩效目标表" in gzip.decompress(response.content).decode()
        sizes.add(len(response.content))
    # Django pads every compressed response with random bytes: the same page differs in size.
    assert len(sizes) > 1
