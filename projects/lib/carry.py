"""Which carried-over rows (引用上年) are still as last year's: pure, on anything with the row fields.

A row is 沿用上年 (unchanged) when every content field of the field catalogue (三级 name, value,
目标类型, 计算符号, notes, 权重 …) equals its source row's. The order and the parsed target are
not content: a row moved up, or re-parsed by a newer parser, is still unchanged.
"""

from collections.abc import Iterable, Mapping

from .. import schema

# Every row field of the catalogue: what the filler sees and may change.
CONTENT_FIELDS = tuple(entry.name for entry in schema.ROW_FIELDS)


def is_unchanged(row, source) -> bool:
    """`row` says exactly what `source` said; False when there is no source (a row added this year)."""
    if source is None:
        return False
    return all(getattr(row, name) == getattr(source, name) for name in CONTENT_FIELDS)


def unchanged_rows(rows: Iterable, source_rows: Mapping[int, object]) -> set[int]:
    """The pks of `rows` that are unchanged from their source row; `source_rows` maps a source pk to its row."""
    return {
        row.pk
        for row in rows
        if row.source_row_id is not None and is_unchanged(row, source_rows.get(row.source_row_id))
    }
