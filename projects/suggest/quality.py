"""Leave-one-out quality of the suggestions against a most-frequent baseline (bench/suggest_quality.py).

Each reference form in turn is the query (its name, 概况 and 立项依据) with itself left out of
the history; a hit is one of its own 三级 names (normalised) among the first `k` suggestions.
The baseline offers the `k` names found on most of the other forms. A row is findable when
some other form has its name: no method can suggest the others.
"""

from collections import Counter
from dataclasses import dataclass, field

from indicators.choices import FormKind

from .engine import suggest
from .models import Reference
from .services import texts_of
from .text import name_key


@dataclass
class FormFigures:
    form_id: int
    name: str
    rows: int
    findable: int
    hits: int
    baseline_hits: int


@dataclass
class Figures:
    k: int
    forms: list[FormFigures] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.forms)

    @property
    def rows(self) -> int:
        return self._sum("rows")

    def share(self, name: str) -> float:
        return self._sum(name) / self.rows if self.rows else 0.0

    @property
    def recall(self) -> float:
        return self.share("hits")

    @property
    def baseline_recall(self) -> float:
        return self.share("baseline_hits")

    @property
    def findable_share(self) -> float:
        return self.share("findable")

    def as_json(self) -> dict:
        return {
            "k": self.k,
            "forms": len(self.forms),
            "rows": self.rows,
            "findable_share": round(self.findable_share, 4),
            "recall": round(self.recall, 4),
            "baseline_recall": round(self.baseline_recall, 4),
            "ratio": round(self.recall / self.baseline_recall, 2) if self.baseline_recall else None,
        }


def leave_one_out(kind: str = FormKind.PROJECT, k: int = 10) -> Figures:
    references = list(Reference.objects.filter(kind=kind).select_related("perf_form__unit").order_by("pk"))
    names = {r.pk: list(dict.fromkeys(key for row in r.rows if (key := name_key(row[2])))) for r in references}
    figures = Figures(k)
    for reference in references:
        own = set(names[reference.pk])
        if not own:
            continue
        seen: Counter = Counter()
        for other in references:
            if other.pk != reference.pk:
                seen.update(names[other.pk])
        baseline = {key for key, _count in seen.most_common(k)}
        name, overview, basis = texts_of(reference.perf_form)
        found = suggest(
            kind=kind,
            name=name,
            overview=overview,
            basis=basis,
            year=reference.year,
            exclude_forms=[reference.perf_form_id],
            limit=k,
            library=False,
        )
        figures.forms.append(
            FormFigures(
                reference.perf_form_id,
                reference.project_name,
                len(own),
                len(own & set(seen)),
                len(own & {s.key for s in found}),
                len(own & baseline),
            )
        )
    return figures
