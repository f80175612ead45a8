"""Settings read from the environment.

Development defaults (SQLite, DEBUG on) need nothing set; production sets
DATABASE_URL, SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-perfgoals"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "perfgoals.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "perfgoals.apps.PerfgoalsConfig",
    "perfgoals.apps.AxesConfig",
    "django_tasks",
    "perfgoals.apps.TasksDbConfig",
    "indicators.apps.IndicatorsConfig",
    "projects.apps.ProjectsConfig",
    "projects.accounts.apps.AccountsConfig",
    "projects.reviews.apps.ReviewsConfig",
    "projects.season.apps.SeasonConfig",
    "projects.notices.apps.NoticesConfig",
    "projects.suggest.apps.SuggestConfig",
    # Development data (load_demo, generate_forms); production code never imports it.
    "projects.devdata.apps.DevdataConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML compressed here rather than at the reverse proxy: Django's GZipMiddleware pads each
    # response with random bytes against BREACH (Heal The Breach), nginx's gzip does not. Static
    # files come precompressed from WhiteNoise and are left alone.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "perfgoals.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "perfgoals.middleware.IdleSessionMiddleware",
    # A generated or administrator-reset password is changed before anything else is opened.
    "projects.accounts.middleware.ForcePasswordChangeMiddleware",
    "perfgoals.middleware.NoStoreForUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the login view's failure and answers with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perfgoals.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.perfgoals_nav",
                "projects.notices.context_processors.bell",
                # 填报进度 / 年度设置 links (projects/season).
                "projects.season.context_processors.season_nav",
            ],
        },
    },
]

WSGI_APPLICATION = "perfgoals.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Argon2id tuned to PBKDF2's strength or more at a sixth of its CPU per login (perfgoals/hashers.py,
# measured by bench/hashers.py). PBKDF2 stays listed so that existing hashes still verify; Django
# re-hashes each with the first hasher at that user's next login.
PASSWORD_HASHERS = [
    "perfgoals.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes). Failures are counted per account and, separately, per client
# address; an address has its own, higher limit because a whole office often reaches us through
# one NAT address (perfgoals.lockout.AccountAndAddressHandler).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "perfgoals.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("PERFGOALS_LOGIN_FAILURE_LIMIT", "5"))
PERFGOALS_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("PERFGOALS_LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PERFGOALS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_CALLABLE = "perfgoals.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "perfgoals.lockout.client_ip"
# The request header (e.g. X-Real-IP) that our own reverse proxy sets to the client's address.
# Unset, the address is the TCP peer: a client-sent X-Forwarded-For is never believed.
PERFGOALS_CLIENT_IP_HEADER = os.environ.get("PERFGOALS_CLIENT_IP_HEADER", "").strip()
# Log who failed and from where (the password is always masked): the log is where an attack shows.
AXES_SENSITIVE_PARAMETERS = []
# Admins unlock through the project's own admin for access attempts (perfgoals.lockout_admin).
AXES_ENABLE_ADMIN = False

# Idle timeout: a session ends after this much inactivity. perfgoals.middleware.IdleSessionMiddleware
# renews it at most once a minute rather than writing the session row on every request.
SESSION_COOKIE_AGE = int(os.environ.get("PERFGOALS_SESSION_IDLE_MINUTES", "120")) * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "perfgoals" / "locale_vendor"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A form posts 17 fields per indicator row; the editor caps a form at
# MAX_INDICATOR_ROWS rows, and the limit leaves room for the header on top.
MAX_INDICATOR_ROWS = 200
DATA_UPLOAD_MAX_NUMBER_FIELDS = MAX_INDICATOR_ROWS * 18 + 200

# 财政区划代码 of this installation (9 characters, e.g. 430424000 for 衡东县), as the budget system's
# exchange tables carry it (MOF_DIV_CODE); empty until the deployment sets it.
PERFGOALS_MOF_DIV_CODE = os.environ.get("PERFGOALS_MOF_DIV_CODE", "").strip()

# Background tasks (django-tasks): the database is the queue, so there is no broker to run;
# `manage.py db_worker` runs them, one at a time per worker process (projects.services.exports).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Bulk exports queued or running at once, everyone together; past it a new one is refused.
PERFGOALS_EXPORT_MAX_ACTIVE = int(os.environ.get("PERFGOALS_EXPORT_MAX_ACTIVE", "3"))
# A finished export (and its file, kept in the database) is deleted this long after it finished.
PERFGOALS_EXPORT_KEEP_HOURS = int(os.environ.get("PERFGOALS_EXPORT_KEEP_HOURS", "24"))
# A running export beats every 10 s; silent this long, its worker is taken for dead and it is retried.
PERFGOALS_EXPORT_STALE_SECONDS = int(os.environ.get("PERFGOALS_EXPORT_STALE_SECONDS", "60"))
# An export still queued after this long has no worker at all: it is reported failed.
PERFGOALS_EXPORT_QUEUE_MINUTES = int(os.environ.get("PERFGOALS_EXPORT_QUEUE_MINUTES", "10"))
# The bulk export reports its progress every this many rows.
PERFGOALS_EXPORT_PROGRESS_EVERY = int(os.environ.get("PERFGOALS_EXPORT_PROGRESS_EVERY", "2000"))

# Excel upload caps, checked before the file is parsed. A 5 MB zip can unpack to 72 MB of XML
# (FIELD_NOTES); a form has at most MAX_INDICATOR_ROWS rows plus some 30 of header.
PERFGOALS_UPLOAD_MAX_BYTES = int(os.environ.get("PERFGOALS_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
PERFGOALS_UPLOAD_MAX_UNZIPPED_BYTES = int(os.environ.get("PERFGOALS_UPLOAD_MAX_UNZIPPED_BYTES", str(20 * 1024 * 1024)))
PERFGOALS_UPLOAD_MAX_ROWS = int(os.environ.get("PERFGOALS_UPLOAD_MAX_ROWS", "2000"))
# Indicator library (指标库): rows one export may hold (in the request), rows an import may hold, and
# up to how many rows an import runs in the request after its preview (larger: a background job).
PERFGOALS_LIBRARY_EXPORT_MAX_ROWS = int(os.environ.get("PERFGOALS_LIBRARY_EXPORT_MAX_ROWS", "5000"))
PERFGOALS_LIBRARY_IMPORT_MAX_ROWS = int(os.environ.get("PERFGOALS_LIBRARY_IMPORT_MAX_ROWS", "2000"))
PERFGOALS_LIBRARY_INLINE_IMPORT_MAX = int(os.environ.get("PERFGOALS_LIBRARY_INLINE_IMPORT_MAX", "300"))
# The 一体化 exchange (projects/exchange/yitihua.py): a year of 20,000 forms is some 400,000 indicator
# rows and 150 MB of CSV. Caps per file (bytes and rows), on an uploaded zip, and on what it unpacks to.
PERFGOALS_EXCHANGE_MAX_FILE_BYTES = int(os.environ.get("PERFGOALS_EXCHANGE_MAX_FILE_BYTES", str(256 * 1024 * 1024)))
PERFGOALS_EXCHANGE_MAX_ROWS = int(os.environ.get("PERFGOALS_EXCHANGE_MAX_ROWS", "1000000"))
PERFGOALS_EXCHANGE_MAX_UPLOAD_BYTES = int(os.environ.get("PERFGOALS_EXCHANGE_MAX_UPLOAD_BYTES", str(64 * 1024 * 1024)))
PERFGOALS_EXCHANGE_MAX_UNZIPPED_BYTES = int(
    os.environ.get("PERFGOALS_EXCHANGE_MAX_UNZIPPED_BYTES", str(512 * 1024 * 1024))
)
# Onboarding (projects/services/onboarding.py): organizations and users per import. Each new user's
# password is hashed in the request (so that no plaintext ever reaches the database or the task queue).
PERFGOALS_ONBOARDING_MAX_ROWS = int(os.environ.get("PERFGOALS_ONBOARDING_MAX_ROWS", "1000"))
PERFGOALS_ONBOARDING_MAX_USERS = int(os.environ.get("PERFGOALS_ONBOARDING_MAX_USERS", "300"))


def env_list(name: str, default: list[str]) -> list[str]:
    """A list setting: the variable's values separated by "|", blanks dropped; the default when unset."""
    value = os.environ.get(name)
    return default if value is None else [item.strip() for item in value.split("|") if item.strip()]


# What the editor offers for 项目类别 and 绩效类型: the values the published forms we hold use, and 其他.
# A value stored before (typed freely, or imported) stays selectable on its form.
PERFGOALS_PROJECT_CATEGORIES = env_list("PERFGOALS_PROJECT_CATEGORIES", ["其他一次性项目", "其他"])
PERFGOALS_PERFORMANCE_TYPES = env_list("PERFGOALS_PERFORMANCE_TYPES", ["其他类", "其他"])

# No inline code at all: scripts and styles come from static/, an inline <script> that must stay
# carries nonce="{{ request.csp_nonce }}".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
    },
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Anyone can send X-Forwarded-Proto: trust it only when the operator says every request comes
# through a proxy that sets it (gunicorn bound to loopback behind nginx); otherwise a client reaching
# the app server directly would pass for https and skip the redirect.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_axes_log_level = os.environ.get("LOG_LEVEL", "WARNING").upper()
if _axes_log_level not in ("DEBUG", "INFO"):
    _axes_log_level = "WARNING"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Failed logins and lockouts (axes logs them at WARNING) reach the console whatever LOG_LEVEL says.
    "loggers": {"axes": {"level": _axes_log_level}},
}

# E-mail (notifications, password reset): printed to the console unless an SMTP host is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "perfgoals@localhost")
# How links in e-mails start (the address people open the app at).
PERFGOALS_SITE_URL = os.environ.get("PERFGOALS_SITE_URL", "http://127.0.0.1:8000")
# Announcements (通知公告) on the landing pages are cached per process this long (seconds): publishing or
# withdrawing one clears the cache of the process that did it, the other processes follow within this time.
PERFGOALS_ANNOUNCEMENT_CACHE_SECONDS = int(os.environ.get("PERFGOALS_ANNOUNCEMENT_CACHE_SECONDS", "60"))
# Password reset e-mails a client address, and a single e-mail address, may ask for per hour.
PERFGOALS_PASSWORD_RESET_PER_HOUR = int(os.environ.get("PERFGOALS_PASSWORD_RESET_PER_HOUR", "5"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PERFGOALS_PASSWORD_RESET_HOURS", "24")) * 3600
# send_reminders notifies a unit's fillers when its deadline is this many days away ("7,3,1").
PERFGOALS_REMINDER_DAYS = {int(d) for d in os.environ.get("PERFGOALS_REMINDER_DAYS", "7,3,1").split(",") if d.strip()}
