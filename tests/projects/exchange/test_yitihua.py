"""The exchange files as plain data: codes, CSV quoting, and the zip an admin uploads."""

import io
import json
import zipfile

import pytest

from projects.exchange import yitihua
from projects.exchange.yitihua import ExchangeError, Levels

AGENCY_HEADER = "AGENCY_CODE,AGENCY_NAME,AGENCY_KIND,PARENT_CODE\r\n"
CAPS = {"max_total_bytes": 10 * 2**20, "max_file_bytes": 5 * 2**20}


def empty_files() -> dict[str, bytes]:
    files = yitihua.export_tables(year=2020, mof_div_code="", agencies=[], forms=[], frameworks={})
    return files


@pytest.mark.parametrize(
    ("level1", "level2", "codes"),
    [
        ("产出指标", "数量指标", ("01", "0101")),
        ("产出指标", "质量指标", ("01", "0102")),
        ("效益指标", "社会效益指标", ("02", "0201")),
        ("产出指标", "自拟二级", ("01", "0199")),
        ("自拟一级", "数量指标", ("99", "9999")),
    ],
)
def test_levels_codes_by_position(level1, level2, codes):
    levels = Levels.of({"产出指标": ["数量指标", "质量指标"], "效益指标": ["社会效益指标"]})
    assert levels.codes(level1, level2) == codes


def test_csv_carries_commas_quotes_and_newlines():
    columns = [yitihua.Col("A", "a"), yitihua.Col("B", "b")]
    data = yitihua.csv_bytes(columns, [['a,"b"', "x\r\ny\nz"]])
    assert data.startswith(b"\xef\xbb\xbfA,B\r\n")
    records = list(yitihua._records("t.csv", data.decode("utf-8-sig"), columns, 10, yitihua._Problems()))
    assert records == [(2, {"A": 'a,"b"', "B": "x\r\ny\nz"})]


def test_manifest_lists_codes_and_counts():
    files = yitihua.export_tables(
        year=2020,
        mof_div_code="430000000",
        agencies=[yitihua.Agency("F1", "财政局", "finance")],
        forms=[],
        frameworks={"project": {"code": "p", "vocabulary": {"产出指标": ["数量指标"]}}},
    )
    manifest = json.loads(files["manifest.json"])
    assert manifest["tables"]["PG_AGENCY_INFO.csv"]["rows"] == 1
    assert manifest["codes"]["KPI_LV2"] == [
        {"framework": "p", "code": "0101", "level1": "产出指标", "name": "数量指标"}
    ]
    assert {"code": "1", "name": "≥"} in manifest["codes"]["COMPUTESIGN"]
    assert {"code": "9", "name": "定量（其他）"} in manifest["codes"]["COMPUTESIGN"]


def test_zip_round_trip_is_deterministic():
    files = empty_files()
    data = yitihua.zip_bytes(files)
    assert data == yitihua.zip_bytes(files)
    assert yitihua.read_zip(data, **CAPS) == files


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../PM_PERF_GOAL_INFO.csv": b"x"}, "不属于交换文件的条目：../PM_PERF_GOAL_INFO.csv"),
        ({"/etc/passwd": b"x"}, "不属于交换文件的条目：/etc/passwd"),
        ({"dir/manifest.json": b"{}"}, "不带文件夹"),
        ({"manifest.json": b"0" * (6 * 2**20)}, "超过单个文件上限 5 MB"),
        ({"manifest.json": b"0" * (3 * 2**20)}, "压缩比异常"),
    ],
)
def test_read_zip_refuses_tricks(members, message):
    with pytest.raises(ExchangeError) as caught:
        yitihua.read_zip(_zip(members), **CAPS)
    assert message in " ".join(caught.value.messages)


def test_read_zip_refuses_what_is_no_zip():
    with pytest.raises(ExchangeError, match="不是 zip 压缩包"):
        yitihua.read_zip(b"PK\x03\x04 broken", **CAPS)


def test_read_zip_refuses_total_past_cap():
    members = {name: b"1234567890" * 200_000 for name in yitihua.FILE_NAMES[:3]}  # 2 MB each, compressible
    with pytest.raises(ExchangeError, match="超过上限 5 MB"):
        yitihua.read_zip(_zip(members), max_total_bytes=5 * 2**20, max_file_bytes=5 * 2**20)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.pop("PM_PERF_INDICATOR.csv"), "缺少文件：PM_PERF_INDICATOR.csv"),
        (lambda f: f.update({"manifest.json": b"not json"}), "文件「manifest.json」：不是有效的 JSON。"),
        (lambda f: f.update({"manifest.json": b'{"format": "x"}'}), "不是本系统导出的交换文件"),
        (
            lambda f: f.update({"PG_AGENCY_INFO.csv": b"AGENCY_CODE\r\n"}),
            "缺少列：AGENCY_NAME、AGENCY_KIND、PARENT_CODE",
        ),
        (lambda f: f.update({"PG_AGENCY_INFO.csv": b"\xff\xfe"}), "不是 UTF-8 编码的文本"),
        (
            lambda f: f.update({"PG_AGENCY_INFO.csv": (AGENCY_HEADER + "U1,甲,预算单位,\r\n").encode()}),
            "文件「PG_AGENCY_INFO.csv」第 2 行「PARENT_CODE」：预算单位的上级必须是主管部门。",
        ),
        (
            lambda f: f.update({"PG_AGENCY_INFO.csv": (AGENCY_HEADER + "U1,甲,学校,\r\n").encode()}),
            "文件「PG_AGENCY_INFO.csv」第 2 行「AGENCY_KIND」：应为财政局、主管部门、预算单位之一。",
        ),
    ],
)
def test_read_tables_names_the_problem(change, message):
    files = empty_files()
    change(files)
    with pytest.raises(ExchangeError) as caught:
        yitihua.read_tables(files, max_rows=100)
    assert message in " ".join(caught.value.messages)


def test_read_tables_row_cap():
    files = empty_files()
    rows = "".join(f"D{i},部门{i},主管部门,\r\n" for i in range(5))
    files["PG_AGENCY_INFO.csv"] = ("AGENCY_CODE,AGENCY_NAME,AGENCY_KIND,PARENT_CODE\r\n" + rows).encode()
    with pytest.raises(ExchangeError, match="超过 3 行"):
        yitihua.read_tables(files, max_rows=3)
