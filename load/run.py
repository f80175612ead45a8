"""`make load`: 50 simulated people on gunicorn for two minutes, then a check of every form's history.

Runs gunicorn (4 workers, 127.0.0.1 only, DEBUG off) on the PostgreSQL database of
`make bench` (bench/environment.py), and an asyncio client in which each simulated user logs in
through /accounts/login/ like a browser and then works: fillers open their forms, edit a value,
save (some save and submit, a few withdraw); reviewers page their queue, open a form awaiting
them and approve or return it. Every user thinks a few seconds between pages.

Counted apart: errors (5xx, timeouts, connection failures, unexpected 4xx, a lost session, a
page that refused our data) and expected business outcomes (a save refused because someone else
saved first, a form already acted on by another reviewer, a submit blocked by errors in the form).

Afterwards, for every form in the database: the chain of events from_status -> to_status starts
at draft, is unbroken and ends at the form's status; the transitions the users were told about
match the events written during the run, one for one; and the versions grew by exactly the
saves and transitions that succeeded (no lost or doubled update).

The same load then runs against TWO gunicorn instances on two loopback ports sharing the database,
each user alternating between them request by request, as behind a load balancer (same Host and
Origin): a session, CSRF token or message made by one instance must work on the other.

The deadline scenario (`--scenario deadline`, `make load-deadline`) is the morning of a deadline
on the five-year database of `make bench-history` (100,000 forms, bench/history.py): 200 people
ramping in over 60 s, then working for two minutes more, on ONE gunicorn configured by
perfgoals/gunicorn.conf.py as in production (`--worker-class`, `--workers`, `--threads` override it,
to compare). It runs on a fresh copy of that database (perfgoals_bench5_load), so that every run
starts from the same forms. Its targets: 0 errors, page p95 <= 1 s (the login POST apart), history
consistent.
Both scenarios also give the CPU the app server and PostgreSQL used, for sizing.

    python load/run.py [--seconds 120] [--users 50] [--instances 1,2] [--think 2,8]
    python load/run.py --scenario deadline [--worker-class gthread --workers 3 --threads 4]
"""

import argparse
import asyncio
import functools
import http.cookies
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import environment  # noqa: E402

WORKERS = 4
REQUEST_TIMEOUT = 30.0
GUNICORN_CONF = environment.ROOT / "perfgoals" / "gunicorn.conf.py"
RESULTS = environment.ROOT / "load-results.json"
TIMELINE_STEP = 15
# The deadline scenario works on a copy of the five-year database, made anew for each run.
LOAD_COPY = "perfgoals_bench5_load"

# name: defaults, and the p95 the pages (every request but the login POST) must stay under.
SCENARIOS = {
    "steady": {"users": 50, "seconds": 120, "ramp": 20, "instances": "1,2", "five_years": False, "p95_ms": 300},
    "deadline": {"users": 200, "seconds": 180, "ramp": 60, "instances": "1", "five_years": True, "p95_ms": 1000},
}


# --- Pages, read by their hooks --------------------------------------------------------------
#
# The client finds its way by URLs, form ids and the data- attributes the templates give it,
# never by wording or CSS classes, so rewording a button or restyling a message breaks nothing
# (tests/test_load_client.py proves it on pages the test client renders):
#   data-action="edit|view|review|submit|withdraw|approve|return"   links and forms to follow
#   data-form-id="<pk>" data-awaiting="1"                           a queue row awaiting this reviewer
#   data-message="success|info|warning|error"                        a message, by level
#   data-editable                                                    the editor form, while it can be saved
#   data-conflict-version="<version>"                                someone else saved first

HOOKS = {"data-action", "data-form-id", "data-message", "data-editable", "data-conflict-version"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class HtmlForm:
    action: str
    method: str
    id: str | None
    attrs: dict[str, str] = field(default_factory=dict)
    fields: list[tuple[str, str]] = field(default_factory=list)

    def data(self) -> dict[str, str | list[str]]:
        data: dict[str, str | list[str]] = {}
        for name, value in self.fields:
            if name in data:
                previous = data[name]
                data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                data[name] = value
        return data


class _FormParser(HTMLParser):
    """Successful controls of every form; <template> content is inert, as in a browser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self.by_id: dict[str, HtmlForm] = {}
        self.pending: list[tuple[str, str, str]] = []  # controls naming a form that comes later
        self.current: HtmlForm | None = None
        self.template_depth = 0
        self.textarea: tuple[dict, list[str]] | None = None
        self.select: dict | None = None

    def _add(self, attrs: dict, name: str, value: str) -> None:
        owner = attrs.get("form")
        if owner:
            if owner in self.by_id:
                self.by_id[owner].fields.append((name, value))
            else:
                self.pending.append((owner, name, value))
        elif self.current is not None:
            self.current.fields.append((name, value))

    def handle_starttag(self, tag, attrs):
        a = {k: ("" if v is None else v) for k, v in attrs}
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        if tag == "form":
            self.current = HtmlForm(a.get("action", ""), a.get("method", "get").lower(), a.get("id"), a)
            self.forms.append(self.current)
            if self.current.id:
                self.by_id[self.current.id] = self.current
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a, a["name"], a.get("value", "on"))
                return
            self._add(a, a["name"], a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self.textarea = (a, [])
        elif tag == "select" and a.get("name"):
            self.select = {"attrs": a, "first": None, "selected": None}
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in a:
                self.select["selected"] = value

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
        if self.template_depth:
            return
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea is not None:
            a, parts = self.textarea
            # Browsers drop the newline right after <textarea>.
            self._add(a, a["name"], "".join(parts).removeprefix("\n"))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"] if self.select["selected"] is not None else self.select["first"]
            self._add(self.select["attrs"], self.select["attrs"]["name"], chosen or "")
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    def close(self):
        super().close()
        for owner, name, value in self.pending:
            if owner in self.by_id:
                self.by_id[owner].fields.append((name, value))


def parse_forms(page: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(page)
    parser.close()
    return parser.forms


@dataclass
class Hook:
    """An element carrying one of HOOKS, with its text and the row (data-form-id) it sits in."""

    tag: str
    attrs: dict[str, str]
    row: dict[str, str]  # the attributes of the innermost enclosing element with data-form-id, else {}
    text: str = ""


class _HookParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hooks: list[Hook] = []
        self.open: list[tuple[str, Hook | None, dict[str, str] | None]] = []  # (tag, hook, row attrs)

    def handle_starttag(self, tag, attrs):
        a = {k: ("" if v is None else v) for k, v in attrs}
        row = next((r for _tag, _hook, r in reversed(self.open) if r is not None), {})
        hook = Hook(tag, a, row) if HOOKS & a.keys() else None
        if hook is not None:
            self.hooks.append(hook)
        if tag not in _VOID:
            self.open.append((tag, hook, a if "data-form-id" in a else None))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for _tag, hook, _row in self.open:
            if hook is not None:
                hook.text += data


@dataclass
class Page:
    """What the client reads off a page: its forms and its hooks."""

    forms: list[HtmlForm]
    hooks: list[Hook]

    def links(self, action: str) -> list[str]:
        """The hrefs of the links marked data-action=`action`, once each, in page order."""
        return list(dict.fromkeys(h.attrs["href"] for h in self.hooks if _is_link(h, action)))

    def awaiting_reviews(self) -> list[str]:
        """The review links of the queue rows awaiting this reviewer, in queue order."""
        return list(
            dict.fromkeys(h.attrs["href"] for h in self.hooks if _is_link(h, "review") and h.row.get("data-awaiting"))
        )

    def form(self, action: str) -> HtmlForm | None:
        return next((f for f in self.forms if f.attrs.get("data-action") == action), None)

    def messages(self) -> list[tuple[str, str]]:
        """(level, text) of each message shown."""
        return [(h.attrs["data-message"], " ".join(h.text.split())) for h in self.hooks if "data-message" in h.attrs]

    def said(self, level: str) -> bool:
        return any(found == level for found, _text in self.messages())

    def message_text(self) -> str:
        """Every message, for an error report."""
        return " | ".join(f"{level}: {text}" for level, text in self.messages())

    @property
    def editor(self) -> HtmlForm | None:
        return next((f for f in self.forms if f.id == "perf-form"), None)

    @property
    def editable(self) -> bool:
        return self.editor is not None and "data-editable" in self.editor.attrs

    @property
    def conflict(self) -> bool:
        return any("data-conflict-version" in h.attrs for h in self.hooks)


def _is_link(hook: Hook, action: str) -> bool:
    return hook.tag == "a" and hook.attrs.get("data-action") == action and bool(hook.attrs.get("href"))


def read_page(html: str) -> Page:
    parser = _HookParser()
    parser.feed(html)
    parser.close()
    return Page(parse_forms(html), parser.hooks)


# --- Statistics ------------------------------------------------------------------------------


@dataclass
class Stats:
    samples: list[tuple[str, float]] = field(default_factory=list)  # (kind, ms)
    started_at: list[float] = field(default_factory=list)  # time.monotonic() of each sample's request
    # Once a second: (time.monotonic(), how late this client's event loop woke, machine busy and total
    # CPU s, app server + PostgreSQL CPU s). A late loop would make every request in flight look slow;
    # a machine busy with other work, every server too.
    ticks: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    error_examples: dict[str, str] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)
    ports: Counter = field(default_factory=Counter)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        self.error_examples.setdefault(kind, detail[:300])


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def summary(values: list[float]) -> tuple[int, float, float, float]:
    return len(values), percentile(values, 0.50), percentile(values, 0.95), percentile(values, 0.99)


# --- One simulated person -------------------------------------------------------------------


class UserError(Exception):
    """This step failed (already counted); the user starts the next one."""


def kind_of(method: str, path: str) -> str:
    path = path.split("?")[0]
    rules = [
        (r"/accounts/login/$", "login" if method == "POST" else "login_page"),
        (r"/forms/queue/$", "queue"),
        (r"/forms/\d+/review/$", "review"),
        (r"/forms/\d+/edit/$", "save" if method == "POST" else "editor"),
        (r"/forms/\d+/(approve|return|withdraw|submit)/$", "transition"),
        (r"/forms/\d+/$", "detail"),
        (r"/forms/$", "my_forms"),
        (r"^/$", "home"),
    ]
    return next((name for pattern, name in rules if re.search(pattern, path)), "other")


class Browser:
    """Cookies, CSRF and redirects as a browser behind a load balancer handles them.

    The cookie jar is kept by hand: with DEBUG off the session and CSRF cookies are Secure,
    and httpx, like any cookie jar, will not send Secure cookies over the plain http this test
    uses on loopback (a TLS-terminating proxy would sit in front in production).
    """

    def __init__(self, username: str, ports: list[int], stats: Stats, rng: random.Random, think: tuple[float, float]):
        self.username = username
        self.ports = ports
        self.turn = 0
        self.host = f"127.0.0.1:{ports[0]}"
        self.origin = f"http://{self.host}"
        self.stats = stats
        self.rng = rng
        self.think_range = think
        self.cookies: dict[str, str] = {}
        self.client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT, follow_redirects=False)
        self.logged_in = False

    async def close(self):
        await self.client.aclose()

    async def think(self):
        await asyncio.sleep(self.rng.uniform(*self.think_range))

    def _store_cookies(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    # Sent back exactly as received (quoted if it was), as browsers do.
                    self.cookies[name] = morsel.coded_value

    async def _send(self, method: str, path: str, data=None, referer: str | None = None) -> httpx.Response:
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        # One connection per request, as nginx talks to its upstream by default (HTTP/1.0): a kept-alive
        # connection that gthread closes after its keepalive seconds races the next request on it
        # ("Server disconnected without sending a response"), which no user behind nginx would see.
        headers = {"Host": self.host, "User-Agent": "perfgoals-load/1", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
        kind = kind_of(method, path)
        started = time.perf_counter()
        try:
            response = await self.client.request(method, f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
        except httpx.TimeoutException as e:
            self.stats.error("timeout", f"{method} {path}: {e!r}")
            raise UserError from e
        except httpx.HTTPError as e:
            self.stats.error("connection", f"{method} {path}: {e!r}")
            raise UserError from e
        self.stats.samples.append((kind, (time.perf_counter() - started) * 1000))
        self.stats.started_at.append(time.monotonic() - (time.perf_counter() - started))
        self.stats.statuses[response.status_code] += 1
        self.stats.ports[port] += 1
        self.client.cookies.clear()
        self._store_cookies(response)
        if response.status_code >= 500:
            self.stats.error("5xx", f"{method} {path} -> {response.status_code}")
            raise UserError
        # 409 is the editor shown again with the user's input and why it was not saved
        # (someone else saved or submitted first): the caller reads the message.
        if response.status_code >= 400 and response.status_code != 409:
            self.stats.error(f"{response.status_code}", f"{method} {path} -> {response.text[:200]}")
            raise UserError
        location = response.headers.get("location", "")
        if self.logged_in and "/accounts/login/" in location:
            self.stats.error("session lost", f"{method} {path} -> {location}")
            raise UserError
        return response

    async def go(self, method: str, path: str, data=None, referer: str | None = None) -> tuple[str, httpx.Response]:
        """Request and follow redirects with GET; returns the final path and response."""
        response = await self._send(method, path, data, referer)
        for _hop in range(5):
            if response.status_code not in (301, 302, 303):
                return path, response
            path = response.headers["location"]
            response = await self._send("GET", path)
        self.stats.error("redirect loop", path)
        raise UserError

    async def login(self, password: str):
        _path, page = await self.go("GET", "/accounts/login/")
        form = next(f for f in parse_forms(page.text) if f.method == "post")
        data = form.data()
        data.update(username=self.username, password=password)
        path, page = await self.go("POST", "/accounts/login/", data)
        if not path.startswith("/forms/"):
            self.stats.error("login refused", f"{self.username}: {read_page(page.text).message_text() or path}")
            raise UserError
        self.logged_in = True


# --- What people do --------------------------------------------------------------------------


def save_outcomes(after: Page, status: int, submit: bool) -> list[str] | None:
    """What a save (and submit) came to, from the page it ended on; None when the page is unexpected."""
    if after.said("success"):
        return ["saved", "submitted"] if submit else ["saved"]
    if submit and after.said("warning"):
        # Saved, and the submit refused (errors in the form): the view says so as a warning.
        return ["saved", "submit blocked: errors in the form"]
    if after.conflict:
        return ["save conflict: someone saved first"]
    if status == 409 and after.editor is not None and not after.editable:
        # The editor again with the user's input: a colleague submitted the form meanwhile.
        return ["save refused: form moved on"]
    return None


def withdraw_outcomes(after: Page) -> list[str] | None:
    if after.said("success"):
        return ["withdrawn"]
    if after.said("error") and after.form("withdraw") is None:
        return ["withdraw refused: reviewer acted first"]
    return None


def review_outcomes(after: Page, decision: str) -> list[str] | None:
    """`decision`: "approved" or "returned", what the reviewer asked for."""
    if after.said("success"):
        return [decision]
    if after.said("error") and after.form("approve") is None and after.form("return") is None:
        return ["already acted on by someone else"]
    return None


def tally(b: Browser, outcomes: list[str] | None, detail: str) -> None:
    if outcomes is None:
        b.stats.error("unexpected page", detail)
    for outcome in outcomes or []:
        b.stats.outcomes[outcome] += 1


def _edit_one_value(data: dict, rng: random.Random) -> None:
    """Change the number in one indicator value, as someone correcting a target would."""
    names = [k for k, v in data.items() if k.endswith("-value") and isinstance(v, str) and re.search(r"\d", v)]
    if not names:
        return
    name = rng.choice(names)
    data[name] = re.sub(r"\d+", lambda m: str(int(m.group()) % 97 + 1), data[name], count=1)


async def filler_step(b: Browser, year_number: int) -> None:
    _path, response = await b.go("GET", f"/forms/?year={year_number}")
    listing = read_page(response.text)
    editable = listing.links("edit")
    if not editable or b.rng.random() < 0.1:
        # Look at a form in review; take one back now and then.
        opened = listing.links("view")
        if not opened:
            return
        url = b.rng.choice(opened)
        await b.think()
        _path, response = await b.go("GET", url)
        withdraw = read_page(response.text).form("withdraw")
        if withdraw is None or b.rng.random() < 0.5:
            return
        await b.think()
        _path, response = await b.go("POST", withdraw.action, withdraw.data(), referer=url)
        after = read_page(response.text)
        tally(b, withdraw_outcomes(after), f"withdraw {url}: {after.message_text() or response.text[:200]}")
        return
    # People work on the forms at the top of their list, so two people of a unit may meet on one.
    url = b.rng.choice(editable[:5])
    await b.think()
    path, response = await b.go("GET", url)
    if not path.endswith("/edit/"):
        b.stats.outcomes["form no longer editable on opening"] += 1
        return
    opened = read_page(response.text)
    if not opened.editable:
        b.stats.error("unexpected page", f"editor {url} without an editable form")
        return
    data = opened.editor.data()
    _edit_one_value(data, b.rng)
    submit = b.rng.random() < 0.3
    if submit:
        data["and_submit"] = "1"
    await b.think()
    _path, response = await b.go("POST", url, data)
    after = read_page(response.text)
    detail = f"save {url}: {after.message_text() or response.text[:200]}"
    tally(b, save_outcomes(after, response.status_code, submit), detail)


async def reviewer_step(b: Browser, year_pk: int, awaiting_status: str) -> None:
    extra = b.rng.choice(["", "", "&flags=warnings&sort=-warnings", "&sort=-budget"])
    page_number = b.rng.choice([1, 1, 1, 2])
    _path, queue = await b.go("GET", f"/forms/queue/?year={year_pk}&status={awaiting_status}{extra}&page={page_number}")
    awaiting = read_page(queue.text).awaiting_reviews()
    if not awaiting:
        return
    # Reviewers take from the top of the queue, so two of a department sometimes pick the same form.
    url = b.rng.choice(awaiting[:10])
    await b.think()
    _path, response = await b.go("GET", url)
    review = read_page(response.text)
    approve, send_back = review.form("approve"), review.form("return")
    if approve is None or send_back is None:
        b.stats.outcomes["form no longer awaiting on opening"] += 1
        return
    await b.think()
    if b.rng.random() < 0.8:
        decision, data = "approved", approve.data()
        data["comment"] = b.rng.choice(["", "同意。"])
        _path, response = await b.go("POST", approve.action, data, referer=url)
    else:
        decision, data = "returned", send_back.data()
        data["reason"] = "部分指标目标值需要核实，请修改后重新提交。"
        comments = [k for k in data if k.startswith("comment-")]
        if comments:
            data[b.rng.choice(comments)] = "请写明具体数量和单位。"
        _path, response = await b.go("POST", send_back.action, data, referer=url)
    after = read_page(response.text)
    tally(b, review_outcomes(after, decision), f"review {url}: {after.message_text() or response.text[:200]}")


async def person(b: Browser, step, start_delay: float, deadline: float, password: str) -> None:
    await asyncio.sleep(start_delay)
    try:
        while not b.logged_in and time.monotonic() < deadline:
            try:
                await b.login(password)
            except UserError:
                await b.think()
        while time.monotonic() < deadline:
            try:
                await step(b)
            except UserError:
                pass
            except Exception as e:  # a page we could not read is an error of the run, not a crash
                b.stats.error("client", f"{b.username}: {e!r}")
            await b.think()
    finally:
        await b.close()


# --- The people ------------------------------------------------------------------------------


def cast(users: int):
    """(username, role, awaiting status) for the mix: two thirds fillers, the rest reviewers.

    Fillers come in pairs from one unit and department reviewers in pairs from one department,
    so that concurrent edits and decisions on the same form really happen. The wide-scope finance
    reviewer and the bench_ accounts are left to `make bench`.
    """
    from projects.devdata.synthetic import (
        DEPARTMENTS_PER_FINANCE_REVIEWER,
        dept_reviewer_username,
        filler_username,
        finance_username,
    )

    departments = 20
    # No more reviewers than the generator made accounts for: four finance reviewers (five
    # departments each) and two per department.
    finance = min(4, max(1, users // 12))
    dept = min(2 * departments, max(2, (users - finance) // 3) // 2 * 2)
    fillers = users - finance - dept
    people = [(finance_username(k), "finance", "dept_approved") for k in range(1, finance + 1)]
    people += [
        (dept_reviewer_username(d, letter), "dept", "submitted")
        for d in range(1, dept // 2 + 1)
        for letter in ("a", "b")
    ]
    # Units of the reviewed departments first (unit u is under department 1 + (u - 1) % 20).
    units = [u for u in range(1, 201) if 1 + (u - 1) % departments <= max(dept // 2, DEPARTMENTS_PER_FINANCE_REVIEWER)]
    units += [u for u in range(1, 201) if u not in units]
    for i in range(fillers):
        people.append((filler_username(units[i // 2], "ab"[i % 2]), "filler", ""))
    return people[:users]


# --- Servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """One gunicorn on a loopback port; `config`: its worker arguments (see gunicorn_config)."""

    def __init__(self, port: int, env: dict[str, str], log_dir: Path, config: list[str]):
        self.port = port
        self.log = log_dir / f"gunicorn-{port}.log"
        self.access_log = log_dir / f"access-{port}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "perfgoals.wsgi:application",
            *config,
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(self.log),
            # Each request's own time in the worker, to tell slow pages from waiting for a free worker.
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            "%(m)s %(U)s %(L)s",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=environment.ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, host: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited:\n{self.log.read_text()[-2000:]}")
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{self.port}/accounts/login/", headers={"Host": host}).status_code
                    == 200
                ):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn on {self.port} not ready after {timeout} s")

    def server_ms(self) -> list[float]:
        """Milliseconds each page (not the login POST) spent in a worker (gunicorn's access log), once stopped."""
        if not self.access_log.exists():
            return []
        times = []
        for line in self.access_log.read_text().splitlines():
            method, path, seconds = line.split()
            if kind_of(method, path) != "login":
                times.append(float(seconds) * 1000)
        return times

    def cpu_seconds(self) -> float:
        """CPU used by the master and its workers so far, those that ended included."""
        workers = [pid for pid, parent in _processes() if parent == self.process.pid]
        return _cpu(self.process.pid, children=True) + sum(_cpu(pid) for pid in workers)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- CPU, for sizing -----------------------------------------------------------------------


def _processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            found.append((int(entry), int(stat.rsplit(")", 1)[1].split()[1])))
    return found


def _cpu(pid: int, children: bool = False) -> float:
    """utime + stime of a process (with children: plus those of its children it has reaped), in s."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU of every PostgreSQL process, backends that ended included: everyone's queries, not ours alone."""
    processes = _processes()
    postgres = set()
    for pid, _parent in processes:
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "postgres":
                postgres.add(pid)
        except OSError:
            continue
    # The postmaster (the one whose parent is not PostgreSQL) reaps the backends that end.
    return sum(_cpu(pid, children=parent not in postgres) for pid, parent in processes if pid in postgres)


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


# --- Checks on the database ------------------------------------------------------------------

BROKEN_LINKS = """
WITH ev AS (
  SELECT perf_form_id, from_status, to_status,
         LAG(to_status) OVER w AS previous_to, ROW_NUMBER() OVER w AS n
  FROM projects_formevent WINDOW w AS (PARTITION BY perf_form_id ORDER BY created_at, id))
SELECT count(*) FROM ev WHERE (n = 1 AND from_status <> 'draft') OR (n > 1 AND from_status <> previous_to)
"""
WRONG_END = """
SELECT count(*) FROM projects_performanceform f
LEFT JOIN LATERAL (
  SELECT to_status FROM projects_formevent e WHERE e.perf_form_id = f.id ORDER BY created_at DESC, id DESC LIMIT 1
) last ON true
WHERE COALESCE(last.to_status, 'draft') <> f.status
"""
SUBMISSIONS_MISMATCH = """
SELECT count(*) FROM projects_performanceform f
WHERE (SELECT count(*) FROM projects_formevent e WHERE e.perf_form_id = f.id AND e.action = 'submit')
   <> (SELECT count(*) FROM projects_submission s WHERE s.perf_form_id = f.id)
"""


def snapshot_state() -> dict:
    from django.db import connection
    from django.db.models import Max, Sum

    from projects.models import FormEvent, PerformanceForm

    state = {
        "version_sum": PerformanceForm.objects.aggregate(v=Sum("version"))["v"] or 0,
        "last_event": FormEvent.objects.aggregate(m=Max("id"))["m"] or 0,
    }
    connection.close()
    return state


def check_history(before: dict, stats: Stats) -> list[tuple[str, object, object, bool]]:
    """(check, expected, found, ok) rows."""
    from django.db import connection
    from django.db.models import Count

    from projects.models import Action, FormEvent

    after = snapshot_state()
    with connection.cursor() as cursor:
        counts = {}
        for name, sql in [
            ("broken links in event chains", BROKEN_LINKS),
            ("forms whose last event is not their status", WRONG_END),
            ("forms whose submissions differ from submit events", SUBMISSIONS_MISMATCH),
        ]:
            cursor.execute(sql)
            counts[name] = cursor.fetchone()[0]
    events = dict(FormEvent.objects.filter(id__gt=before["last_event"]).values_list("action").annotate(n=Count("id")))
    connection.close()
    o = stats.outcomes
    told_transitions = o["submitted"] + o["approved"] + o["returned"] + o["withdrawn"]
    rows = [(name, 0, found, found == 0) for name, found in counts.items()]
    rows += [
        ("submit events = submits users were told of", o["submitted"], events.get(Action.SUBMIT, 0)),
        (
            "approve events = approvals users were told of",
            o["approved"],
            events.get(Action.DEPT_APPROVE, 0) + events.get(Action.APPROVE, 0),
        ),
        ("return events = returns users were told of", o["returned"], events.get(Action.RETURN, 0)),
        ("withdraw events = withdrawals users were told of", o["withdrawn"], events.get(Action.WITHDRAW, 0)),
        (
            "version increase = saves + transitions told of",
            o["saved"] + told_transitions,
            after["version_sum"] - before["version_sum"],
        ),
    ]
    return [r if len(r) == 4 else (*r, r[1] == r[2]) for r in rows]


def local_state_report() -> list[str]:
    """Settings through which one process could keep state another does not see."""
    from django.conf import settings

    return [
        f"SESSION_ENGINE = {settings.SESSION_ENGINE}",
        f"MESSAGE_STORAGE = {settings.MESSAGE_STORAGE}",
        f"CSRF_USE_SESSIONS = {settings.CSRF_USE_SESSIONS} (cookie-based token, signed with SECRET_KEY)",
        f"CACHES default = {settings.CACHES['default']['BACKEND']} (nothing in projects/ or indicators/ uses it)",
    ]


# --- A run -----------------------------------------------------------------------------------


async def drive(ports: list[int], args, year_pk: int, stats: Stats, servers: list) -> float:
    rng = random.Random(args.seed)
    people = cast(args.users)
    deadline = time.monotonic() + args.seconds
    ramp = min(args.ramp, args.seconds / 2)
    tasks = []
    for i, (username, role, awaiting) in enumerate(people):
        b = Browser(username, ports, stats, random.Random(rng.random()), args.think)
        if role == "filler":
            step = functools.partial(filler_step, year_number=environment.YEAR)
        else:
            step = functools.partial(reviewer_step, year_pk=year_pk, awaiting_status=awaiting)
        tasks.append(person(b, step, ramp * i / len(people), deadline, args.password))
    started = time.monotonic()
    watch = asyncio.create_task(watch_machine(stats, servers))
    # Bounded: users start nothing new after the deadline; a request in flight has its timeout.
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=args.seconds + REQUEST_TIMEOUT * 6 + 60)
    finally:
        watch.cancel()
    return time.monotonic() - started


async def watch_machine(stats: Stats, servers: list) -> None:
    while True:
        asked = time.monotonic()
        await asyncio.sleep(1)
        now = time.monotonic()
        ours = sum(s.cpu_seconds() for s in servers) + postgres_cpu_seconds()
        stats.ticks.append((now, (now - asked - 1) * 1000, *machine_busy_seconds(), ours))


@dataclass
class Cpu:
    """CPU seconds used during a run: the app server's, PostgreSQL's (everyone's) and the machine's."""

    app: float
    postgres: float
    machine_busy: float
    machine_total: float

    @classmethod
    def now(cls, servers: list[Gunicorn]) -> "Cpu":
        busy, total = machine_busy_seconds()
        return cls(sum(s.cpu_seconds() for s in servers), postgres_cpu_seconds(), busy, total)

    def __sub__(self, other: "Cpu") -> "Cpu":
        return Cpu(*(a - b for a, b in zip(vars(self).values(), vars(other).values(), strict=True)))


def print_timeline(stats: Stats) -> None:
    """Pages by the time they were asked for, with what the client and the machine were doing then."""
    first = min(stats.started_at, default=0.0)
    windows: dict[int, list[float]] = {}
    for (kind, ms), at in zip(stats.samples, stats.started_at, strict=True):
        if kind != "login":
            windows.setdefault(int((at - first) // TIMELINE_STEP), []).append(ms)
    ticks: dict[int, list] = {}
    for tick in stats.ticks:
        ticks.setdefault(int((tick[0] - first) // TIMELINE_STEP), []).append(tick)
    cores = os.cpu_count() or 1
    print(f"pages every {TIMELINE_STEP} s:  pages/s   p50 ms   p95 ms  client lag ms  busy cores  app+PostgreSQL")
    for window, values in sorted(windows.items()):
        n, p50, p95, _p99 = summary(values)
        start = window * TIMELINE_STEP
        seen = ticks.get(window, [])
        lag = max((t[1] for t in seen), default=0.0)
        busy = ours = ""
        wall = (seen[-1][3] - seen[0][3]) / cores if len(seen) > 1 else 0.0
        if wall > 0:
            busy = f"{(seen[-1][2] - seen[0][2]) / wall:.2f}"
            ours = f"{(seen[-1][4] - seen[0][4]) / wall:.2f}"
        print(
            f"  {start:>4}-{start + TIMELINE_STEP:<4} s {n / TIMELINE_STEP:>8.1f} {p50:>8.0f} {p95:>8.0f} "
            f"{lag:>14.0f} {busy:>11} {ours:>15}"
        )


def report(title: str, stats: Stats, elapsed: float, checks, cpu: Cpu, p95_target: float, server_ms) -> dict:
    print(f"\n== {title}")
    everything = [ms for _k, ms in stats.samples]
    pages = [ms for k, ms in stats.samples if k != "login"]
    logins = [ms for k, ms in stats.samples if k == "login"]
    print(f"{'requests':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, values in [("all", everything), ("all but login POST", pages)]:
        n, p50, p95, p99 = summary(values)
        print(f"{label:<28} {n:>6} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f}")
    kinds = sorted({k for k, _ms in stats.samples})
    for kind in kinds:
        n, p50, p95, p99 = summary([ms for k, ms in stats.samples if k == kind])
        print(f"  {kind:<26} {n:>6} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f}")
    print_timeline(stats)
    n, worker_p50, worker_p95, worker_p99 = summary(server_ms)
    print(
        f"{'pages, in the worker':<28} {n:>6} {worker_p50:>8.0f} {worker_p95:>8.0f} {worker_p99:>8.0f}"
        "   (gunicorn's own time: the rest is waiting for a worker, or the network)"
    )
    rate = len(everything) / elapsed
    print(f"throughput: {rate:.1f} requests/s over {elapsed:.0f} s; by port: {dict(stats.ports)}")
    cores = os.cpu_count() or 1
    machine = cpu.machine_busy / cpu.machine_total * cores if cpu.machine_total else 0.0
    per_app_core = len(everything) / cpu.app if cpu.app else 0.0
    print(
        f"CPU: app server {cpu.app:.0f} s ({cpu.app / elapsed:.2f} cores), PostgreSQL {cpu.postgres:.0f} s "
        f"({cpu.postgres / elapsed:.2f} cores, anyone's), machine {machine:.2f} of {cores} cores busy "
        f"(load average now {os.getloadavg()[0]:.2f}); {per_app_core:.1f} requests per app-server CPU second"
    )
    print(f"HTTP statuses: {dict(sorted(stats.statuses.items()))}")
    print(f"errors: {sum(stats.errors.values())} {dict(stats.errors) if stats.errors else ''}")
    for kind, example in stats.error_examples.items():
        print(f"  e.g. {kind}: {example}")
    print("business outcomes (expected, not errors):")
    for outcome, n in sorted(stats.outcomes.items()):
        print(f"  {outcome:<45} {n:>6}")
    print("history checks:")
    ok = True
    for name, expected, found, passed in checks:
        ok &= passed
        print(f"  {'ok ' if passed else 'FAIL'} {name:<52} expected {expected}, found {found}")
    _n, page_p50, page_p95, page_p99 = summary(pages)
    _n, _p50, login_p95, _p99 = summary(logins)
    print(
        f"targets: 0 errors {'ok' if not stats.errors else 'MISSED'}; "
        f"p95 ≤ {p95_target:.0f} ms (pages) {'ok' if page_p95 <= p95_target else 'MISSED'}; "
        f"history {'ok' if ok else 'FAILED'}"
    )
    return {
        "title": title,
        "requests": len(everything),
        "errors": sum(stats.errors.values()),
        "error_kinds": dict(stats.errors),
        "page_p50_ms": round(page_p50),
        "page_p95_ms": round(page_p95),
        "page_p99_ms": round(page_p99),
        "page_p95_in_worker_ms": round(worker_p95),
        "login_p95_ms": round(login_p95),
        "requests_per_s": round(rate, 1),
        "seconds": round(elapsed),
        "app_cpu_cores": round(cpu.app / elapsed, 2),
        "postgres_cpu_cores": round(cpu.postgres / elapsed, 2),
        "machine_busy_cores": round(machine, 2),
        "requests_per_app_cpu_second": round(per_app_core, 1),
        "history_consistent": ok,
        "met": ok and not stats.errors and page_p95 <= p95_target,
    }


def gunicorn_config(args) -> tuple[list[str], str]:
    """(gunicorn arguments, description): production's config file with the overrides asked for."""
    if args.scenario == "steady" and not (args.worker_class or args.workers or args.threads):
        return ["--workers", str(WORKERS)], f"{WORKERS} sync workers"
    config = ["-c", str(GUNICORN_CONF)]
    if args.worker_class:
        config += ["--worker-class", args.worker_class]
    if args.worker_class == "sync" and not args.threads:
        # gunicorn turns a sync worker with threads > 1 (the config file's) into gthread.
        config += ["--threads", "1"]
    if args.workers:
        config += ["--workers", str(args.workers)]
    if args.threads:
        config += ["--threads", str(args.threads)]
    spec = _production_gunicorn()
    worker_class = args.worker_class or spec["worker_class"]
    workers = args.workers or spec["workers"]
    threads = args.threads or (1 if args.worker_class == "sync" else spec.get("threads", 1))
    threads_text = f" x {threads} threads" if worker_class == "gthread" else ""
    return config, f"{workers} {worker_class} workers{threads_text}"


def _production_gunicorn() -> dict:
    values: dict = {}
    exec(compile(GUNICORN_CONF.read_text(), str(GUNICORN_CONF), "exec"), values)
    return values


def run(instances: int, args, server_env: dict, year_pk: int, log_dir: Path) -> dict:
    ports = [free_port() for _ in range(instances)]
    config, workers = gunicorn_config(args)
    servers = []
    try:
        for port in ports:
            servers.append(Gunicorn(port, server_env, log_dir, config))
        for server in servers:
            server.wait_ready(f"127.0.0.1:{ports[0]}")
        before = snapshot_state()
        stats = Stats()
        title = f"{args.scenario}: {instances} gunicorn instance{'s' if instances > 1 else ''} × {workers} on {ports}"
        print(
            f"\n{title}: {args.users} users ramping in over {min(args.ramp, args.seconds / 2):.0f} s, "
            f"{args.seconds} s in all ...",
            flush=True,
        )
        cpu_before = Cpu.now(servers)
        elapsed = asyncio.run(drive(ports, args, year_pk, stats, servers))
        cpu = Cpu.now(servers) - cpu_before
    finally:
        for server in servers:
            server.stop()
    server_ms = [ms for server in servers for ms in server.server_ms()]
    target = SCENARIOS[args.scenario]["p95_ms"]
    result = report(title, stats, elapsed, check_history(before, stats), cpu, target, server_ms)
    return {"scenario": args.scenario, "instances": instances, "workers": workers, "users": args.users, **result}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="steady")
    parser.add_argument("--seconds", type=int, help="length of each run, ramp included (steady 120, deadline 180)")
    parser.add_argument("--users", type=int, help="steady 50, deadline 200")
    parser.add_argument("--ramp", type=float, help="seconds over which the users log in (steady 20, deadline 60)")
    parser.add_argument("--instances", help="runs to make, by number of gunicorn instances (steady 1,2; deadline 1)")
    parser.add_argument("--think", default="2,8", help="seconds a person pauses between pages: min,max")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--password", default=None, help="of the synthetic accounts (default the generator's)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], help="instead of gunicorn.conf.py's")
    parser.add_argument("--workers", type=int, help="instead of gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, help="per gthread worker, instead of gunicorn.conf.py's")
    parser.add_argument(
        "--pbkdf2-accounts",
        action="store_true",
        help="deadline only: every account starts with a PBKDF2 hash, as on the first morning after the switch "
        "to Argon2id (each login verifies PBKDF2, then Django re-hashes)",
    )
    args = parser.parse_args(argv)
    defaults = SCENARIOS[args.scenario]
    for name in ("seconds", "users", "ramp", "instances"):
        if getattr(args, name) is None:
            setattr(args, name, defaults[name])
    args.think = tuple(float(x) for x in args.think.split(","))

    if defaults["five_years"]:
        from bench import history

        history.prepare_databases()
        started = time.perf_counter()
        url = environment.fresh_copy(environment.history_database_url(), LOAD_COPY)
        print(f"running on {LOAD_COPY}, a fresh copy of the five-year database ({time.perf_counter() - started:.0f} s)")
        server_env = environment.configure(url)
    else:
        server_env = environment.configure()
        environment.prepare()
    from projects.devdata.synthetic import DEFAULT_PASSWORD
    from projects.models import FiscalYear

    args.password = args.password or DEFAULT_PASSWORD
    year_pk = FiscalYear.objects.get(year=environment.YEAR).pk
    if args.pbkdf2_accounts:
        if not defaults["five_years"]:
            parser.error("--pbkdf2-accounts changes the accounts: only on the deadline's copy of the database")
        _pbkdf2_accounts(args.password)
    print("state that could tie a user to one process:")
    for line in local_state_report():
        print(f"  {line}")
    results = []
    with tempfile.TemporaryDirectory(prefix="perfgoals-load-") as log_dir:
        for instances in (int(n) for n in args.instances.split(",")):
            results.append(run(instances, args, server_env, year_pk, Path(log_dir)))
    _record(results)
    return 0 if all(r["met"] for r in results) else 1


def _pbkdf2_accounts(password: str) -> None:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection

    from projects.accounts.models import User

    hasher = PBKDF2PasswordHasher()
    changed = User.objects.update(password=hasher.encode(password, hasher.salt()))
    connection.close()
    print(f"{changed} accounts start with a PBKDF2 hash ({hasher.iterations:,} iterations)")


def _record(results: list[dict]) -> None:
    """Append this run's figures to load-results.json (a list, newest last), for the README."""
    from datetime import UTC, datetime

    history = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    history += [{"measured_at": stamp, **r} for r in results]
    RESULTS.write_text(json.dumps(history, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nappended to {RESULTS.relative_to(environment.ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
