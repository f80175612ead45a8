"""Indicator frameworks as data: load them from fixtures/frameworks.json."""

import json
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

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


# Frameworks change a few times a year and every editor and review page reads one. Cached
# per process; a change in this process is seen at once (the signals below), one made in
# another app process within VOCABULARY_TTL seconds.
VOCABULARY_TTL = 300


def _vocabulary_key(framework_id: int) -> str:
    return f"perfgoals:framework-vocabulary:{framework_id}"


def framework_vocabulary(framework: IndicatorFramework) -> dict[str, list[str]]:
    """{level1 name: [level2 names]} in framework order: the plain data rules and parsers take."""
    key = _vocabulary_key(framework.pk)
    vocabulary = cache.get(key)
    if vocabulary is None:
        vocabulary = {node.name: [child.name for child in children] for node, children in framework.tree()}
        cache.set(key, vocabulary, VOCABULARY_TTL)
    return vocabulary


@receiver([post_save, post_delete], sender=FrameworkNode)
def _forget_vocabulary(sender, instance, **kwargs):
    cache.delete(_vocabulary_key(instance.framework_id))
