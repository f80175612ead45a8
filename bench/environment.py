"""The database and settings `make bench` and `make load` run against.

PostgreSQL always: DATABASE_URL when set, else a database perfgoals_bench on 127.0.0.1
(created when missing), migrated, with the synthetic year generated once. Settings are
production's (DEBUG off, manifest static files) but for plain http on loopback.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/perfgoals_bench"
YEAR = 2031
FORMS = 20000
SEED = 1

# What a production deployment sets, less TLS: everything here is plain http on 127.0.0.1.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-and-load-only-not-a-production-secret-0123456789abcdef",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SETTINGS_MODULE": "perfgoals.settings",
}


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def ensure_database(url: str) -> None:
    """Create the default benchmark database when it does not exist (never touches another one)."""
    if url != DEFAULT_DATABASE_URL:
        return
    import psycopg2

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}")
    finally:
        connection.close()


def configure() -> dict[str, str]:
    """Set up Django in this process; returns the environment a server process needs too."""
    url = database_url()
    ensure_database(url)
    env = {**PRODUCTION_ENV, "DATABASE_URL": url}
    for key, value in env.items():
        os.environ.setdefault(key, value)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return {key: os.environ[key] for key in env}


def collect_static() -> None:
    """collectstatic for DEBUG off, which serves static files through the manifest it writes.

    Works around the vendored Bootstrap files: they end in a sourceMappingURL comment naming
    a .map file that is not vendored, and the manifest storage refuses to post-process a
    file whose references are missing ("MissingFileError ... bootstrap.bundle.min.js.map"),
    so a plain `collectstatic` fails. The manifest is written by a subclass that leaves
    source-map comments alone; the app reads it with its own storage unchanged.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "bench.environment.ManifestIgnoringSourceMaps"}}
    with override_settings(STORAGES=storages):
        call_command("collectstatic", verbosity=0, interactive=False)


def _storage_class():
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    class ManifestIgnoringSourceMaps(CompressedManifestStaticFilesStorage):
        patterns = tuple(
            (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
            for glob, rules in CompressedManifestStaticFilesStorage.patterns
        )

    return ManifestIgnoringSourceMaps


def __getattr__(name):
    # The storage class is built on first use: importing whitenoise needs configured settings.
    if name == "ManifestIgnoringSourceMaps":
        return _storage_class()
    raise AttributeError(name)


def prepare(year: int = YEAR, forms: int = FORMS, seed: int = SEED) -> float | None:
    """Migrate, collect static files, and generate the synthetic year if it is missing.

    Returns how long the generation took, or None when the year was already there.
    """
    from django.core.management import call_command

    from projects.models import PerformanceForm

    call_command("migrate", verbosity=0, interactive=False)
    collect_static()
    if PerformanceForm.objects.filter(year__year=year).exists():
        return None
    print(f"generating {forms} forms for {year} (once) ...", flush=True)
    started = time.perf_counter()
    call_command("generate_forms", year=year, forms=forms, seed=seed)
    return time.perf_counter() - started
