"""Indicator frameworks as data: load them from fixtures/frameworks.json."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import FrameworkNode, IndicatorFramework

FRAMEWORKS_FILE = Path(settings.BASE_DIR) / "fixtures" / "frameworks.json"


@transaction.atomic
def load_frameworks(path: Path = FRAMEWORKS_FILE) -> list[IndicatorFramework]:
    """Create or update every framework in the file; idempotent.

    Nodes are matched by name, so a rename in the file adds a node rather
    than rewriting what existing forms point at.
    """
    loaded = []
    for spec in json.loads(Path(path).read_text(encoding="utf-8")):
        framework, _created = IndicatorFramework.objects.update_or_create(
            code=spec["code"], defaults={"name": spec["name"], "form_kind": spec["form_kind"]}
        )
        for pos1, level1 in enumerate(spec["level1"]):
            node1, _c = FrameworkNode.objects.update_or_create(
                framework=framework,
                parent=None,
                name=level1["name"],
                defaults={"position": pos1, "aliases": "\n".join(level1.get("aliases", []))},
            )
            for pos2, level2 in enumerate(level1["children"]):
                FrameworkNode.objects.update_or_create(
                    framework=framework,
                    parent=node1,
                    name=level2["name"],
                    defaults={"position": pos2, "aliases": "\n".join(level2.get("aliases", []))},
                )
        loaded.append(framework)
    return loaded


def framework_vocabulary(framework: IndicatorFramework) -> dict[str, list[str]]:
    """{level1 name: [level2 names]} in framework order: the plain data rules and parsers take."""
    return {node.name: [child.name for child in children] for node, children in framework.tree()}
