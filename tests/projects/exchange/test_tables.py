"""Plain tables to xlsx and back: what is written reads back, and every bad cell is named."""

import io

import pytest

from projects.exchange.reader import UploadError
from projects.exchange.tables import Column, Table, read_table, template_xlsx, write_tables

COLUMNS = [
    Column("code", "单位代码", max_length=5),
    Column("name", "单位名称", required=True),
    Column("kind", "类型", help="主管部门 或 预算单位"),
]


def _file(data: bytes, name: str = "t.xlsx") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_written_table_reads_back_with_row_numbers():
    data = write_tables(
        [
            Table(
                title="单位",
                columns=COLUMNS,
                heading="2021年度",
                rows=[["001", "市教育局", "主管部门"], [7, "市一中", ""]],
            )
        ]
    )
    rows = read_table(_file(data), COLUMNS)
    assert [(r.number, r.values) for r in rows] == [
        (3, {"code": "001", "name": "市教育局", "kind": "主管部门"}),
        (4, {"code": "7", "name": "市一中", "kind": ""}),
    ]


def test_columns_in_any_order_and_unknown_ones_ignored():
    reordered = [Column("extra", "备注"), COLUMNS[2], COLUMNS[1]]
    data = write_tables([Table(title="x", columns=reordered, rows=[["随便", "预算单位", "市二中"]])])
    assert read_table(_file(data), COLUMNS)[0].values == {"code": "", "name": "市二中", "kind": "预算单位"}


def test_every_problem_named_by_row_and_column():
    data = write_tables([Table(title="x", columns=COLUMNS, rows=[["123456", "", ""], ["1", "甲", ""]])])
    with pytest.raises(UploadError) as caught:
        read_table(_file(data), COLUMNS)
    assert caught.value.messages == [
        "第 2 行「单位代码」：最多 5 个字（现在 6 个字）。",
        "第 2 行「单位名称」：必须填写。",
    ]


def test_missing_header_and_empty_table_refused():
    with pytest.raises(UploadError, match="没有找到表头"):
        read_table(_file(write_tables([Table(title="x", columns=[Column("a", "别的")], rows=[["1"]])])), COLUMNS)
    with pytest.raises(UploadError, match="没有数据行"):
        read_table(_file(write_tables([Table(title="x", columns=COLUMNS)])), COLUMNS)


def test_row_cap_refused(settings):
    settings.PERFGOALS_UPLOAD_MAX_ROWS = 3
    data = write_tables([Table(title="x", columns=COLUMNS, rows=[["", f"单位{i}", ""] for i in range(5)])])
    with pytest.raises(UploadError, match="最多导入 3 行"):
        read_table(_file(data), COLUMNS)


def test_not_an_xlsx_refused():
    with pytest.raises(UploadError, match="不是 Excel"):
        read_table(_file(b"name,code\n"), COLUMNS)


def test_template_carries_header_and_help():
    rows = read_table(_file(template_xlsx("单位", COLUMNS, examples=[["", "示例单位", "预算单位"]])), COLUMNS)
    assert rows[0].values["name"] == "示例单位"
