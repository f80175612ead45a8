"""Read performance forms out of text dumps of the published tables.

Pure: no database. The dumps come from copying the published HTML tables into
a text file, so cells are separated by tabs, some rows lost their leading tabs,
paragraph markup survived in some cells, and the department overall form puts
every cell on a line of its own. `parse_text` turns such a text into one
ParsedForm per table, with the indicator rows placed under the 一级/二级 names
of the framework that applies to the form; a 二级 printed in other words (环境效益 for
生态效益) is kept beside the name as the row's `level2_label`. Names and labels are compared as
indicators.targets.normalize folds them: width and spacing do not matter.
"""

import html
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import nh3
from django.utils.translation import gettext as _

from indicators.choices import FormKind
from indicators.targets import normalize

from .. import schema
from ..lib.money import parse_wan, parse_yuan

PROJECT = FormKind.PROJECT
DEPARTMENT = FormKind.DEPARTMENT

FRAMEWORKS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks.json"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Vocabulary:
    """The names of one indicator framework, as the parser needs them."""

    tree: dict[str, list[str]]  # {一级: [二级, ...]}, as framework_vocabulary() gives it
    aliases: dict[str, list[str]] = field(default_factory=dict)  # {一级 or 二级 name: [other spellings]}


VocabularyLookup = Callable[[str, int | None], Vocabulary]


@dataclass
class ParsedForm:
    number: int  # position in the text, from 1, as the reasons and reports count
    kind: str  # "project" | "department"
    year: int | None
    unit: str | None
    department: str | None  # the supervising department, when the form names one
    project: str | None  # None for department forms
    header: dict[str, str] = field(default_factory=dict)  # {label: text}
    budget: dict[str, int | Decimal | None] = field(default_factory=dict)  # {label: 元}
    indicators: list[dict[str, str]] = field(default_factory=list)  # {level1, level2, level3, value}
    skipped_reason: str | None = None

    def to_json(self) -> dict:
        """The form as the JSON output shows it; amounts with 分 stay Decimal (see json_text)."""
        return {
            "kind": self.kind,
            "year": self.year,
            "unit": self.unit,
            "project": self.project,
            "header": dict(self.header),
            "budget": dict(self.budget),
            "indicators": [dict(row) for row in self.indicators],
            "skipped_reason": self.skipped_reason,
        }


_DECIMAL_MARK = re.compile(r'"\\u0000(\d+)\\u0000"')


def json_text(data) -> str:
    """JSON with every Decimal written as an exact number literal (json itself would go through float)."""
    literals: list[str] = []

    def mark(value):
        if not isinstance(value, Decimal):
            raise TypeError(f"{type(value).__name__} is not JSON serializable")
        literals.append(str(value))
        # NUL cannot occur in the text read (decode_text refuses it), so the mark is unambiguous.
        return f"\0{len(literals) - 1}\0"

    text = json.dumps(data, ensure_ascii=False, indent=2, default=mark)
    return _DECIMAL_MARK.sub(lambda m: literals[int(m.group(1))], text)


def shorten(text: str, length: int = 30) -> str:
    """The start of a long text, for a message."""
    return text if len(text) <= length else text[:length] + "…"


# --- Frameworks -------------------------------------------------------------


def default_framework_code(kind: str, year: int | None) -> str:
    """The framework a year gets when it is created by an import."""
    if kind == DEPARTMENT:
        return "department-2021"
    if year is not None and year <= 2020:
        return "shanghai-2020-project"
    return "national-2021-project"


@cache
def _file_vocabularies(path: Path) -> dict[str, Vocabulary]:
    vocabularies = {}
    for spec in json.loads(path.read_text(encoding="utf-8")):
        tree, aliases = {}, {}
        for level1 in spec["level1"]:
            tree[level1["name"]] = [level2["name"] for level2 in level1["children"]]
            aliases[level1["name"]] = list(level1.get("aliases", []))
            for level2 in level1["children"]:
                aliases[level2["name"]] = list(level2.get("aliases", []))
        vocabularies[spec["code"]] = Vocabulary(tree, aliases)
    return vocabularies


def load_vocabularies(path: Path = FRAMEWORKS_FILE) -> dict[str, Vocabulary]:
    """{framework code: Vocabulary} straight from the frameworks file."""
    return _file_vocabularies(Path(path))


def default_vocabulary_for(kind: str, year: int | None) -> Vocabulary:
    return load_vocabularies()[default_framework_code(kind, year)]


# --- Cells ------------------------------------------------------------------

# Tags the publishing system used for line structure; every other tag is dropped.
_BLOCK_TAGS = {"p", "br", "div", "li"}
_BLOCK_MARKUP = re.compile(r"</?(?:p|div|li)>|<br\s*/?>")
_BLANK_AROUND_NEWLINE = re.compile(r"[ \t\u3000]*\n\s*")


def clean_cell(text: str) -> str:
    """A cell as plain text: markup gone, paragraphs and <br> as line breaks, entities decoded."""
    if "<" in text or "&" in text:
        # The sanitiser parses the markup properly (so "<上海市…办法>" in a
        # title stays text); only the few block tags it lets through are mapped.
        text = _BLOCK_MARKUP.sub("\n", nh3.clean(text, tags=_BLOCK_TAGS, attributes={}))
        text = html.unescape(text)
    text = text.replace("\xa0", " ")
    return _BLANK_AROUND_NEWLINE.sub("\n", text).strip()


_SEPARATOR = re.compile(r"^[-—–=_*~·.…\s]{3,}$")


@dataclass
class _Line:
    cells: list[str]

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]

    @property
    def blank(self) -> bool:
        return not self.filled


def _lines(text: str) -> list[_Line]:
    lines = []
    for raw in re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")):
        cells = [clean_cell(c) for c in raw.split("\t")]
        if _SEPARATOR.match("".join(cells)):
            cells = [""]
        lines.append(_Line(cells))
    return lines


# --- Splitting a text into forms ----------------------------------------------

# A name may stand before the year ("衡东县2021年部门整体支出绩效目标表"), and the
# year in brackets may lack its 年度 ("(2020)").
_TITLE = re.compile(r"^(?:[^\d()]{0,30}?(\d{4})年度?)?([^\d()]{0,30}?绩效目标表)(?:\((\d{4})(?:年度?)?\))?$")
_YEAR_LINE = re.compile(r"^\((\d{4})(?:年度?)?\)$")
# What an unrecognised title and its year line look like, to keep them out of the previous table.
_TITLE_LIKE = re.compile(r"绩效.*表|^\(.*年度?\)$")

# Header labels that open a form, with the kind of form they open. Met after an
# indicator table, or a second time, they start the next form even though its
# title was not recognised.
_FORM_OPENERS = {
    "申报单位名称": PROJECT,
    "申报单位": PROJECT,
    "单位名称": PROJECT,
    "项目名称": PROJECT,
    "填报单位": DEPARTMENT,
    "部门名称": DEPARTMENT,
}


@dataclass
class _Chunk:
    kind: str | None  # None: the text before the first title
    year: int | None
    lines: list[_Line]
    titled: bool = True  # False: started by a header label, its title was not recognised


def _title(line: _Line) -> tuple[str, int | None] | None:
    # Joined, because the title and its year may sit in separate cells.
    match = _TITLE.match(normalize("".join(line.filled)))
    if not match:
        return None
    year = match.group(1) or match.group(3)
    kind = DEPARTMENT if "部门整体" in match.group(2) else PROJECT
    return kind, int(year) if year else None


def _form_opener(line: _Line) -> str | None:
    if line.blank:
        return None
    label = normalize(line.filled[0]).split(":")[0]
    return label if label in _FORM_OPENERS else None


def _title_like_tail(lines: list[_Line]) -> list[_Line]:
    """Remove and return the trailing lines that look like a title, blank lines between them included."""
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.blank and not (len(line.filled) == 1 and _TITLE_LIKE.search(normalize(line.filled[0]))):
            break
        if not line.blank:
            start = index
    tail = lines[start:]
    del lines[start:]
    return tail


def _chunks(lines: list[_Line]) -> list[_Chunk]:
    chunks = [_Chunk(None, None, [])]
    expect_year = False
    in_table = False
    openers_seen: set[str] = set()
    for line in lines:
        title = _title(line)
        if title:
            chunks.append(_Chunk(title[0], title[1], []))
            expect_year = title[1] is None
            in_table, openers_seen = False, set()
            continue
        if expect_year and not line.blank:
            expect_year = False
            year = _YEAR_LINE.match(normalize(line.filled[0])) if len(line.filled) == 1 else None
            if year:
                chunks[-1].year = int(year.group(1))
                continue
        opener = _form_opener(line)
        if opener and (in_table or opener in openers_seen):
            # A form whose title was missed: never let its header run into the previous table.
            chunks.append(_Chunk(_FORM_OPENERS[opener], None, _title_like_tail(chunks[-1].lines), titled=False))
            in_table, openers_seen = False, set()
        if opener:
            openers_seen.add(opener)
        in_table = in_table or _starts_table(line)
        chunks[-1].lines.append(line)
    if all(line.blank for line in chunks[0].lines):
        chunks.pop(0)
    return chunks


# --- Header and budget --------------------------------------------------------

# The fields' labels come from the field catalogue; the identity lines are the import's own.
PROJECT_HEADER = {
    "申报单位名称": ("申报单位名称", "申报单位", "单位名称"),
    "主管部门名称": ("主管部门名称", "主管部门"),
    **{str(f.label): f.labels for f in schema.fields(FormKind.PROJECT, schema.HEADER)},
}
# {label: the unit the kind prints its amounts in when the dump does not say}
PROJECT_BUDGET = {str(f.label): f.unit for f in schema.fields(FormKind.PROJECT, schema.BUDGET)}

# The dumps split this label over two lines: 部门职能 … 职责概述.
DUMP_SPELLINGS = {"duties": ("部门职能", "职责概述")}
DEPARTMENT_HEADER = {
    "填报单位": ("填报单位",),
    "部门名称": ("部门名称",),
    **{
        str(f.label): f.labels + DUMP_SPELLINGS.get(f.name, ())
        for f in schema.fields(FormKind.DEPARTMENT, schema.HEADER)
    },
}
DEPARTMENT_BUDGET = {str(f.label): f.unit for f in schema.fields(FormKind.DEPARTMENT, schema.BUDGET)}

# Group headings that carry no value of their own.
_HEADINGS = ("年度预算申请", "按收入性质分", "按支出性质分")
_HEADING_PATTERN = re.compile(r"资金使用情况$")
_UNIT_LINE = re.compile(r"^(?:(?:金额)?单位:)?\(?(万元|元)\)?$")
_LABEL_UNIT = re.compile(r"^(.*?)\((万元|元)\)$")
_PREFIX = re.compile(r"^其中\s*[:：]\s*")
_COLON = re.compile(r"[:：]")


@dataclass(frozen=True)
class _Label:
    name: str
    role: str  # "header" | "budget" | "heading"
    unit: str = ""  # "万元" or "元" when the label says so


class _Labels:
    def __init__(self, kind: str):
        header = PROJECT_HEADER if kind == PROJECT else DEPARTMENT_HEADER
        budget = PROJECT_BUDGET if kind == PROJECT else DEPARTMENT_BUDGET
        self.known: dict[str, _Label] = {}
        for name, spellings in header.items():
            for spelling in spellings:
                self.known[normalize(spelling)] = _Label(name, "header")
        for name in budget:
            self.known[normalize(name)] = _Label(name, "budget")
        for name in _HEADINGS:
            self.known[normalize(name)] = _Label(name, "heading")

    def find(self, text: str) -> _Label | None:
        key = normalize(text).rstrip(":")
        unit = ""
        match = _LABEL_UNIT.match(key)
        if match:
            key, unit = match.groups()
        label = self.known.get(key)
        if label:
            return _Label(label.name, label.role, unit)
        if _HEADING_PATTERN.search(key):
            return _Label(key, "heading")
        return None

    def split(self, cell: str) -> tuple[_Label, str] | None:
        """(label, the value written after it in the same cell), when the cell starts with a label."""
        cell = _PREFIX.sub("", cell)
        colon = _COLON.search(cell)
        if colon:
            label = self.find(cell[: colon.start()])
            if label:
                return label, cell[colon.end() :].strip()
        label = self.find(cell)
        return (label, "") if label else None


def _column_headings(column: int) -> frozenset[str]:
    """What the indicator table's heading row prints over a column, in either kind's words."""
    headings = [str(schema.ROW_FIELDS[column].label), *(str(h[column]) for h in schema.TABLE_HEADINGS.values())]
    return frozenset(normalize(h) for h in headings)


_LEVEL1_HEADINGS = _column_headings(0)
_LEVEL3_HEADINGS = _column_headings(2)
_TABLE_TITLE = re.compile(r"^(?:\d{4}年度?)?(?:部门整体支出)?(?:年度)?绩效(?:目标|指标)$")


def _starts_table(line: _Line) -> bool:
    keys = [normalize(c) for c in line.filled]
    return any(k in _LEVEL1_HEADINGS for k in keys) or (len(keys) == 1 and bool(_TABLE_TITLE.match(keys[0])))


@dataclass
class _Header:
    values: dict[str, list[str]] = field(default_factory=dict)
    budget_units: dict[str, str] = field(default_factory=dict)
    section_unit: str = ""


def _table_start(lines: list[_Line], index: int) -> int:
    """Where the table starting at lines[index] begins, its row's empty leading cells included.

    In the one-cell-per-line layout those cells are lines of their own, and
    the row's columns count from them.
    """
    while index > 0 and lines[index - 1].blank and lines[index - 1].cells != [""]:
        index -= 1
    return index


def _read_header(lines: list[_Line], labels: _Labels, names: "_Names") -> tuple[_Header, list[_Line]]:
    """Header and budget items up to the indicator table; returns them and the table's lines.

    A value runs from its label to the next label, heading or the table, so a
    value that starts on the line after its label, or goes on over several
    lines (blank lines between included), is kept whole. The table starts at its
    heading, or, where the dump lost that, at the first row opening with a 一级 name.
    """
    header = _Header()
    current: _Label | None = None
    for index, line in enumerate(lines):
        if line.blank:
            continue
        if _starts_table(line):
            return header, lines[index:]
        if names.find_level1(line.filled[0]):
            return header, lines[_table_start(lines, index) :]
        for cell in line.filled:
            found = labels.split(cell)
            if found:
                current, rest = found
                if current.role == "heading":
                    # "年度预算申请（万元）": the unit holds for the amounts below it.
                    header.section_unit = current.unit or header.section_unit
                    current = None
                    continue
                header.values.setdefault(current.name, [])
                if current.unit:
                    header.budget_units[current.name] = current.unit
                cell = rest
            else:
                unit = _UNIT_LINE.match(normalize(cell))
                if unit:
                    header.section_unit = unit.group(1)
                    continue
            if cell and current is not None:
                header.values[current.name].append(cell)
    return header, []


_NONE_WRITTEN = re.compile(r"^(?:[-—–/－]+|无)$")
_MONEY = re.compile(r"(.*?)(万元|万|元)?")


def parse_money(text: str, unit: str = schema.YUAN) -> int | Decimal | None:
    """An amount as printed ("1,530,000", "560.61万元") in 元; None when left empty.

    Raises ValueError (a MoneyError) for anything else, or for an amount finer than a 分.
    """
    compact = normalize(text)
    if not compact or _NONE_WRITTEN.match(compact):
        return None
    number, written_unit = _MONEY.fullmatch(compact).groups()
    parse = parse_wan if (written_unit or unit) in (schema.WAN, "万") else parse_yuan
    # Whether it fits the column is the importer's to say: it names the column (_check_fits).
    amount = parse(number, fit_column=False)
    if amount is None:  # a unit and no number
        raise ValueError(text)
    # Whole amounts stay integers in the JSON output; amounts with 分 stay exact Decimals.
    return int(amount) if amount == amount.to_integral_value() else amount


# --- Indicator table ----------------------------------------------------------

_TARGET_START = tuple("=><≥≤≧≦＝＞＜")


class _Names:
    """Lookup of a framework's 一级 and 二级 names and their other spellings."""

    def __init__(self, vocabulary: Vocabulary):
        self.level1: dict[str, str] = {}
        self.level2: dict[str, list[tuple[str, str]]] = {}
        for level1, children in vocabulary.tree.items():
            for spelling in [level1, *vocabulary.aliases.get(level1, [])]:
                self.level1.setdefault(normalize(spelling), level1)
            for level2 in children:
                for spelling in [level2, *vocabulary.aliases.get(level2, [])]:
                    self.level2.setdefault(normalize(spelling), []).append((level1, level2))

    def find_level1(self, text: str) -> str | None:
        return self.level1.get(normalize(text))

    def find_level2(self, text: str, level1: str | None) -> tuple[str, str] | None:
        """(一级, 二级): under `level1` when it has this 二级, else under the 一级 that has it."""
        candidates = self.level2.get(normalize(text))
        if not candidates:
            return None
        return next((c for c in candidates if c[0] == level1), candidates[0])


@dataclass
class _Context:
    """The 一级 and 二级 a row without its own (a merged cell) falls under."""

    level1: str = ""
    level2: str = ""
    level2_label: str = ""  # the 二级 as printed, where it is not the framework's name
    level3_col: int = 2


def _table_rows(lines: list[_Line]) -> list[list[str]]:
    """Rows of cells: one per line, or one per block in the one-cell-per-line layout.

    The department overall form comes out of its page with every cell on a line
    of its own and a blank line after each row.
    """
    rows, block = [], []
    for line in [*lines, _Line([""])]:
        # A line with tabs is a row or a cell, even when every cell is empty;
        # only a line with nothing at all separates rows.
        if line.cells != [""]:
            block.append(line)
            continue
        if not block:
            continue
        if len(block) > 1 and all(len(b.filled) <= 1 for b in block):
            rows.append([b.filled[0] if b.filled else "" for b in block])
        else:
            rows.extend(b.cells for b in block)
        block = []
    return rows


def _is_header_row(cells: list[str]) -> bool:
    return any(normalize(c) in _LEVEL3_HEADINGS for c in cells)


def _read_row(cells: list[str], names: _Names, ctx: _Context) -> dict[str, str] | None:
    """One indicator row, or None for a row that only names categories.

    A cell is taken for a 一级/二级 name only when the framework knows it and it
    sits left of the 三级 column: rows that lost their leading tabs shift left,
    never right, so whatever stands in the 三级 column or beyond is content.
    The table's title, which the department form prints in the first column,
    is no part of a row.
    """
    filled = [
        (pos, text)
        for pos, text in enumerate(cells)
        if text and not (pos < ctx.level3_col and _TABLE_TITLE.match(normalize(text)))
    ]
    if not filled:
        return None
    taken: list[tuple[str, str, str]] = []  # (level1, level2 or "", text as printed)
    for pos, text in filled:
        if pos >= ctx.level3_col:
            break
        level1 = names.find_level1(text) if not taken else None
        if level1:
            taken.append((level1, "", text))
            continue
        if taken and taken[-1][1]:
            break
        pair = names.find_level2(text, taken[-1][0] if taken else ctx.level1)
        if not pair:
            break
        taken.append((*pair, text))
    rest = [text for _pos, text in filled[len(taken) :]]
    if len(rest) == 1 and taken and rest[0].startswith(_TARGET_START):
        # "满意度\t>=90%": a 三级 that happens to share a category's name.
        rest.insert(0, taken.pop()[2])
    for level1, level2, text in taken:
        # Filed under the framework's node; a published form's own 二级 wording is kept beside it.
        ctx.level1, ctx.level2 = level1, level2
        ctx.level2_label = text if level2 and text != level2 else ""
    if not rest:
        return None
    extras = rest[:-2]
    if extras:
        # Category names the framework does not know, kept as printed.
        ctx.level2, ctx.level2_label = extras[-1], ""
        if len(extras) > 1:
            ctx.level1 = " ".join(extras[:-1])
    level3, value = (rest[-2], rest[-1]) if len(rest) > 1 else (rest[0], "")
    return {
        "level1": ctx.level1,
        "level2": ctx.level2,
        "level3": level3,
        "value": value,
        "level2_label": ctx.level2_label,
    }


def _is_framework_name(text: str, names: _Names) -> bool:
    return bool(names.find_level1(text) or names.find_level2(text, None))


def _read_table(lines: list[_Line], names: _Names) -> list[dict[str, str]]:
    ctx = _Context()
    indicators = []
    columns_known = False
    previous = None  # the row read just before, which a wrapped line may continue
    for cells in _table_rows(lines):
        if _is_header_row(cells):
            keys = [normalize(c) for c in cells]
            ctx.level3_col = next(i for i, k in enumerate(keys) if k in _LEVEL3_HEADINGS)
            columns_known = True
            continue
        filled = [(pos, text) for pos, text in enumerate(cells) if text]
        if len(filled) == 1 and _TABLE_TITLE.match(normalize(filled[0][1])):
            continue
        if filled and not columns_known:
            columns_known = True
            if names.find_level1(filled[0][1]):
                # No heading row: the columns count from the 一级 cell of the first row.
                ctx.level3_col = filled[0][0] + 2
        if len(filled) == 1 and previous is not None and not previous["value"]:
            pos, text = filled[0]
            if text.startswith(_TARGET_START):
                # The row's target, wrapped onto a line of its own.
                previous["value"] = text
                continue
            if pos == 0 and not _is_framework_name(text, names):
                # The rest of a 三级 name that wrapped: it starts the line and brings no value.
                previous["level3"] += text
                continue
        previous = _read_row(cells, names, ctx)
        if previous:
            indicators.append(previous)
    return indicators


# --- Forms ----------------------------------------------------------------------


def _text(pieces: list[str] | None) -> str:
    return "\n".join(p for p in pieces or [] if p).strip()


def _first(values: dict[str, str], labels: tuple[str, ...]) -> str | None:
    return next((values[label] for label in labels if values.get(label)), None)


def _read_form(number: int, chunk: _Chunk, vocabulary_for: VocabularyLookup, year: int | None) -> ParsedForm:
    def reason(text: str) -> str:
        return _("第%(number)s张表: %(reason)s") % {"number": number, "reason": text}

    if chunk.kind is None:
        return ParsedForm(
            number=number,
            kind=PROJECT,
            year=None,
            unit=None,
            department=None,
            project=None,
            skipped_reason=reason(_("缺少表头（表不完整，可能是从上一页截断的），已跳过")),
        )

    kind = chunk.kind
    form_year = chunk.year if chunk.year is not None else year
    names = _Names(vocabulary_for(kind, form_year))
    header, table = _read_header(chunk.lines, _Labels(kind), names)
    values = {name: _text(pieces) for name, pieces in header.values.items()}
    budget_names = PROJECT_BUDGET if kind == PROJECT else DEPARTMENT_BUDGET
    texts = {name: text for name, text in values.items() if name not in budget_names}

    problems = []
    budget: dict[str, int | Decimal | None] = {}
    for name in budget_names:
        if name not in values:
            continue
        # Unless the dump says: the unit the catalogue gives the kind (the department form's is 万元).
        unit = header.budget_units.get(name) or header.section_unit or budget_names[name]
        try:
            budget[name] = parse_money(values[name], unit)
        except ValueError:
            budget[name] = None
            problems.append(_("金额无法识别（%(label)s：%(text)s）") % {"label": name, "text": shorten(values[name])})

    if form_year is None and chunk.titled:
        problems.insert(0, _("缺少年度"))
    elif year is not None and form_year != year:
        problems.insert(
            0, _("表上的年度（%(found)s）与指定的年度（%(given)s）不符") % {"found": form_year, "given": year}
        )

    if kind == DEPARTMENT:
        department = _first(texts, ("部门名称",))
        unit_name = department or _first(texts, ("填报单位",))
        project = None
        if not unit_name:
            problems.insert(0, _("缺少部门名称"))
    else:
        department = _first(texts, ("主管部门名称",))
        unit_name = _first(texts, ("申报单位名称",))
        project = texts.get("项目名称") or None
        if not project:
            problems.insert(0, _("缺少项目名称"))
        if not unit_name:
            problems.insert(0, _("缺少申报单位名称"))
    if not chunk.titled:
        problems.insert(0, _("没有识别出表的标题（“……绩效目标表”及年度），请检查标题行"))

    return ParsedForm(
        number=number,
        kind=kind,
        year=form_year,
        unit=unit_name,
        department=department,
        project=project,
        header=texts,
        budget=budget,
        indicators=_read_table(table, names),
        skipped_reason=reason("；".join(problems)) if problems else None,
    )


def parse_text(
    text: str, vocabulary_for: VocabularyLookup | None = None, *, year: int | None = None
) -> list[ParsedForm]:
    """Every form in a text dump, in order, the unreadable ones with their skipped_reason.

    vocabulary_for(kind, year) gives the names of the framework that applies to
    a form (by default the frameworks file, chosen as a new year would be).
    year, when given, is the year of forms whose title prints none; a form
    printing another year is skipped.
    """
    lookup = vocabulary_for or default_vocabulary_for
    forms = []
    for number, chunk in enumerate(_chunks(_lines(text)), 1):
        try:
            forms.append(_read_form(number, chunk, lookup, year))
        except Exception as e:
            # Dumps we have not seen may hold what no rule expects: that form is
            # reported and the rest of the file still read.
            logger.exception("form %s could not be parsed", number)
            reason = _("第%(number)s张表: 读取时出错（%(error)s），已跳过") % {"number": number, "error": e}
            forms.append(ParsedForm(number, chunk.kind or PROJECT, chunk.year, None, None, None, skipped_reason=reason))
    return forms
