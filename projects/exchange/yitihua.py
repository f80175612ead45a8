"""The 预算管理一体化 exchange tables: described once, forms to CSV rows and back (pure: plain data in and out).

Four tables as deployed systems implement the technical standard (PM_PERF_GOAL_INFO,
PM_PERF_INDICATOR, BGT_PERF_GOAL_INFO, BGT_PERF_INDICATOR), plus one of ours (PG_AGENCY_INFO, the
organizations) and `manifest.json` (row counts and the code lists). The standard's columns cannot
carry a whole form (a project's narratives, its budget block, a row's 依据说明…), so every table
has columns of ours after the standard's, all named `PG_…`: with them an export read back is the
same form, field by field, and exporting it again gives the same bytes.

`export_tables` turns plain `ExportForm`s into the files; `read_tables` turns the files back into
`ImportForm`s and `Agency`s, checking every cell and naming each problem by file, row and column
(ExchangeError carries them all). projects.services.exchange does the database side.
"""

import csv
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.choices import FormKind, Sign, Standard, TargetScope, default_scoring

from .. import schema
from ..accounts.choices import OrganizationKind
from ..lib.money import DECIMAL_PLACES, MAX_DIGITS

FORMAT = "perfgoals-yitihua/1"
MANIFEST = "manifest.json"
AGENCY = "PG_AGENCY_INFO"
PM_GOAL, PM_INDICATOR = "PM_PERF_GOAL_INFO", "PM_PERF_INDICATOR"
BGT_GOAL, BGT_INDICATOR = "BGT_PERF_GOAL_INFO", "BGT_PERF_INDICATOR"
TABLES = (AGENCY, PM_GOAL, PM_INDICATOR, BGT_GOAL, BGT_INDICATOR)
FILE_NAMES = tuple(f"{table}.csv" for table in TABLES) + (MANIFEST,)

# The deployed dictionary of 计算符号 (COMPUTESIGN); 7 不适用 is ours (the dictionary has no such entry).
SIGN_CODES = {
    Sign.GE: "1",
    Sign.GT: "2",
    Sign.EQ: "3",
    Sign.LT: "4",
    Sign.LE: "5",
    Sign.QUALITATIVE: "6",
    Sign.NA: "7",
    Sign.OTHER: "9",
}
SIGNS_BY_CODE = {code: sign for sign, code in SIGN_CODES.items()}
YEARFLAG = {TargetScope.ANNUAL: "0", TargetScope.OVERALL: "1"}
SCOPES_BY_FLAG = {flag: scope for scope, flag in YEARFLAG.items()}
# 一级 / 二级 names outside the year's framework (a published form's own category) get these codes.
UNKNOWN_CODE = "99"
# KPI_PER_ID and KPI_ID are name-based UUIDs, so the same form exports the same ids everywhere.
ID_NAMESPACE = uuid.UUID("6f1d2c3e-6a55-4b8e-9a7e-2f3b8c1d0e42")


@dataclass(frozen=True)
class Col:
    name: str
    label: str  # what the column holds, for the readme and the manifest
    ours: bool = False  # not a column of the standard's tables
    max_length: int | None = None
    required: bool = False


def _catalogue_columns(kind: str, mapped: set[str]) -> list[Col]:
    """A PG_ column for every header and budget field of the kind the standard's columns do not carry."""
    return [
        Col(f"PG_{entry.name.upper()}", str(entry.label), ours=True, max_length=entry.max_length)
        for entry in schema.fields(kind)
        if entry.name not in mapped
    ]


# Where the standard has a column for a catalogue field, the field goes there.
GOAL_TEXT = {FormKind.PROJECT: "goals", FormKind.DEPARTMENT: "overall_goal"}
PROJECT_MAPPED = {"project_code", "goals"}
DEPARTMENT_MAPPED = {"overall_goal"}
KEY_COLUMN = {FormKind.PROJECT: "PRO_CODE", FormKind.DEPARTMENT: "DEPT_CODE"}
GOAL_TABLE = {FormKind.PROJECT: PM_GOAL, FormKind.DEPARTMENT: BGT_GOAL}
INDICATOR_TABLE = {FormKind.PROJECT: PM_INDICATOR, FormKind.DEPARTMENT: BGT_INDICATOR}
CODE = schema.CODE_MAX_LENGTH


def _goal_columns(kind: str) -> list[Col]:
    key = KEY_COLUMN[kind]
    standard = [
        Col("KPI_PER_ID", _("绩效目标编号"), max_length=36, required=True),
        Col("MOF_DIV_CODE", _("财政区划代码"), max_length=9),
        Col("FISCAL_YEAR", _("预算年度"), max_length=4, required=True),
        Col(key, _("项目代码") if kind == FormKind.PROJECT else _("部门代码"), max_length=CODE, required=True),
    ]
    if kind == FormKind.PROJECT:
        standard.append(Col("AGENCY_CODE", _("单位代码"), max_length=CODE, required=True))
    goal = schema.get(GOAL_TEXT[kind])
    standard += [
        Col("KPI_TARGET", str(goal.label), max_length=goal.max_length),
        Col("VERSION", _("版本号"), max_length=10),
        Col("VERSION_NAME", _("版本名称"), max_length=50),
    ]
    mapped = PROJECT_MAPPED if kind == FormKind.PROJECT else DEPARTMENT_MAPPED
    return standard + _catalogue_columns(kind, mapped)


def _indicator_columns(kind: str) -> list[Col]:
    row = schema.get
    return [
        Col("KPI_ID", _("指标编号"), max_length=36, required=True),
        # Which goal row the indicator belongs to; the standard's tables link by PRO_CODE / DEPT_CODE.
        Col("KPI_PER_ID", _("绩效目标编号"), ours=True, max_length=36, required=True),
        Col(
            KEY_COLUMN[kind],
            _("项目代码") if kind == FormKind.PROJECT else _("部门代码"),
            max_length=CODE,
            required=True,
        ),
        Col("KPI_LV1", _("一级指标代码"), max_length=30),
        Col("KPI_LV2", _("二级指标代码"), max_length=30),
        Col("KPI_LV3", _("三级指标代码"), max_length=30),
        Col("KPI_CONTENT", str(row("level3").label), max_length=row("level3").max_length, required=True),
        Col("KPI_VAL", _("指标值"), max_length=row("value").max_length),
        Col("METERUNIT", _("计量单位"), max_length=50),
        Col("COMPUTESIGN", str(row("sign").label), max_length=1),
        Col("KPI_EVALSTD", str(row("scoring").label), max_length=row("scoring").max_length),
        Col("VALUE_REMARK", str(row("value_note").label), max_length=row("value_note").max_length),
        Col("INDEXSTANDARDS", str(row("standard").label), max_length=20),
        Col("WEIGHT", str(row("weight").label), max_length=10),
        Col("YEARFLAG", str(row("scope").label), max_length=1, required=True),
        Col("KPI_REMARK", str(row("remark").label), max_length=row("remark").max_length),
        Col("PG_ORDER", _("表内顺序"), ours=True, max_length=6, required=True),
        Col("PG_LEVEL1", str(row("level1").label), ours=True, max_length=row("level1").max_length, required=True),
        Col("PG_LEVEL2", str(row("level2").label), ours=True, max_length=row("level2").max_length, required=True),
        Col("PG_LEVEL2_LABEL", str(row("level2_label").label), ours=True, max_length=row("level2_label").max_length),
        Col("PG_VALUE", _("指标目标值（原文）"), ours=True, max_length=row("value").max_length),
        Col("PG_SCORING", _("评（扣）分标准（原文，可为空）"), ours=True, max_length=row("scoring").max_length),
        Col("PG_STANDARD_NOTE", str(row("standard_note").label), ours=True, max_length=row("standard_note").max_length),
        Col("PG_EXPLANATION", str(row("explanation").label), ours=True, max_length=row("explanation").max_length),
    ]


AGENCY_COLUMNS = [
    Col("AGENCY_CODE", _("单位代码"), ours=True, max_length=CODE, required=True),
    Col("AGENCY_NAME", _("单位名称"), ours=True, max_length=200, required=True),
    Col("AGENCY_KIND", _("单位类型"), ours=True, max_length=10, required=True),
    Col("PARENT_CODE", _("上级单位代码"), ours=True, max_length=CODE),
]
COLUMNS: dict[str, list[Col]] = {
    AGENCY: AGENCY_COLUMNS,
    PM_GOAL: _goal_columns(FormKind.PROJECT),
    PM_INDICATOR: _indicator_columns(FormKind.PROJECT),
    BGT_GOAL: _goal_columns(FormKind.DEPARTMENT),
    BGT_INDICATOR: _indicator_columns(FormKind.DEPARTMENT),
}
KINDS_BY_LABEL = {str(kind.label): kind.value for kind in OrganizationKind}
STANDARDS_BY_LABEL = {str(s.label): s.value for s in Standard}


# --- Plain data in and out -------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: str  # OrganizationKind
    parent_code: str = ""
    row: int = 0  # its row in PG_AGENCY_INFO.csv, for messages


@dataclass
class ExportForm:
    """One form as the export reads it: kind, the filing organization's code, catalogue values, rows."""

    kind: str
    agency_code: str
    values: dict  # every catalogue field of the kind (project_code set)
    rows: list[dict]  # every catalogue row field, in order


@dataclass
class ImportForm:
    kind: str
    agency_code: str
    values: dict
    rows: list[dict] = field(default_factory=list)
    where: str = ""  # "PM_PERF_GOAL_INFO.csv 第 2 行", for messages about the form as a whole


@dataclass(frozen=True)
class Levels:
    """The 一级/二级 codes of one framework: position-based, "01", "0102"…"""

    level1: dict[str, str]
    level2: dict[tuple[str, str], str]

    @classmethod
    def of(cls, vocabulary: dict[str, list[str]]) -> "Levels":
        level1, level2 = {}, {}
        for i, (name1, names2) in enumerate(vocabulary.items(), start=1):
            level1[name1] = f"{i:02d}"
            for j, name2 in enumerate(names2, start=1):
                level2[name1, name2] = f"{i:02d}{j:02d}"
        return cls(level1, level2)

    def codes(self, level1: str, level2: str) -> tuple[str, str]:
        code1 = self.level1.get(level1, UNKNOWN_CODE)
        return code1, self.level2.get((level1, level2), code1 + UNKNOWN_CODE)


class ExchangeError(Exception):
    """Every problem found in the files, each naming file, row and column (in Chinese)."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("；".join(messages))


# --- Values as text --------------------------------------------------------------------


def money_text(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount.quantize(Decimal(1).scaleb(-DECIMAL_PLACES)):f}"


def number_text(number: Decimal | None) -> str:
    """A parsed number without trailing zeros (95.000000 -> 95)."""
    if number is None:
        return ""
    return f"{number.normalize():f}"


def _value_text(entry: schema.FormField, value) -> str:
    if value is None:
        return ""
    if entry.kind == schema.MONEY:
        return money_text(value)
    if entry.kind == schema.DATE:
        return value.isoformat()
    if entry.kind == schema.BOOL:
        return "1" if value else "0"
    return str(value)


def short_hash(text: str, length: int) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:length].upper()


def form_id(mof_div_code: str, year: int, kind: str, key: str) -> str:
    return uuid.uuid5(ID_NAMESPACE, f"{mof_div_code}/{year}/{kind}/{key}").hex.upper()


def row_id(per_id: str, order: int) -> str:
    return uuid.uuid5(ID_NAMESPACE, f"{per_id}/{order}").hex.upper()


# --- Export ----------------------------------------------------------------------------


def csv_bytes(columns: Sequence[Col], rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with a BOM (so that Excel opens the Chinese right), a header row, CRLF between records."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _goal_row(form: ExportForm, year: int, mof_div_code: str, per_id: str) -> list[str]:
    key = form.values["project_code"] if form.kind == FormKind.PROJECT else form.agency_code
    cells = {
        "KPI_PER_ID": per_id,
        "MOF_DIV_CODE": mof_div_code,
        "FISCAL_YEAR": str(year),
        KEY_COLUMN[form.kind]: key,
        "AGENCY_CODE": form.agency_code,
        "KPI_TARGET": form.values.get(GOAL_TEXT[form.kind]) or "",
        "VERSION": "1",
        "VERSION_NAME": _("绩效目标申报"),
    }
    for entry in schema.fields(form.kind):
        cells.setdefault(f"PG_{entry.name.upper()}", _value_text(entry, form.values.get(entry.name)))
    return [cells[c.name] for c in COLUMNS[GOAL_TABLE[form.kind]]]


def _indicator_rows(form: ExportForm, key: str, per_id: str, levels: Levels) -> list[list[str]]:
    rows, seen = [], {}
    for order, row in enumerate(form.rows, start=1):
        code1, code2 = levels.codes(row["level1"], row["level2"])
        seen[code2] = seen.get(code2, 0) + 1
        sign = row["sign"]
        cells = {
            "KPI_ID": row_id(per_id, order),
            "KPI_PER_ID": per_id,
            KEY_COLUMN[form.kind]: key,
            "KPI_LV1": code1,
            "KPI_LV2": code2,
            "KPI_LV3": f"{code2}{seen[code2]:03d}",
            "KPI_CONTENT": row["level3"],
            "KPI_VAL": row["indicator_value"],
            "METERUNIT": row["measure_unit"],
            "COMPUTESIGN": SIGN_CODES.get(sign, ""),
            # Mandatory in the standard: the row's own, else what its sign means, else its name.
            "KPI_EVALSTD": row["scoring"] or default_scoring(sign) or row["level3"],
            "VALUE_REMARK": row["value_note"],
            "INDEXSTANDARDS": str(Standard(row["standard"]).label) if row["standard"] else "",
            "WEIGHT": money_text(row["weight"]),
            "YEARFLAG": YEARFLAG[row["scope"] or TargetScope.ANNUAL],
            "KPI_REMARK": row["remark"],
            "PG_ORDER": str(order),
            "PG_LEVEL1": row["level1"],
            "PG_LEVEL2": row["level2"],
            "PG_LEVEL2_LABEL": row["level2_label"],
            "PG_VALUE": row["value"],
            "PG_SCORING": row["scoring"],
            "PG_STANDARD_NOTE": row["standard_note"],
            "PG_EXPLANATION": row["explanation"],
        }
        rows.append([cells[c.name] for c in COLUMNS[INDICATOR_TABLE[form.kind]]])
    return rows


def export_tables(
    *,
    year: int,
    mof_div_code: str,
    agencies: Sequence[Agency],
    forms: Sequence[ExportForm],
    frameworks: dict[str, dict],
) -> dict[str, bytes]:
    """{file name: bytes} for a year: the five CSV files and manifest.json.

    `frameworks` is {form kind: {"code": framework code, "vocabulary": {一级: [二级…]}}}. Forms
    come sorted by their key, agencies by code, so the same data always gives the same bytes.
    """
    levels = {kind: Levels.of(spec["vocabulary"]) for kind, spec in frameworks.items()}
    tables: dict[str, list[list[str]]] = {table: [] for table in TABLES}
    tables[AGENCY] = [
        [a.code, a.name, str(OrganizationKind(a.kind).label), a.parent_code] for a in sorted(agencies, key=_code)
    ]
    for form in sorted(forms, key=lambda f: (f.kind, _form_key(f))):
        key = _form_key(form)
        per_id = form_id(mof_div_code, year, form.kind, key)
        tables[GOAL_TABLE[form.kind]].append(_goal_row(form, year, mof_div_code, per_id))
        level = levels.get(form.kind) or Levels({}, {})
        tables[INDICATOR_TABLE[form.kind]] += _indicator_rows(form, key, per_id, level)
    files = {f"{table}.csv": csv_bytes(COLUMNS[table], rows) for table, rows in tables.items()}
    files[MANIFEST] = manifest_bytes(year, mof_div_code, frameworks, levels, tables, files)
    return files


def _code(agency: Agency) -> str:
    return agency.code


def _form_key(form: ExportForm) -> str:
    return form.values["project_code"] if form.kind == FormKind.PROJECT else form.agency_code


def manifest_bytes(year, mof_div_code, frameworks, levels, tables, files) -> bytes:
    level1 = [
        {"framework": spec["code"], "code": code, "name": name}
        for kind, spec in sorted(frameworks.items())
        for name, code in levels[kind].level1.items()
    ]
    level2 = [
        {"framework": spec["code"], "code": code, "level1": name1, "name": name2}
        for kind, spec in sorted(frameworks.items())
        for (name1, name2), code in levels[kind].level2.items()
    ]
    manifest = {
        "format": FORMAT,
        "fiscal_year": year,
        "mof_div_code": mof_div_code,
        "frameworks": {kind: spec["code"] for kind, spec in sorted(frameworks.items())},
        "tables": {
            f"{table}.csv": {
                "rows": len(tables[table]),
                "sha256": hashlib.sha256(files[f"{table}.csv"]).hexdigest(),
                "columns": [{"name": c.name, "label": c.label, "ours": c.ours} for c in COLUMNS[table]],
            }
            for table in TABLES
        },
        "codes": {
            "KPI_LV1": level1,
            "KPI_LV2": level2,
            "KPI_LV1_UNKNOWN": UNKNOWN_CODE,
            "COMPUTESIGN": [{"code": code, "name": str(Sign(sign).label)} for sign, code in SIGN_CODES.items()],
            "YEARFLAG": [{"code": flag, "name": str(TargetScope(scope).label)} for scope, flag in YEARFLAG.items()],
            "INDEXSTANDARDS": [str(s.label) for s in Standard],
            "AGENCY_KIND": [str(k.label) for k in OrganizationKind],
        },
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


# --- Import ----------------------------------------------------------------------------


@dataclass
class ReadFiles:
    year: int
    frameworks: dict[str, str]  # form kind -> framework code
    agencies: list[Agency]
    forms: list[ImportForm]


class _Problems:
    """Collects every problem, stopping at a hundred (nobody reads the 500th)."""

    LIMIT = 100

    def __init__(self):
        self.messages: list[str] = []

    def add(self, file: str, row: int | None, column: str | None, problem: str) -> None:
        if len(self.messages) >= self.LIMIT:
            return
        if row is None:
            self.messages.append(_("文件「%(file)s」：%(problem)s") % {"file": file, "problem": problem})
        else:
            self.messages.append(
                _("文件「%(file)s」第 %(row)s 行「%(column)s」：%(problem)s")
                % {"file": file, "row": row, "column": column, "problem": problem}
            )

    def raise_any(self) -> None:
        if self.messages:
            raise ExchangeError(self.messages)


def _decode(name: str, data: bytes, problems: _Problems) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(name, None, None, _("不是 UTF-8 编码的文本。"))
        return None
    if "\x00" in text:
        problems.add(name, None, None, _("含有二进制数据（NUL 字符），不是 CSV 文本。"))
        return None
    return text


def _records(name: str, text: str, columns: list[Col], max_rows: int, problems: _Problems):
    """(row number, {column: text}) per record; the header is row 1, as a spreadsheet shows it."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            problems.add(name, None, None, _("文件是空的，没有表头。"))
            return
        missing = [c.name for c in columns if c.name not in header]
        if missing:
            problems.add(name, None, None, _("缺少列：%(columns)s。") % {"columns": "、".join(missing)})
            return
        positions = {c.name: header.index(c.name) for c in columns}
        for number, record in enumerate(reader, start=2):
            if number - 1 > max_rows:
                problems.add(name, None, None, _("超过 %(n)s 行，超出一次导入的上限。") % {"n": max_rows})
                return
            if not any(record):
                continue
            values = {key: record[pos] if pos < len(record) else "" for key, pos in positions.items()}
            for column in columns:
                text = values[column.name]
                if column.required and not text.strip():
                    problems.add(name, number, column.name, _("必须填写。"))
                elif column.max_length and len(text) > column.max_length:
                    problems.add(
                        name,
                        number,
                        column.name,
                        _("最多 %(n)s 个字（现在 %(count)s 个字）。") % {"n": column.max_length, "count": len(text)},
                    )
            yield number, values
    except csv.Error as exc:
        problems.add(name, reader.line_num, "-", _("CSV 格式有误（%(error)s）。") % {"error": exc})


def _parse_value(entry: schema.FormField, text: str, fail: Callable[[str], None]):
    if entry.kind == schema.MONEY:
        return _decimal(text, MAX_DIGITS, fail)
    if entry.kind == schema.DATE:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            fail(_("日期应写成 2020-01-31 的格式：%(text)s") % {"text": text[:30]})
            return None
    if entry.kind == schema.BOOL:
        if text not in ("", "0", "1"):
            fail(_("应为 1（是）、0（否）或空：%(text)s") % {"text": text[:30]})
        return None if text == "" else text == "1"
    return text


def _decimal(text: str, max_digits: int, fail: Callable[[str], None], high: Decimal | None = None):
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        fail(_("不是数字：%(text)s") % {"text": text[:30]})
        return None
    places = Decimal(1).scaleb(-DECIMAL_PLACES)
    if number < 0 or number != number.quantize(places) or number.adjusted() >= max_digits - DECIMAL_PLACES:
        fail(_("应为不超过 %(n)s 位整数、最多两位小数的非负数：%(text)s") % {"n": max_digits - 2, "text": text[:30]})
        return None
    if high is not None and number > high:
        fail(_("不能大于 %(high)s：%(text)s") % {"high": high, "text": text[:30]})
        return None
    return number.quantize(places)


def _read_manifest(files: dict[str, bytes], problems: _Problems) -> dict | None:
    try:
        manifest = json.loads(files[MANIFEST].decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        problems.add(MANIFEST, None, None, _("不是有效的 JSON。"))
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        wrong = _("格式标识不是 %(format)s，不是本系统导出的交换文件。") % {"format": FORMAT}
        problems.add(MANIFEST, None, None, wrong)
        return None
    year, frameworks = manifest.get("fiscal_year"), manifest.get("frameworks")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.add(MANIFEST, None, None, _("fiscal_year 应为 2000–2100 之间的年度。"))
        return None
    if not isinstance(frameworks, dict) or not all(
        k in FormKind.values and isinstance(v, str) and v for k, v in frameworks.items()
    ):
        problems.add(MANIFEST, None, None, _("frameworks 应列出各表类型的指标体系代码。"))
        return None
    return manifest


def _read_agencies(files, max_rows, problems) -> list[Agency]:
    name = f"{AGENCY}.csv"
    agencies, codes, names = [], {}, {}
    text = _decode(name, files[name], problems)
    for number, values in _records(name, text or "", AGENCY_COLUMNS, max_rows, problems) if text else ():
        code, kind_label = values["AGENCY_CODE"].strip(), values["AGENCY_KIND"].strip()
        kind = KINDS_BY_LABEL.get(kind_label)
        if kind_label and kind is None:
            problems.add(name, number, "AGENCY_KIND", _("应为%(kinds)s之一。") % {"kinds": "、".join(KINDS_BY_LABEL)})
        if code in codes:
            problems.add(
                name, number, "AGENCY_CODE", _("与第 %(row)s 行重复：%(code)s") % {"row": codes[code], "code": code}
            )
        if values["AGENCY_NAME"] in names:
            problems.add(
                name, number, "AGENCY_NAME", _("与第 %(row)s 行重复。") % {"row": names[values["AGENCY_NAME"]]}
            )
        codes.setdefault(code, number)
        names.setdefault(values["AGENCY_NAME"], number)
        agencies.append(Agency(code, values["AGENCY_NAME"], kind or "", values["PARENT_CODE"].strip(), number))
    by_code = {a.code: a for a in agencies}
    for agency in agencies:
        parent = by_code.get(agency.parent_code)
        number = codes[agency.code]
        if agency.parent_code and parent is None:
            problems.add(
                name, number, "PARENT_CODE", _("上级单位代码 %(code)s 不在本文件中。") % {"code": agency.parent_code}
            )
            continue
        message = kind_rule_problem(agency.kind, parent.kind if parent else None)
        if agency.kind and message:
            problems.add(name, number, "PARENT_CODE", message)
    return agencies


def kind_rule_problem(kind: str, parent_kind: str | None) -> str:
    """Organization.clean's rules on plain kinds: "" when a `kind` may sit under `parent_kind`."""
    if kind == OrganizationKind.UNIT and parent_kind != OrganizationKind.DEPARTMENT:
        return _("预算单位的上级必须是主管部门。")
    if kind == OrganizationKind.DEPARTMENT and parent_kind not in (None, OrganizationKind.FINANCE):
        return _("主管部门的上级只能是财政局。")
    if kind == OrganizationKind.FINANCE and parent_kind is not None:
        return _("财政局没有上级。")
    return ""


def _read_goals(kind, files, year, agencies, max_rows, problems) -> dict[str, ImportForm]:
    table = GOAL_TABLE[kind]
    name = f"{table}.csv"
    key_column = KEY_COLUMN[kind]
    kinds = {a.code: a.kind for a in agencies}
    forms: dict[str, ImportForm] = {}
    names: dict[tuple[str, str], int] = {}
    text = _decode(name, files[name], problems)
    for number, values in _records(name, text or "", COLUMNS[table], max_rows, problems) if text else ():
        key = values[key_column].strip()
        agency_code = values["AGENCY_CODE"].strip() if kind == FormKind.PROJECT else key
        if values["FISCAL_YEAR"].strip() != str(year):
            problems.add(name, number, "FISCAL_YEAR", _("与 manifest.json 的年度 %(year)s 不一致。") % {"year": year})
        agency_column = "AGENCY_CODE" if kind == FormKind.PROJECT else key_column
        agency_kind = kinds.get(agency_code)
        if agency_code and agency_kind is None:
            problems.add(
                name,
                number,
                agency_column,
                _("单位代码 %(code)s 不在 %(file)s 中。") % {"code": agency_code, "file": f"{AGENCY}.csv"},
            )
        elif kind == FormKind.DEPARTMENT and agency_kind != OrganizationKind.DEPARTMENT:
            problems.add(name, number, agency_column, _("部门整体支出绩效目标表只能由主管部门填报。"))
        elif kind == FormKind.PROJECT and agency_kind == OrganizationKind.FINANCE:
            problems.add(name, number, agency_column, _("项目支出绩效目标表应由预算单位或主管部门填报。"))
        if key in forms:
            problems.add(
                name, number, key_column, _("与第 %(row)s 行重复：%(code)s") % {"row": forms[key].where, "code": key}
            )
            continue
        form_values = {GOAL_TEXT[kind]: values["KPI_TARGET"]}
        if kind == FormKind.PROJECT:
            form_values["project_code"] = key
        for entry in schema.fields(kind):
            column = f"PG_{entry.name.upper()}"
            if column in values:

                def fail(problem, column=column, number=number):
                    problems.add(name, number, column, problem)

                form_values[entry.name] = _parse_value(entry, values[column], fail)
        start, end = form_values.get("planned_start"), form_values.get("planned_end")
        if start and end and end < start:
            problems.add(name, number, "PG_PLANNED_END", _("计划完成日期早于计划开始日期。"))
        project_name = form_values.get("project_name", "")
        if kind == FormKind.PROJECT:
            if not project_name.strip():
                problems.add(name, number, "PG_PROJECT_NAME", _("必须填写。"))
            elif (agency_code, project_name) in names:
                problems.add(
                    name,
                    number,
                    "PG_PROJECT_NAME",
                    _("同一单位已有同名项目（第 %(row)s 行）。") % {"row": names[agency_code, project_name]},
                )
            names.setdefault((agency_code, project_name), number)
        forms[key] = ImportForm(kind, agency_code, form_values, where=str(number))
    return forms


def _read_indicators(kind, files, forms: dict[str, ImportForm], max_rows, problems) -> None:
    table = INDICATOR_TABLE[kind]
    name = f"{table}.csv"
    key_column = KEY_COLUMN[kind]
    orders: dict[str, list[tuple[int, dict]]] = {}
    text = _decode(name, files[name], problems)
    for number, values in _records(name, text or "", COLUMNS[table], max_rows, problems) if text else ():

        def fail(column, problem, number=number):
            problems.add(name, number, column, problem)

        key = values[key_column].strip()
        if key and key not in forms:
            fail(key_column, _("%(code)s 不在 %(file)s 中。") % {"code": key, "file": f"{GOAL_TABLE[kind]}.csv"})
        sign_code = values["COMPUTESIGN"].strip()
        if sign_code and sign_code not in SIGNS_BY_CODE:
            fail("COMPUTESIGN", _("应为代码 %(codes)s 之一或空。") % {"codes": "、".join(SIGNS_BY_CODE)})
        flag = values["YEARFLAG"].strip()
        if flag and flag not in SCOPES_BY_FLAG:
            fail("YEARFLAG", _("应为 0（年度）或 1（总体）。"))
        standard = values["INDEXSTANDARDS"].strip()
        if standard and standard not in STANDARDS_BY_LABEL:
            fail("INDEXSTANDARDS", _("应为%(names)s之一或空。") % {"names": "、".join(STANDARDS_BY_LABEL)})
        order = values["PG_ORDER"].strip()
        if order and not order.isdigit():
            fail("PG_ORDER", _("应为正整数：%(text)s") % {"text": order[:20]})
        weight = _decimal(values["WEIGHT"].strip(), 5, lambda p: fail("WEIGHT", p), high=Decimal(100))
        row = {
            "level1": values["PG_LEVEL1"],
            "level2": values["PG_LEVEL2"],
            "level3": values["KPI_CONTENT"],
            "value": values["PG_VALUE"],
            "scope": SCOPES_BY_FLAG.get(flag, TargetScope.ANNUAL),
            "sign": SIGNS_BY_CODE.get(sign_code, ""),
            "value_note": values["VALUE_REMARK"],
            "standard": STANDARDS_BY_LABEL.get(standard, ""),
            "standard_note": values["PG_STANDARD_NOTE"],
            "scoring": values["PG_SCORING"],
            "explanation": values["PG_EXPLANATION"],
            "weight": weight,
            "remark": values["KPI_REMARK"],
            "level2_label": values["PG_LEVEL2_LABEL"],
        }
        orders.setdefault(key, []).append((int(order) if order.isdigit() else number, row))
    for key, rows in orders.items():
        if key in forms:
            forms[key].rows = [row for _order, row in sorted(rows, key=lambda pair: pair[0])]


def read_tables(files: dict[str, bytes], *, max_rows: int) -> ReadFiles:
    """The files of an export read back; raises ExchangeError naming every problem (file, row, column)."""
    problems = _Problems()
    missing = [name for name in FILE_NAMES if name not in files]
    if missing:
        raise ExchangeError([_("缺少文件：%(names)s。") % {"names": "、".join(missing)}])
    manifest = _read_manifest(files, problems)
    problems.raise_any()
    year = manifest["fiscal_year"]
    agencies = _read_agencies(files, max_rows, problems)
    forms: list[ImportForm] = []
    for kind in (FormKind.PROJECT, FormKind.DEPARTMENT):
        by_key = _read_goals(kind, files, year, agencies, max_rows, problems)
        _read_indicators(kind, files, by_key, max_rows, problems)
        if by_key and kind not in manifest["frameworks"]:
            problems.add(
                MANIFEST, None, None, _("frameworks 没有列出%(kind)s的指标体系。") % {"kind": FormKind(kind).label}
            )
        forms += by_key.values()
    problems.raise_any()
    return ReadFiles(year=year, frameworks=manifest["frameworks"], agencies=agencies, forms=forms)


# --- The zip the admin screens exchange ------------------------------------------------

# A fixed timestamp, so that the same files always make the same zip.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)
# A CSV compresses about 5-10x; past this a member is a zip bomb, not a table.
MAX_COMPRESSION_RATIO = 100


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in FILE_NAMES:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def read_zip(data: bytes, *, max_total_bytes: int, max_file_bytes: int) -> dict[str, bytes]:
    """The files of an uploaded zip, refusing what is not an export: other names, folders, bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ExchangeError([_("上传的文件不是 zip 压缩包，或已损坏。")]) from None
    problems = []
    with archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        unknown = [n for n in names if n not in FILE_NAMES]
        if unknown:
            problems.append(
                _("压缩包里有不属于交换文件的条目：%(names)s。只能包含 %(expected)s（不带文件夹）。")
                % {"names": "、".join(n[:80] for n in unknown[:10]), "expected": "、".join(FILE_NAMES)}
            )
        if len(set(names)) != len(names):
            problems.append(_("压缩包里有重名的文件。"))
        total = sum(info.file_size for info in infos)
        if total > max_total_bytes:
            problems.append(
                _("压缩包解压后共 %(size)s MB，超过上限 %(limit)s MB。")
                % {"size": total // 2**20, "limit": max_total_bytes // 2**20}
            )
        for info in infos:
            if info.flag_bits & 0x1:
                problems.append(_("文件「%(name)s」已加密，无法读取。") % {"name": info.filename[:80]})
            elif info.file_size > max_file_bytes:
                problems.append(
                    _("文件「%(name)s」解压后 %(size)s MB，超过单个文件上限 %(limit)s MB。")
                    % {"name": info.filename[:80], "size": info.file_size // 2**20, "limit": max_file_bytes // 2**20}
                )
            elif info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                problems.append(_("文件「%(name)s」的压缩比异常，疑似压缩炸弹。") % {"name": info.filename[:80]})
        if problems:
            raise ExchangeError(problems)
        files = {}
        for info in infos:
            # The sizes above are what the zip claims; reading stops at the limit whatever it claims.
            with archive.open(info) as member:
                content = member.read(max_file_bytes + 1)
            if len(content) > max_file_bytes or len(content) != info.file_size:
                raise ExchangeError([_("文件「%(name)s」的大小与压缩包记录的不一致。") % {"name": info.filename}])
            files[info.filename] = content
    return files
