"""The editor's POST as the browser sends it: header fields, the row formset and its management form.

For the tests and the benchmarks, which both save forms through the real editor view.
"""

from projects import schema
from projects.views.editor import FORMSET_PREFIX as PREFIX

ROW_KEYS = ("id", *(entry.name for entry in schema.ROW_FIELDS))


def stored_rows(indicators) -> list[dict]:
    """Stored rows as the editor shows them again: their ids and every catalogue row field."""
    return [{"id": row.pk, **{key: getattr(row, key) for key in ROW_KEYS[1:]}} for row in indicators]


def post_data(rows, *, header: dict, version=None, initial_forms=0, year=None):
    """rows: dicts of the catalogue's row fields (level1, level2, level3, value …), optionally id,
    DELETE and position."""
    data = dict(header)
    if version is not None:
        data["version"] = str(version)
    if year is not None:
        data["year"] = str(year)
    data[f"{PREFIX}-TOTAL_FORMS"] = str(len(rows))
    data[f"{PREFIX}-INITIAL_FORMS"] = str(initial_forms)
    data[f"{PREFIX}-MIN_NUM_FORMS"] = "0"
    data[f"{PREFIX}-MAX_NUM_FORMS"] = "1000"
    for i, row in enumerate(rows):
        data[f"{PREFIX}-{i}-position"] = str(row.get("position", i))
        for key in ROW_KEYS:
            if row.get(key) is not None:
                data[f"{PREFIX}-{i}-{key}"] = str(row[key])
        if row.get("DELETE"):
            data[f"{PREFIX}-{i}-DELETE"] = "on"
    return data
