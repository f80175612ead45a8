"""Helpers for .ci/prod_smoke.sh (standard library only).

block NAME [KEY=VALUE ...]   print the fenced code between <!-- prod:NAME:begin/end --> in README.md,
                             with each KEY=... line replaced (every KEY must be there: no silent drift)
units                        check the systemd units run exactly the service commands, from the install
                             directory with its environment file; print that directory
cron                         print each cron line's command, run from the install directory
client BASE_URL              the HTTP checks against a running server
"""

import gzip
import html.parser
import http.client
import json
import re
import sys
import time
import urllib.parse
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.findall(rf"<!-- prod:{name}:begin -->\n(.*?)<!-- prod:{name}:end -->", text, re.S)
    if len(found) != 1:
        sys.exit(f"README.md: expected one <!-- prod:{name}:begin/end --> pair, found {len(found)}")
    code = re.fullmatch(r"\s*```[a-z]*\n(.*?)```\s*", found[0], re.S)
    if not code:
        sys.exit(f"README.md: prod:{name} must hold exactly one fenced code block")
    return code.group(1)


def substitute(code: str, assignments: list[str]) -> str:
    for assignment in assignments:
        key, value = assignment.split("=", 1)
        code, count = re.subn(rf"^{re.escape(key)}=.*$", lambda _m, k=key, v=value: f"{k}={v}", code, flags=re.M)
        if count != 1:
            sys.exit(f"README.md: expected one {key}= line, found {count}")
    return code


def install_dir() -> tuple[str, list[str]]:
    """The install directory and the ExecStart commands relative to it, checked against the units."""
    units = re.split(r"^# /etc/systemd/system/\S+\.service\n", block("systemd"), flags=re.M)[1:]
    if len(units) != 2:
        sys.exit(f"README.md: expected two systemd units, found {len(units)}")
    dirs, commands = set(), []
    for unit in units:
        fields = dict(re.findall(r"^(\w+)=(.*)$", unit, re.M))
        directory = fields["WorkingDirectory"]
        if fields["EnvironmentFile"] != f"{directory}/perfgoals.env":
            sys.exit(f"README.md: unit reads {fields['EnvironmentFile']}, not {directory}/perfgoals.env")
        if not fields["ExecStart"].startswith(f"{directory}/"):
            sys.exit(f"README.md: ExecStart does not start in {directory}/: {fields['ExecStart']}")
        dirs.add(directory)
        commands.append(fields["ExecStart"].removeprefix(f"{directory}/"))
    services = [line for line in block("services").splitlines() if line.strip()]
    if commands != services:
        sys.exit(f"README.md: the systemd units run {commands}, the services block says {services}")
    if len(dirs) != 1:
        sys.exit(f"README.md: the units run from different directories: {sorted(dirs)}")
    return dirs.pop(), commands


def cron_commands() -> list[str]:
    directory, _commands = install_dir()
    prefix = f"cd {directory} && "
    commands = []
    for line in block("cron").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        command = line.split(None, 6)[6]  # minute hour day month weekday user command
        if not command.startswith(prefix):
            sys.exit(f"README.md: cron line does not start with {prefix!r}: {line}")
        commands.append(command.removeprefix(prefix))
    return commands


# -- HTTP checks -----------------------------------------------------------------------------------


class Page(html.parser.HTMLParser):
    """The bits of a page the checks need: the CSRF token, links, stylesheets and scripts."""

    def __init__(self, text: str):
        super().__init__()
        self.csrf, self.links, self.assets = None, [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.csrf = attrs.get("value")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])


class Browser:
    """One user's session over plain http, as nginx would forward it.

    The cookies are Secure, so http.cookiejar would never send them back over http: they are kept by
    hand. Every request carries X-Forwarded-Proto: https, as the reverse proxy sets it.
    """

    def __init__(self, base: str):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.origin = f"https://{parsed.hostname}:{parsed.port}"
        self.cookies: dict[str, str] = {}

    def request(self, method, path, *, form=None, headers=None, proxy=True):
        all_headers = {"Host": f"{self.host}:{self.port}"}
        if proxy:
            all_headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            all_headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, form, **kwargs):
        return self.request("POST", path, form=form, **kwargs)

    def page(self, path) -> Page:
        response, data = self.get(path)
        check(response.status == 200, f"GET {path}: {response.status}, expected 200")
        check("text/html" in response.getheader("Content-Type", ""), f"GET {path}: not HTML")
        return Page(data.decode())

    def log_in(self, username: str, password: str) -> None:
        login = self.page("/accounts/login/")
        check(login.csrf and "csrftoken" in self.cookies, "login page: no CSRF token or cookie")
        response, _ = self.post(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": login.csrf},
        )
        check(response.status == 302, f"log in as {username}: {response.status}, expected 302")
        check("sessionid" in self.cookies, f"log in as {username}: no session cookie")
        ok(f"logged in as {username} through the login form")


def check(condition, message: str) -> None:
    if not condition:
        raise SystemExit(f"prod smoke: {message}")


def ok(message: str) -> None:
    print(f"ok  {message}", flush=True)


def wait_ready(base: str, seconds: float) -> None:
    browser = Browser(base)
    deadline = time.monotonic() + seconds
    while True:
        try:
            response, _ = browser.get("/accounts/login/")
            if response.status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"prod smoke: {base} not ready within {seconds:.0f} s")
        time.sleep(0.5)


def check_static(browser: Browser, page: Page) -> None:
    hashed = [a for a in page.assets if re.search(r"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css$", a)]
    check(hashed, "page links the hashed Bootstrap stylesheet: " + ", ".join(page.assets))
    response, data = browser.get(hashed[0], headers={"Accept-Encoding": "gzip"})
    check(response.status == 200, f"GET {hashed[0]}: {response.status}")
    encoding = response.getheader("Content-Encoding", "")
    check(encoding in {"gzip", "br"}, f"static asset compressed: Content-Encoding {encoding!r}")
    if encoding == "gzip":
        check(b"Bootstrap" in gzip.decompress(data)[:200], "static asset: the gzip body is Bootstrap")
    cache = response.getheader("Cache-Control", "")
    max_age = re.search(r"max-age=(\d+)", cache)
    check(
        max_age and int(max_age.group(1)) >= 365 * 24 * 3600 and "immutable" in cache,
        f"static asset: far-future cache ({cache!r})",
    )
    ok(f"{hashed[0]}: 200, Content-Encoding {encoding}, Cache-Control {cache}")


def client(base: str) -> None:
    wait_ready(base, 30)

    anonymous = Browser(base)
    response, _ = anonymous.get("/accounts/login/", proxy=False)
    location = response.getheader("Location", "")
    check(response.status == 301 and location.startswith("https://"), f"plain http: {response.status} {location}")
    ok(f"plain http (no X-Forwarded-Proto) is redirected to {location}")

    filler = Browser(base)
    filler.log_in("filler_a", "perfgoals-demo")
    # The demo's seed forms are 2020's; the list opens on the current year.
    my_forms = filler.page("/forms/?year=all")
    check_static(filler, my_forms)
    ok("/forms/?year=all: 200")
    filler.page("/forms/new/")
    ok("/forms/new/: 200")
    edit_links = [link for link in my_forms.links if re.fullmatch(r"/forms/\d+/edit/", link)]
    check(edit_links, "my forms lists an editable form")
    editor = filler.page(edit_links[0])
    check(editor.csrf, f"editor {edit_links[0]}: a form to post")
    ok(f"editor {edit_links[0]}: 200")
    response, data = filler.get(edit_links[0], headers={"Accept-Encoding": "gzip"})
    check(response.getheader("Content-Encoding", "") == "gzip", f"editor HTML compressed: {response.getheaders()}")
    check(b"indicator-editor" in gzip.decompress(data), "editor: the gzip body is the editor")
    cache = response.getheader("Cache-Control", "")
    check("no-store" in cache, f"editor: not stored by caches ({cache!r})")
    ok(f"editor HTML gzipped: {len(data)} bytes sent, Cache-Control {cache}")

    # The bulk export runs in the background worker: it finishes only if the worker runs.
    reviewer = Browser(base)
    reviewer.log_in("dept_reviewer", "perfgoals-demo")
    queue = reviewer.page("/forms/queue/")
    response, _ = reviewer.post("/forms/export/", {"csrfmiddlewaretoken": queue.csrf})
    status_url = response.getheader("Location", "")
    check(response.status == 302 and re.fullmatch(r"/forms/export/\d+/", status_url), f"export started: {status_url}")
    reviewer.page(status_url)
    deadline = time.monotonic() + 60
    while True:
        response, data = reviewer.get(status_url + "progress/")
        check(response.status == 200, f"export progress: {response.status}")
        state = json.loads(data)
        if state["download_url"] or state["status"] == "failed" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    check(state["download_url"], f"export finished: {state}")
    response, data = reviewer.get(state["download_url"])
    check(response.status == 200 and data[:2] == b"PK", f"export download: {response.status}, {len(data)} bytes")
    ok(f"bulk export run by the worker: {state['total']} forms, {len(data)} bytes of xlsx")

    admin = Browser(base)
    admin.log_in("smoke_admin", "smoke-admin-password-9f3k")
    admin.page("/admin/")
    ok("superuser from createsuperuser opens /admin/")


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "block":
        print(substitute(block(args[0]), args[1:]), end="")
    elif command == "units":
        print(install_dir()[0])
    elif command == "cron":
        print("\n".join(cron_commands()))
    elif command == "client":
        client(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
