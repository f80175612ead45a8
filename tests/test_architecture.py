"""Three rules of the architecture, checked by reading the source rather than by running it.

**Only the services write forms and their history.** Every module under projects/ and
indicators/ (migrations aside) is parsed with `ast`; a call of a write method (`save`,
`update`, `delete`, `create`, `bulk_create`, `bulk_update`, `get_or_create`,
`update_or_create`, and the related managers' `add` / `remove` / `clear` / `set`) fails the
test when its receiver is visibly a PerformanceForm, an Indicator row, a FormEvent, a
Submission or a RowComment, or a queryset or manager of one, outside the modules allowed to
write them (WRITERS). "Visibly" means the receiver expression

- goes through `<Model>.objects` (or `_default_manager` / `_base_manager`) of one of those models;
- goes through a relation that leads to one (`perf_form.indicators`, `row.perf_form`,
  `event.row_comments`, `unit.perf_forms`…; the names are read from the models' `_meta`, so a
  new relation is covered without editing this test);
- calls one of the model classes (`Indicator(...)`);
- is a name bound, anywhere in the same function or at module level, to such an expression
  (assignments, `for` targets, comprehensions), annotated with one of the models
  (`form: PerformanceForm`, `rows: list[Indicator]`), or called `perf_form` / `perf_forms`,
  the name STYLE.md gives the domain object;
- or is a method call, attribute-less subscript or slice of any of the above (querysets chain),
  except the methods that return plain values (`count`, `exists`, `in_bulk`…).

A `dict.update`, a `QueryDict.update` or a `set.add` has none of these receivers, so it is
never reported; a write through a plain helper that takes an unannotated, unconventionally
named argument, or through `getattr`, is not seen. This is a lint that keeps honest code
honest, not a proof; the tables below show what it reports and what it lets through.

**No role, status or kind spelled as a string literal.** Their values live in the enums
(projects/choices.py, indicators/choices.py, ExportJob.Status, Action). In Python, a
string constant equal to one of those values is reported where it is used as one: compared
with something called role / status / kind / action (or compared at all, for the values that
are no ordinary word: `dept_approved`, `filler`…), passed as a `role=` / `status__in=` /
`kind=` keyword or dict key, assigned to a name or attribute called so (or named after the
value, a second spelling of the member: `PROJECT = "project"`), given as such a
parameter's default, or gathered with others of its enum in a tuple, list or set (a set of
statuses returned). A bare `return "draft"` is not seen, nor are the names the demo accounts
share with roles (`users["dept_reviewer"]`), which is the point of reading context. The
enums' own class bodies and migrations are skipped. In templates any quoted value inside `{% %}` / `{{ }}`, and
a `kind=` / `status=` / `role=` in a query string, is reported; in static/js a comparison
with one.

**Only the exchange's writer, reader, bulk export and tables touch Excel.** openpyxl and XlsxWriter
are imported by the modules in EXCEL_MODULES (projects/exchange/) and by no
other module of the application: an `import` or `from ... import` of either (at module level
or inside a function), or an `import_module` / `__import__` of one by name, is reported
anywhere else.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from indicators.models import FormKind, LibraryEntry, LibraryTag
from projects.accounts.models import Organization, User
from projects.models import (
    Action,
    AuditEntry,
    BackgroundJob,
    ExportJob,
    FormEvent,
    FormWarningCount,
    Indicator,
    PerformanceForm,
    RowComment,
    Status,
    Submission,
)
from projects.notices.models import Announcement, Notification
from projects.reviews.models import ItemScore, Scorecard, ScoreDraft
from projects.season.models import DepartmentDeadline, ExpectedForm, UnitReopen
from projects.suggest.models import Reference

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("projects", "indicators")

# -- the services write forms -------------------------------------------------------------

GUARDED = (
    PerformanceForm,
    Indicator,
    FormWarningCount,
    FormEvent,
    Submission,
    RowComment,
    ExportJob,
    AuditEntry,
    BackgroundJob,
    Scorecard,
    ItemScore,
    ScoreDraft,
    Notification,
    Announcement,
    DepartmentDeadline,
    UnitReopen,
    ExpectedForm,
    LibraryEntry,
    LibraryTag,
    Reference,
)
WRITERS = {
    "projects/services/content.py": "the content services: create, save, import",
    "projects/services/workflow.py": "the workflow services: submit, withdraw, approve, return",
    "projects/services/exports.py": "the export services: start, run, recover and purge export jobs",
    "projects/services/audit.py": "the audit log's one writer",
    "projects/services/jobs.py": "background jobs: start, progress, finish",
    "projects/reviews/services.py": "the 四性审核 scorecards: decide, drafts, batch approve",
    "projects/notices/services.py": "notifications (send, read, mail) and announcements (publish, withdraw)",
    "projects/season/services.py": "the season: years, deadlines, reopenings, expected forms, 催报",
    "projects/library/services.py": "the indicator library: entries, tags, import, usage counts",
    "projects/services/carryover.py": "carry-over: a draft based on an earlier form, a year rolled over",
    "projects/suggest/services.py": "suggestion references: made on approval and import, synced after bulk data",
    "projects/services/exchange.py": "the 一体化 exchange: generated codes, import through import_form",
    "projects/devdata/synthetic.py": "development data: bulk_create for speed (manage.py generate_forms)",
}
WRITE_METHODS = {
    "save",
    "update",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "add",
    "remove",
    "clear",
    "set",
}
# Methods of a queryset or instance whose result is a plain value, not more forms or rows.
VALUE_METHODS = {"count", "exists", "in_bulk", "aggregate", "explain", "contains", "iterator_count"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
CONVENTIONAL_NAMES = {"perf_form", "perf_forms"}


def _relation_names() -> set[str]:
    """Every attribute through which one model reaches a guarded one, read off the models."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model in GUARDED:
                names.add(field.get_accessor_name() if field.auto_created and not field.concrete else field.name)
    return names


@dataclass(frozen=True)
class Write:
    path: str
    line: int
    method: str
    code: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.code}"


class _WriteFinder:
    def __init__(self, path: str, tree: ast.Module):
        self.path = path
        self.tree = tree
        self.models = {model.__name__ for model in GUARDED}
        self.relations = _relation_names()
        self.found: list[Write] = []

    def guarded(self, node: ast.AST, names: set[str]) -> bool:
        """Whether `node` is visibly a guarded object, queryset or manager (see the module docstring)."""
        if isinstance(node, ast.Name):
            return node.id in names or node.id in CONVENTIONAL_NAMES
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGERS:
                return isinstance(node.value, ast.Name) and node.value.id in self.models
            return node.attr in self.relations
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                return func.id in self.models
            if isinstance(func, ast.Attribute):
                return func.attr not in VALUE_METHODS and self.guarded(func.value, names)
            return False
        if isinstance(node, ast.Subscript):
            return self.guarded(node.value, names)
        if isinstance(node, ast.Await | ast.NamedExpr):
            return self.guarded(node.value, names)
        return False

    def annotated(self, annotation: ast.AST | None) -> bool:
        if annotation is None:
            return False
        text = ast.unparse(annotation)
        return any(re.search(rf"\b{name}\b", text) for name in self.models)

    def bound_names(self, scope: ast.AST, inherited: set[str]) -> set[str]:
        """Names bound in `scope` (not in nested functions) to guarded things; to a fixpoint."""
        names = set(inherited)
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = scope.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if self.annotated(arg.annotation):
                    names.add(arg.arg)
        nodes = list(_own_nodes(scope))
        while True:
            before = len(names)
            for node in nodes:
                for target, value in _bindings(node):
                    if isinstance(target, ast.Name) and (
                        self.guarded(value, names) or self.annotated(_annotation(node))
                    ):
                        names.add(target.id)
            if len(names) == before:
                return names

    def visit(self, scope: ast.AST, inherited: set[str]) -> None:
        names = self.bound_names(scope, inherited)
        for node in _own_nodes(scope):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITE_METHODS
                and self.guarded(node.func.value, names)
            ):
                self.found.append(Write(self.path, node.lineno, node.func.attr, ast.unparse(node)[:120]))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                self.visit(node, names)

    def run(self) -> list[Write]:
        self.visit(self.tree, set())
        return sorted(self.found, key=lambda w: w.line)


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `scope`, nested function bodies excluded (they are visited as scopes of their own)."""
    body = scope.body if isinstance(scope.body, list) else [scope.body]
    pending = list(body)
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        pending += [*scope.args.defaults, *[d for d in scope.args.kw_defaults if d is not None]]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending += node.decorator_list if not isinstance(node, ast.Lambda) else []
            continue
        pending.extend(ast.iter_child_nodes(node))


def _annotation(node: ast.AST) -> ast.AST | None:
    return node.annotation if isinstance(node, ast.AnnAssign) else None


def _bindings(node: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield target, node.value
    elif isinstance(node, ast.AnnAssign):
        yield node.target, node.value if node.value is not None else ast.Constant(None)
    elif isinstance(node, ast.NamedExpr):
        yield node.target, node.value
    elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
        yield node.target, node.iter
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        yield node.optional_vars, node.context_expr


def find_writes(source: str, path: str = "<snippet>") -> list[Write]:
    return _WriteFinder(path, ast.parse(source)).run()


def _modules() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_architecture_only_the_services_write_forms_rows_and_history():
    offending = [write for path, source in _modules() if path not in WRITERS for write in find_writes(source, path)]

    assert not offending, (
        "Forms, indicator rows, events, submissions and row comments are written only by "
        "projects/services/ (add a service function there and call it):\n"
        + "\n".join(f"  {write}" for write in offending)
    )


def test_architecture_writers_exist_and_write():
    """The exemptions name real modules, and the check does see their writes: it is not blind."""
    found = {path: find_writes(source, path) for path, source in _modules() if path in WRITERS}

    assert set(found) == set(WRITERS)
    assert {"save", "delete", "bulk_update", "bulk_create"} <= {w.method for w in found["projects/services/content.py"]}
    assert {"save", "create", "bulk_create"} <= {w.method for w in found["projects/services/workflow.py"]}
    assert "bulk_create" in {w.method for w in found["projects/devdata/synthetic.py"]}


def test_architecture_the_text_importer_is_checked_and_stores_through_the_services():
    """importing.py is no writer: the check reads it, and it hands every form to services.import_form."""
    sources = dict(_modules())

    assert "projects/exchange/importing.py" not in WRITERS
    assert find_writes(sources["projects/exchange/importing.py"]) == []
    assert "services.import_form(" in sources["projects/exchange/importing.py"]


@pytest.mark.parametrize(
    "source",
    [
        "PerformanceForm.objects.filter(pk=1).update(error_count=0)",
        "Indicator.objects.all().delete()",
        "FormEvent.objects.create(action=a)",
        "Submission.objects.bulk_create(items)",
        "RowComment._default_manager.get_or_create(comment=c)",
        "def f(perf_form):\n    perf_form.save()",
        "def f(form: PerformanceForm):\n    form.save(update_fields=['version'])",
        "def f(rows: list[Indicator]):\n    rows[0].delete()",
        "def f(pk):\n    form = get_form_or_404(u, pk)\n"
        "    locked = PerformanceForm.objects.get(pk=form.pk)\n    locked.save()",
        "row = Indicator(perf_form=p)\nrow.save()",
        "def f(perf_form):\n    for row in perf_form.indicators.all():\n        row.delete()",
        "def f(event):\n    event.row_comments.create(comment='x')",
        "def f(unit):\n    unit.perf_forms.filter(version=1).update(version=2)",
        "def f(row):\n    row.perf_form.save()",
        "qs = PerformanceForm.objects.visible_to(user).select_related('unit')\nqs.delete()",
        "def f(p):\n    first = PerformanceForm.objects.filter(unit=p)[0]\n    first.save()",
        "def outer(perf_form):\n    def inner():\n        perf_form.indicators.clear()\n    return inner",
        "[row.save() for row in Indicator.objects.filter(level1='x')]",
        "job = ExportJob.objects.create(owner=u)",
    ],
)
def test_architecture_write_check_reports(source):
    assert len(find_writes(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "values = {}\nvalues.update({'a': 1})",
        "def f(request):\n    data = request.POST.copy()\n    data.update({'a': '1'})",
        "def f(perf_form):\n    comments = {}\n    comments.update(x)\n    seen = set()\n    seen.add(perf_form.pk)",
        "def f(perf_form):\n    perf_form.unit.save()",
        "def f(perf_form):\n    rows = PerformanceForm.objects.in_bulk([perf_form.pk])\n    rows.update({})",
        "Organization.objects.filter(pk=1).update(name='x')",
        "def f(perf_form):\n    n = perf_form.indicators.count()\n    n.update()",
        "cache.delete(key)",
    ],
)
def test_architecture_write_check_lets_through(source):
    assert find_writes(source) == []


# -- no role, status or kind literal ----------------------------------------------------------

VOCABULARIES = (User.Role, Status, FormKind, Organization.Kind, ExportJob.Status, Action)
VALUES = {value for vocabulary in VOCABULARIES for value in vocabulary.values}
# Values that are ordinary words or field names elsewhere ("unit", "project", the queue's
# "submitted" sort key, the browser's "submit" event): reported only where used as a value.
COMMON_WORDS = {"unit", "project", "department", "finance", "admin", "submitted", "submit", "return", "approve"}
COMMON_WORDS |= set(ExportJob.Status.values)
DISTINCTIVE = VALUES - COMMON_WORDS
# Enums whose values are never field names, so a tuple of nothing but their values is a set of them.
GROUPED = (User.Role, Status, ExportJob.Status, Action)
VOCABULARY_NAME = re.compile(r"(^|[._])(role|status|kind|action)(__(in|exact|iexact))?$")
ENUM_BASES = {"TextChoices", "IntegerChoices", "Choices"}
LITERAL_PACKAGES = (*PACKAGES, "perfgoals")


@dataclass(frozen=True)
class Literal:
    path: str
    line: int
    value: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.value!r}"


def _vocabulary_constants(node: ast.AST) -> Iterator[ast.Constant]:
    """`node` if it is a constant of the vocabularies, or such constants in a tuple, list or set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in VALUES:
        yield node
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _vocabulary_constants(element)


def _names_a_vocabulary(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(VOCABULARY_NAME.search(node.value))
    return bool(VOCABULARY_NAME.search(ast.unparse(node)))


def find_literals(source: str, path: str = "<snippet>") -> list[Literal]:
    tree = ast.parse(source)
    enum_nodes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b).split(".")[-1] in ENUM_BASES for b in node.bases):
            enum_nodes |= set(ast.walk(node))
    used: set[ast.Constant] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for operand in operands:
                others = [o for o in operands if o is not operand]
                for constant in _vocabulary_constants(operand):
                    if constant.value in DISTINCTIVE or any(_names_a_vocabulary(o) for o in others):
                        used.add(constant)
        elif isinstance(node, ast.keyword) and node.arg and VOCABULARY_NAME.search(node.arg):
            used |= set(_vocabulary_constants(node.value))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and _names_a_vocabulary(key):
                    used |= set(_vocabulary_constants(value))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(_names_a_vocabulary(t) for t in targets):
                used |= set(_vocabulary_constants(node.value))
            # A second spelling of an enum member: PROJECT = "project".
            for constant in _vocabulary_constants(node.value) if node.value is not None else ():
                if any(isinstance(t, ast.Name) and t.id.lower() == constant.value for t in targets):
                    used.add(constant)
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            pairs = list(zip(positional[len(positional) - len(node.defaults) :], node.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True) if d is not None]
            for arg, default in pairs:
                if VOCABULARY_NAME.search(arg.arg):
                    used |= set(_vocabulary_constants(default))
        elif isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
            values = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
            if any(set(values) <= set(vocabulary.values) for vocabulary in GROUPED):
                used |= set(_vocabulary_constants(node))
    return sorted(
        (Literal(path, c.lineno, c.value) for c in used if c not in enum_nodes), key=lambda x: (x.line, x.value)
    )


def test_architecture_no_role_status_or_kind_literal_in_python():
    offending = []
    for package in LITERAL_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                offending += find_literals(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())

    assert not offending, (
        "Roles, statuses and kinds are named through their enums (User.Role, Status, FormKind, "
        "Organization.Kind, ExportJob.Status, Action), never spelled out:\n"
        + "\n".join(f"  {literal}" for literal in offending)
    )


@pytest.mark.parametrize(
    "source",
    [
        "user.role == 'filler'",
        "perf_form.status in ('submitted', 'dept_approved')",
        "if unit_kind == 'department': pass",
        "'approve' == event.action",
        "PerformanceForm.objects.exclude(status='draft')",
        "Organization.objects.exclude(kind='finance')",
        "qs.filter(unit__kind__in=['unit'])",
        "defaults = {'kind': 'unit'}",
        "perf_form.status = 'returned'",
        "def f(kind='project'): pass",
        "def awaiting():\n    return ('dept_approved',)",
        "PROJECT = 'project'",
        "job.status == 'running'",
    ],
)
def test_architecture_literal_check_reports(source):
    assert find_literals(source)


@pytest.mark.parametrize(
    "source",
    [
        "qs.select_related('unit', 'year')",
        "if name == 'unit': pass",
        "QUEUE_SORTS = {'submitted': 1, '-submitted': 2}",
        "data['department']",
        "user.role == User.Role.FILLER",
        "class Kind(models.TextChoices):\n    UNIT = 'unit', 'x'\n    RETURNED = 'returned', 'y'",
        "username == 'admin'",
        "form.addEventListener('submit')",
        "users = {u.username: u for u in x}\nreviewer = users['dept_reviewer']",
        "SCENARIOS = [('draft', 22, []), ('approved', 20, [SUBMIT])]",
        "path('<int:pk>/withdraw/', views.withdraw, name='withdraw')",
        "select_related('unit', 'year')\nfields = ['unit', 'department']",
    ],
)
def test_architecture_literal_check_lets_through(source):
    assert find_literals(source) == []


TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
QUOTED = re.compile(r"""(["'])(.*?)\1""")
QUERY_VALUE = re.compile(r"[?&](?:role|status|kind|action)=(\w+)")
JS_COMPARE = re.compile(r"""(?:[!=]==?)\s*(["'])(\w+)\1|(["'])(\w+)\3\s*(?:[!=]==?)""")


def template_literals(text: str) -> list[tuple[int, str]]:
    found = []
    for tag in TEMPLATE_TAG.finditer(text):
        for match in QUOTED.finditer(tag.group()):
            if match.group(2) in VALUES:
                found.append((text.count("\n", 0, tag.start()) + 1, tag.group()))
    for match in QUERY_VALUE.finditer(text):
        if match.group(1) in VALUES:
            found.append((text.count("\n", 0, match.start()) + 1, match.group()))
    return found


def js_literals(text: str) -> list[tuple[int, str]]:
    return [
        (text.count("\n", 0, m.start()) + 1, m.group())
        for m in JS_COMPARE.finditer(text)
        if (m.group(2) or m.group(4)) in VALUES
    ]


def test_architecture_templates_get_booleans_not_role_status_or_kind_literals():
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for line, code in template_literals(path.read_text(encoding="utf-8"))
    ]
    offending += [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path in sorted((ROOT / "static" / "js").glob("*.js"))
        for line, code in js_literals(path.read_text(encoding="utf-8"))
    ]

    assert not offending, (
        "Templates and scripts ask booleans (is_filler, is_reviewer, perf_form.is_department, "
        "state.active…) that Python decides; they never compare roles, statuses or kinds:\n"
        + "\n".join(f"  {item}" for item in offending)
    )


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ('{% if user.role == "filler" %}', 1),
        ("{% if perf_form.kind == 'department' %}x{% elif f.status == \"draft\" %}", 2),
        ("<a href=\"{% url 'projects:create' %}?kind=department\">", 1),
        ("{{ f.status|default:'draft' }}", 1),
        ('{% if is_filler %}<div role="alert" class="status-{{ f.status }}">', 0),
        ("{% if sort == '-submitted' %}{% url 'projects:queue' %}", 0),
    ],
)
def test_architecture_template_check(text, count):
    assert len(template_literals(text)) == count


@pytest.mark.parametrize(
    ("text", "count"),
    [('return state.status === "pending";', 1), ('"running" != s', 1), ('form.addEventListener("submit", f)', 0)],
)
def test_architecture_js_check(text, count):
    assert len(js_literals(text)) == count


def test_architecture_vocabularies_are_enums():
    """The literal check reads the values from these enums, so none may be a plain tuple of strings."""
    assert all(issubclass(vocabulary, models.TextChoices) for vocabulary in VOCABULARIES)
    assert {"filler", "draft", "department", "unit", "running", "approve"} <= VALUES


def _imported_modules(source: str, path: str) -> Iterator[str]:
    """Absolute names of the modules a file imports (relative imports resolved against its package)."""
    package = path.removesuffix(".py").split("/")[:-1]
    if path.endswith("__init__.py"):
        package = path.removesuffix("/__init__.py").split("/")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_architecture_production_code_never_imports_devdata():
    offending = [
        f"{path}: {module}"
        for path, source in _modules()
        if not path.startswith("projects/devdata/")
        for module in _imported_modules(source, path)
        if module == "projects.devdata" or module.startswith("projects.devdata.")
    ]
    assert not offending, "Only the development commands use projects/devdata/:\n" + "\n".join(offending)


def test_architecture_indicators_depend_on_projects_only_for_its_pure_library():
    """The catalogue of indicators (frameworks, targets, rules) sits under the forms, not beside them."""
    offending = [
        f"{path}: {module}"
        for path, source in _modules()
        if path.startswith("indicators/")
        for module in _imported_modules(source, path)
        if module.startswith("projects") and not module.startswith("projects.lib")
    ]
    assert not offending, "\n".join(offending)


def test_architecture_import_check_resolves_relative_imports():
    found = set(_imported_modules("from ..lib.money import parse_yuan\nfrom . import demo\n", "projects/devdata/x.py"))
    assert {"projects.lib.money", "projects.lib.money.parse_yuan", "projects.devdata.demo"} <= found


# -- only the exchange touches Excel --------------------------------------------------------------

EXCEL_LIBRARIES = ("openpyxl", "xlsxwriter")
EXCEL_MODULES = {
    "projects/exchange/writer.py": "one form in the official layout (openpyxl)",
    "projects/exchange/reader.py": "an upload in the official layout read back (openpyxl)",
    "projects/exchange/bulk.py": "the bulk export (XlsxWriter)",
    "projects/exchange/tables.py": "plain tables: lists as xlsx, templates and their uploads (openpyxl)",
    # A printed record in the official style (merged label cells, borders, A4 page set-up,
    # repeated header): more than a plain table.
    "projects/exchange/opinion.py": "the 审核意见书 of one form, printable like the official forms (openpyxl)",
}


def excel_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of openpyxl or XlsxWriter in `source`, however it is spelled."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).split(".")[-1] in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in EXCEL_LIBRARIES]
    return found


def _application_modules() -> Iterator[tuple[str, str]]:
    for package in LITERAL_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_architecture_only_the_exchange_imports_excel_libraries():
    offending = [
        f"{path}:{line}: {name}"
        for path, source in _application_modules()
        if path not in EXCEL_MODULES
        for line, name in excel_imports(source)
    ]

    assert not offending, (
        "openpyxl and XlsxWriter stay in projects/exchange/writer.py, reader.py and bulk.py "
        "(give them plain data, take plain data back):\n" + "\n".join(f"  {item}" for item in offending)
    )


def test_architecture_excel_modules_exist_and_import_their_library():
    """The exemptions name real modules, and the check does see their imports: it is not blind."""
    found = {
        path: {name.split(".")[0] for _line, name in excel_imports(source)} for path, source in _application_modules()
    }

    assert found["projects/exchange/writer.py"] == {"openpyxl"}
    assert found["projects/exchange/reader.py"] == {"openpyxl"}
    assert found["projects/exchange/bulk.py"] == {"xlsxwriter"}


@pytest.mark.parametrize(
    "source",
    [
        "import openpyxl",
        "import xlsxwriter",
        "import os, openpyxl.utils",
        "from openpyxl.styles import Font",
        "from xlsxwriter import Workbook as W",
        "def f():\n    import openpyxl\n    return openpyxl.Workbook()",
        "importlib.import_module('openpyxl.utils')",
        "workbook = __import__('xlsxwriter').Workbook",
    ],
)
def test_architecture_excel_import_check_reports(source):
    assert len(excel_imports(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "import openpyxl_stub",
        "from .openpyxl import helper",
        "from projects.exchange import writer",
        "library = 'openpyxl'",
        "importlib.import_module(name)",
    ],
)
def test_architecture_excel_import_check_lets_through(source):
    assert excel_imports(source) == []
