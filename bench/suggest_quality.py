"""How good the suggestions are: leave-one-out recall@k against a most-frequent baseline.

On the database DATABASE_URL names (default: a fresh SQLite file under /tmp with the published
seed forms of fixtures/seeds imported through the text importer, as `make run` has them), each
reference form in turn is the query, with itself left out of the history; see
projects/suggest/quality.py. Prints one table per form kind and a JSON line.

    python bench/suggest_quality.py [--k 10]
    DATABASE_URL=postgres://… python bench/suggest_quality.py   # the references already there
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    fresh = "DATABASE_URL" not in os.environ
    if fresh:
        os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "suggest_quality.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfgoals.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from indicators.choices import FormKind
    from projects.exchange.importing import import_text_file
    from projects.suggest.quality import leave_one_out

    if fresh:
        call_command("migrate", verbosity=0)
        for path in sorted((Path(settings.BASE_DIR) / "fixtures" / "seeds").glob("*.txt")):
            import_text_file(path)
    results = {}
    for kind in FormKind.values:
        figures = leave_one_out(kind, k=args.k)
        if not figures.forms:
            continue
        results[kind] = figures.as_json()
        print(f"\n{kind}: {len(figures.forms)} forms, {figures.rows} rows, k = {args.k}")
        print(f"{'form':<24} {'rows':>5} {'findable':>9} {'suggest':>8} {'baseline':>9}")
        for f in figures.forms:
            print(f"{f.name[:22]:<24} {f.rows:>5} {f.findable:>9} {f.hits:>8} {f.baseline_hits:>9}")
        print(
            f"{'all':<24} {figures.rows:>5} {figures.findable_share:>9.1%} {figures.recall:>8.1%} "
            f"{figures.baseline_recall:>9.1%}"
        )
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
