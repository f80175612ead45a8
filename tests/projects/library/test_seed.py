from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from indicators.choices import LibraryScope, Sign
from indicators.models import LibraryEntry
from indicators.targets import normalize
from projects.exchange.textimport import default_framework_code, parse_text
from projects.library.seed import COMMON_ENTRIES, seed_library
from projects.models import AuditEntry

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


def published_rows() -> list[tuple[tuple, str]]:
    """(key, value) of every named row of the published forms; key = framework, 一级, 二级, folded name."""
    rows = []
    for path in SEEDS.glob("*.txt"):
        for form in parse_text(path.read_text(encoding="utf-8")):
            code = default_framework_code(form.kind, form.year)
            for row in form.indicators:
                if row["level3"].strip():
                    key = (code, row["level1"], row["level2"], normalize(row["level3"]).lower())
                    rows.append((key, row["value"].strip()))
    return rows


def stored_key(entry: LibraryEntry) -> tuple:
    return (entry.framework.code, entry.level1, entry.level2, normalize(entry.name).lower())


def test_seed_one_entry_per_distinct_published_indicator_plus_the_common_ones():
    seed_library()
    published = {key for key, _value in published_rows()}
    common = {(code, l1, l2, normalize(name).lower()) for code, l1, l2, name, *_rest in COMMON_ENTRIES}
    stored = [stored_key(e) for e in LibraryEntry.objects.select_related("framework")]
    assert len(stored) == len(set(stored))
    assert set(stored) == published | common
    # The published forms repeat indicators: deduplication did something.
    assert len(published_rows()) > len(published)


def test_seed_keeps_every_value_seen_most_frequent_first():
    seed_library()
    values: dict[tuple, Counter] = {}
    for key, value in published_rows():
        if value:
            values.setdefault(key, Counter())[value] += 1
    entries = {stored_key(e): e for e in LibraryEntry.objects.select_related("framework")}
    assert values
    for key, counts in values.items():
        seen = entries[key].seen_values
        assert set(seen) == set(counts)
        assert [counts[v] for v in seen] == sorted(counts.values(), reverse=True)


def test_seed_entries_are_common_searchable_and_suggest_a_value():
    seed_library()
    entry = LibraryEntry.objects.get(name="群众满意度")
    assert (entry.scope, entry.sign, entry.value, entry.unit) == (LibraryScope.COMMON, Sign.GE, "90", "%")
    assert (entry.search_name, entry.initials) == ("群众满意度", "qzmyd")
    assert LibraryEntry.objects.filter(name="服务对象满意度", form_kind="project").exists()
    assert entry.tags.exists()


def test_seed_library_is_idempotent():
    call_command("seed_library")
    before = list(LibraryEntry.objects.order_by("pk").values())
    audit = AuditEntry.objects.count()
    second = seed_library()
    assert (second.created, second.updated) == ([], [])
    assert list(LibraryEntry.objects.order_by("pk").values()) == before
    assert AuditEntry.objects.count() == audit


def test_demo_loads_a_filled_library():
    from projects.devdata.demo import load_demo

    load_demo()
    assert LibraryEntry.objects.filter(is_active=True).count() >= len(COMMON_ENTRIES) + len(
        {key for key, _v in published_rows()}
    )
