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

# History mode (`make bench-history`, `make load-deadline`): the same year and four before it, in a
# database of their own so that the one-year figures stay what they were. Each year's seed is its own.
DEFAULT_HISTORY_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/perfgoals_bench5"
HISTORY_YEARS = {2027: 5, 2028: 4, 2029: 3, 2030: 2, YEAR: SEED}

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


def history_database_url() -> str:
    return os.environ.get("HISTORY_DATABASE_URL") or DEFAULT_HISTORY_DATABASE_URL


def ensure_database(url: str, template_url: str | None = None) -> None:
    """Create a default benchmark database when it does not exist (never touches another one).

    With template_url (the one-year database), the new database starts as a copy of it, which
    takes seconds instead of generating its year again; PostgreSQL refuses to copy a database
    someone is connected to, and then the new one starts empty.
    """
    if url not in (DEFAULT_DATABASE_URL, DEFAULT_HISTORY_DATABASE_URL):
        return
    import psycopg2

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return
            if template_url in (DEFAULT_DATABASE_URL, DEFAULT_HISTORY_DATABASE_URL):
                template = template_url.rsplit("/", 1)[1]
                try:
                    cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                    print(f"created database {name} as a copy of {template}")
                    return
                except psycopg2.errors.ObjectInUse:
                    print(f"{template} is in use, so {name} starts empty")
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    finally:
        connection.close()


def fresh_copy(template_url: str, name: str) -> str:
    """A new database `name`, a copy of template_url's (dropped first if it exists); returns its URL.

    A load test changes the forms it works on (the deadline's 200 people submit and approve
    hundreds): run on a copy, every run starts from the same state and the template stays as made.
    """
    import psycopg2

    template = template_url.rsplit("/", 1)[1]
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    finally:
        connection.close()
    return template_url.rsplit("/", 1)[0] + "/" + name


def configure(url: str | None = None, template_url: str | None = None) -> dict[str, str]:
    """Set up Django in this process, on `url` (default database_url()); returns the environment a
    server process needs too. template_url: see ensure_database."""
    url = url or database_url()
    ensure_database(url, template_url)
    env = {**PRODUCTION_ENV, "DATABASE_URL": url}
    for key, value in env.items():
        os.environ.setdefault(key, value)
    os.environ["DATABASE_URL"] = url
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


def prepare(
    year: int = YEAR, forms: int = FORMS, seed: int = SEED, years: dict[int, int] | None = None
) -> float | None:
    """Migrate, collect static files, and generate the synthetic year (or years: {year: seed}) missing.

    Returns how long the generation took, or None when every year was already there.
    """
    from django.core.management import call_command

    from projects.models import PerformanceForm

    call_command("migrate", verbosity=0, interactive=False)
    collect_static()
    generated = None
    for number, year_seed in sorted((years or {year: seed}).items()):
        if PerformanceForm.objects.filter(year__year=number).exists():
            continue
        print(f"generating {forms} forms for {number} (once) ...", flush=True)
        started = time.perf_counter()
        call_command("generate_forms", year=number, forms=forms, seed=year_seed)
        generated = (generated or 0.0) + time.perf_counter() - started
    _backfill_warning_counts()
    vacuum()
    return generated


def _backfill_warning_counts() -> None:
    """A database made before the per-rule counts (projects migration 0006) gets them once, as an
    upgraded installation does with `manage.py refresh_warning_counts`."""
    from django.core.management import call_command

    from projects.models import FormWarningCount, PerformanceForm

    if PerformanceForm.objects.filter(error_count__gt=0).exists() and not FormWarningCount.objects.exists():
        print("per-rule warning counts (once) ...", flush=True)
        call_command("refresh_warning_counts", verbosity=0)


def vacuum() -> None:
    """VACUUM (FULL, ANALYZE): the benchmarks that write and roll back (a year carried over three times,
    an exchange export) leave the forms' and rows' tables several times their size, and a plain
    VACUUM does not give the space back: the queue's and the dashboard's SQL doubled on the run after
    one (a sequential scan read 20,000 pages for 20,000 forms). Every run starts from compact tables
    and fresh statistics (a few seconds on the bench database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (FULL, ANALYZE)")
