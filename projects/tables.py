"""The official table layout, shared by the HTML view and the Excel export."""

from dataclasses import dataclass, field


@dataclass
class TableRow:
    row: object
    index: int
    level1_span: int = 0  # 0: this cell is merged into the one above
    level2_span: int = 0
    warnings: list = field(default_factory=list)


def indicator_table(rows: list, warnings_by_row: dict[int, list] | None = None) -> list[TableRow]:
    """Rows with rowspans for 一级 and 二级: consecutive equal cells merge, as on paper."""
    warnings_by_row = warnings_by_row or {}
    table = [TableRow(row=r, index=i, warnings=warnings_by_row.get(i, [])) for i, r in enumerate(rows)]
    level1_head = level2_head = None
    for item in table:
        r = item.row
        if level1_head is None or level1_head.row.level1 != r.level1:
            level1_head = item
            level2_head = None
        level1_head.level1_span += 1
        if level2_head is None or level2_head.row.level2 != r.level2:
            level2_head = item
        level2_head.level2_span += 1
    return table
