"""Suggestions for a project: the rows of the most similar reference forms, and library entries.

A row is offered once per 二级 and normalised 三级 name, scored by the summed similarity of the
projects it comes from, and explained by them ("类似项目：…（2020，上海市公积金管理中心）").
The indexes are built once per process and brought up to date from the rows changed since,
so a request compares against distinct texts in memory instead of reading every narrative.
"""

import threading
import time
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _

from indicators.choices import LibraryScope, Sign
from indicators.models import FrameworkNode, IndicatorFramework, LibraryEntry

from .index import Member, SimilarityIndex
from .models import Reference
from .text import document, fold, name_key, topic

NEIGHBOURS = 20  # reference forms whose rows are pooled
PER_TEXT = 3  # forms taken from one text (a project refiled each year): the latest
MIN_SIMILARITY = 0.05
LIBRARY_MATCHES = 20
LIBRARY_MIN_SIMILARITY = 0.1
# A library entry's similarity counts for less than a similar project's: it matched words, not a project.
LIBRARY_WEIGHT = 0.5
DEFAULT_LIMIT = 10
MAX_LIMIT = 100


@dataclass
class Suggestion:
    level1: str
    level2: str
    level3: str
    value: str
    source: str
    score: float
    key: str
    library_entry: int | None = None

    def as_json(self) -> dict:
        return {
            "level1": self.level1,
            "level2": self.level2,
            "level3": self.level3,
            "value": self.value,
            "source": self.source,
        }


@dataclass
class _Candidate:
    level1: str
    level2: str
    level3: str
    value: str
    key: str
    score: float = 0.0
    projects: list[str] = field(default_factory=list)
    library: str = ""
    library_entry: int | None = None

    def source(self) -> str:
        parts = []
        if self.projects:
            first = _("类似项目：%(project)s") % {"project": self.projects[0]}
            if len(self.projects) > 1:
                first += _("等 %(n)s 个项目") % {"n": len(self.projects)}
            parts.append(first)
        if self.library:
            parts.append(self.library)
        return "；".join(parts)


# --- The cached indexes ---------------------------------------------------------------------


@dataclass
class _Cached:
    index: SimilarityIndex
    last: object  # the newest updated_at seen
    checked: float  # time.monotonic() of the last full check
    extra: dict = field(default_factory=dict)


_cache: dict[tuple, _Cached] = {}
_lock = threading.Lock()

# A request asks only for the newest updated_at (an index lookup); counting the references, which
# notices forms deleted outright (their references go by cascade), costs a scan of the table
# (70 ms over 50,000 references here), so it is done at most this often.
RECOUNT_SECONDS = 300
# The library is edited rarely, and the typeahead helper owns its indexes: a change shows within this.
LIBRARY_SECONDS = 30


def _cache_key(name: str, kind: str) -> tuple:
    return (connection.settings_dict["NAME"], name, kind)


def _documents(references):
    for form_id, year, text in references.values_list("perf_form_id", "year", "text").iterator(chunk_size=5000):
        yield Member(form_id, year), text


def reference_index(kind: str) -> SimilarityIndex:
    """The index of the kind's active reference forms, brought up to date with the table."""
    references = Reference.objects.filter(kind=kind)
    last = references.aggregate(last=Max("updated_at"))["last"]
    key = _cache_key("references", kind)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
        if cached and cached.last is not None and last is not None:
            if last != cached.last:
                changed = references.filter(updated_at__gt=cached.last)
                for form_id, year, text, active in changed.values_list("perf_form_id", "year", "text", "is_active"):
                    if active:
                        cached.index.add(Member(form_id, year), text)
                    else:
                        cached.index.discard(form_id)
                cached.last = last
            if now - cached.checked < RECOUNT_SECONDS:
                return cached.index
            if references.filter(is_active=True).count() == len(cached.index):
                cached.checked = now
                return cached.index
        elif cached and cached.last == last and now - cached.checked < RECOUNT_SECONDS:
            return cached.index
        _cache[key] = _Cached(SimilarityIndex(_documents(references.filter(is_active=True))), last, now)
        return _cache[key].index


def _library_text(entry: LibraryEntry) -> str:
    return document(entry.name, entry.explanation, entry.level2)


def library_index(form_kind: str) -> _Cached:
    """The index of the kind's active library entries, with who may see each (scope, owner)."""
    key = _cache_key("library", form_kind)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
        if cached and now - cached.checked < LIBRARY_SECONDS:
            return cached
        entries = LibraryEntry.objects.filter(form_kind=form_kind, is_active=True)
        last = entries.aggregate(last=Max("updated_at"))["last"]
        if cached and cached.last == last and cached.extra["count"] == entries.count():
            cached.checked = now
            return cached
        rows = list(entries.only("pk", "name", "explanation", "level2", "scope", "owner_id"))
        index = SimilarityIndex((Member(e.pk, 0), _library_text(e)) for e in rows)
        visible = {e.pk: (e.scope, e.owner_id) for e in rows}
        _cache[key] = _Cached(index, last, now, {"visible": visible, "count": len(rows)})
        return _cache[key]


def forget_indexes() -> None:
    """Drop the cached indexes (tests, and a bench measuring a cold start)."""
    with _lock:
        _cache.clear()


# --- The framework the rows are offered in --------------------------------------------------


class _Placement:
    """Where a row of another framework goes in this one: by 二级 topic (names and aliases).

    A row whose 二级 has no place in the framework is not offered: the editor has no group for
    it and the rules would call it unknown. Without a framework every row stays where it was.
    """

    def __init__(self, framework: IndicatorFramework | None):
        self.level2: dict[str, tuple[str, str]] = {}
        self.strict = framework is not None
        if framework is None:
            return
        nodes = list(FrameworkNode.objects.filter(framework=framework).select_related("parent"))
        for node in nodes:
            if node.parent is None:
                continue
            for name in [node.name, *node.alias_list()]:
                self.level2.setdefault(topic(name), (node.parent.name, node.name))

    def place(self, level1: str, level2: str) -> tuple[str, str] | None:
        return self.level2.get(topic(level2), None if self.strict else (level1, level2))


# --- Suggestions ------------------------------------------------------------------------------


def _neighbours(index: SimilarityIndex, query: str, exclude: frozenset[int], year: int | None):
    chosen: list[tuple[int, float]] = []
    for hit in index.search(query, limit=NEIGHBOURS, exclude=exclude, max_year=year):
        if hit.score < MIN_SIMILARITY:
            break
        latest = sorted(hit.members, key=lambda m: (-m.year, -m.key))[:PER_TEXT]
        chosen += [(m.key, hit.score) for m in latest]
        if len(chosen) >= NEIGHBOURS:
            break
    return chosen[:NEIGHBOURS]


def _project_rows(candidates: dict, chosen: list[tuple[int, float]], placement: _Placement) -> None:
    references = {
        r["perf_form_id"]: r
        for r in Reference.objects.filter(perf_form_id__in=[key for key, _score in chosen]).values(
            "perf_form_id", "year", "unit_name", "project_name", "rows"
        )
    }
    for form_id, score in chosen:
        reference = references.get(form_id)
        if reference is None:
            continue
        label = _("%(project)s（%(year)s，%(unit)s）") % {
            "project": reference["project_name"],
            "year": reference["year"],
            "unit": reference["unit_name"],
        }
        seen = set()
        for level1, level2, level3, value in reference["rows"]:
            placed = placement.place(level1, level2)
            if placed is None:
                continue
            level1, level2 = placed
            key = (topic(level2), name_key(level3))
            if not key[1] or key in seen:
                continue
            seen.add(key)
            candidate = candidates.get(key)
            if candidate is None:
                candidate = candidates[key] = _Candidate(level1, level2, level3, value, key[1])
            candidate.score += score
            candidate.projects.append(label)


def _entry_value(entry: LibraryEntry) -> str:
    value = entry.value or ""
    if entry.unit and not value.endswith(entry.unit):
        value += entry.unit
    if value and entry.sign in Sign.comparisons() and value[0] not in "<>=≥≤＞＜＝":
        value = Sign(entry.sign).label + value
    return value


def _library_rows(candidates: dict, query: str, form_kind: str, department_id: int | None, placement) -> None:
    cached = library_index(form_kind)
    visible = cached.extra["visible"]
    hidden = frozenset(
        pk
        for pk, (scope, owner_id) in visible.items()
        if not (scope == LibraryScope.COMMON or (department_id is not None and owner_id == department_id))
    )
    hits = [
        h
        for h in cached.index.search(query, limit=LIBRARY_MATCHES, exclude=hidden)
        if h.score >= LIBRARY_MIN_SIMILARITY
    ]
    entries = LibraryEntry.objects.in_bulk([m.key for h in hits for m in h.members])
    for hit in hits:
        for member in hit.members:
            entry = entries.get(member.key)
            if entry is None:
                continue
            placed = placement.place(entry.level1, entry.level2)
            if placed is None:
                continue
            level1, level2 = placed
            key = (topic(level2), name_key(entry.name))
            candidate = candidates.get(key)
            if candidate is None:
                candidate = candidates[key] = _Candidate(level1, level2, entry.name, _entry_value(entry), key[1])
            candidate.score += LIBRARY_WEIGHT * hit.score
            candidate.library = _("指标库（共性）") if entry.scope == LibraryScope.COMMON else _("指标库（个性）")
            candidate.library_entry = entry.pk


def suggest(
    *,
    kind: str,
    name: str,
    overview: str = "",
    basis: str = "",
    year: int | None = None,
    framework: IndicatorFramework | None = None,
    department_id: int | None = None,
    exclude_forms=(),
    limit: int = DEFAULT_LIMIT,
    library: bool = True,
) -> list[Suggestion]:
    """The best `limit` rows for a project of this name, 概况 and 立项依据, best first.

    History: reference forms of `kind` up to `year`, less `exclude_forms`; the library: active
    共性 entries and the 个性 ones of `department_id` (unless `library` is false: a measurement
    leaves it out, its entries were seeded from the very forms held out). Rows are placed in
    `framework` when given.
    """
    query = document(name, overview, basis)
    if not fold(query):
        return []
    placement = _Placement(framework)
    candidates: dict[tuple[str, str], _Candidate] = {}
    chosen = _neighbours(reference_index(kind), query, frozenset(int(pk) for pk in exclude_forms), year)
    _project_rows(candidates, chosen, placement)
    if library:
        _library_rows(candidates, query, kind, department_id, placement)
    ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.level2, c.key))[: max(1, min(limit, MAX_LIMIT))]
    return [
        Suggestion(c.level1, c.level2, c.level3, c.value, c.source(), round(c.score, 4), c.key, c.library_entry)
        for c in ranked
    ]


def grouped(suggestions: list[Suggestion]) -> list[dict]:
    """The suggestions by 一级/二级, the groups in the order of their best row."""
    groups: dict[tuple[str, str], dict] = {}
    for s in suggestions:
        group = groups.setdefault((s.level1, s.level2), {"level1": s.level1, "level2": s.level2, "items": []})
        group["items"].append({**s.as_json(), "key": s.key, "library_entry": s.library_entry})
    return list(groups.values())
