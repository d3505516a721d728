"""Django settings for ASM Hub.

Every value that changes between machines is read from the environment through
``asmhub.lib.env``; docs/configuration.md lists each variable (a test checks it).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from asmhub.lib.env import env_bool, env_choice, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("ASMHUB_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("ASMHUB_DEBUG", False)


def _secret_key() -> str:
    """Use ASMHUB_SECRET_KEY; without it, keep a generated key in the data folder."""
    configured = env_str("ASMHUB_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
SECRET_KEY_FROM_FILE = not env_str("ASMHUB_SECRET_KEY")

ALLOWED_HOSTS = env_list("ASMHUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ASMHUB_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "asmhub.core",
    "asmhub.accounts",
    "asmhub.taxonomy",
    "asmhub.directory",
    "asmhub.library",
    "asmhub.funding",
    "asmhub.calendar",
    "asmhub.monitoring",
    "asmhub.convenings",
    "asmhub.reports",
    "asmhub.strategy",
    "asmhub.briefs",
    "asmhub.outreach",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "asmhub.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "asmhub.core.middleware.RejectNulCharactersMiddleware",
    "asmhub.core.middleware.SiteAddressMiddleware",
    "asmhub.core.pagecache.AnonymousPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "asmhub.urls"
WSGI_APPLICATION = "asmhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "asmhub.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the data folder unless DATABASE_URL names another database.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'asmhub.sqlite3'}")
# Each web process keeps its connection for this many seconds (0: a new one per request);
# docs/benchmarks.md ("Web tier") measures both on SQLite and PostgreSQL.
DB_CONN_MAX_AGE = env_int("ASMHUB_DB_CONN_MAX_AGE", 60, minimum=0)
_database: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE))
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        # Writers queue behind each other instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA cache_size=-64000;"
            "PRAGMA temp_store=MEMORY;"
        ),
    }
else:
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("ASMHUB_REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
# Whole pages for anonymous visitors, kept until the data changes (core.pagecache), and
# how long a proxy may serve them (Cache-Control max-age).
ASMHUB_PAGE_CACHE = env_bool("ASMHUB_PAGE_CACHE", True)
ASMHUB_PAGE_CACHE_SECONDS = env_int("ASMHUB_PAGE_CACHE_SECONDS", 60, minimum=0)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Throttled sign-in: django-axes locks a username and address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("ASMHUB_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("ASMHUB_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

_storage = env_choice("ASMHUB_STORAGE", ("filesystem", "s3"), "filesystem")
if _storage == "s3":
    _default_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("ASMHUB_S3_BUCKET"),
            "endpoint_url": env_str("ASMHUB_S3_ENDPOINT_URL") or None,
            "region_name": env_str("ASMHUB_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}

# Library search: the embedded Tantivy index in the data directory, or the database's
# own full-text search (FTS5 or PostgreSQL tsvector).
ASMHUB_SEARCH_ENGINE = env_choice("ASMHUB_SEARCH_ENGINE", ("database", "tantivy"), "database")
ASMHUB_SEARCH_INDEX_DIR = Path(
    env_str("ASMHUB_SEARCH_INDEX_DIR", str(DATA_DIR / "search-index"))
).resolve()

# Background work: the Django tasks API (django-tasks backport of django.tasks).
_tasks_backend = env_choice("ASMHUB_TASKS_BACKEND", ("immediate", "database"), "immediate")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if _tasks_backend == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}

_email = env_choice("ASMHUB_EMAIL_BACKEND", ("console", "smtp", "memory"), "console")
EMAIL_BACKEND = (
    f"django.core.mail.backends.{'locmem' if _email == 'memory' else _email}.EmailBackend"
)
EMAIL_HOST = env_str("ASMHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ASMHUB_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("ASMHUB_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("ASMHUB_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("ASMHUB_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("ASMHUB_DEFAULT_FROM_EMAIL", "ASM Hub <noreply@asmhub.localhost>")

# HTTPS-only cookies and headers, for deployments behind TLS.
SECURE = env_bool("ASMHUB_SECURE", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the pages may use (Permissions-Policy header): no page asks for the
# camera, microphone, location (the monitoring map draws stored coordinates), payment or
# devices; full screen stays allowed for the site itself (the PDF viewer, the map).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
API_THROTTLE_ANONYMOUS = env_str("ASMHUB_API_THROTTLE_ANONYMOUS", "600/m")
API_THROTTLE_AUTHENTICATED = env_str("ASMHUB_API_THROTTLE_AUTHENTICATED", "3000/m")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ASMHUB_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Uploaded files are served only through the views of the records that hold them, which
# check who may see the record (library: /library/<slug>/file/), never from MEDIA_URL.
CSRF_FAILURE_VIEW = "asmhub.core.views.csrf_failure"

# The public address of the site, for links that leave it: calendar feeds and e-mails.
# Empty: links follow the address each request is served at (core.services.site_url).
ASMHUB_SITE_URL = env_str("ASMHUB_SITE_URL", "")
# Calendar import from a URL: the largest file fetched, and whether addresses on this
# machine's own networks (loopback, private ranges) may be fetched at all.
ASMHUB_ICS_MAX_BYTES = env_int("ASMHUB_ICS_MAX_BYTES", 5_000_000, minimum=1000)
ASMHUB_ICS_ALLOW_PRIVATE_URLS = env_bool("ASMHUB_ICS_ALLOW_PRIVATE_URLS", False)
# Uploaded and imported zip-based files (DOCX, XLSX) are checked before they are unpacked:
# how much they may unpack to in all and per part, how far a part may be compressed, and
# how many parts they may hold. Sheets (XLSX) are read only so far, whatever they declare.
ASMHUB_ZIP_MAX_UNPACKED_BYTES = env_int("ASMHUB_ZIP_MAX_UNPACKED_BYTES", 200_000_000, minimum=1)
ASMHUB_ZIP_MAX_MEMBER_BYTES = env_int("ASMHUB_ZIP_MAX_MEMBER_BYTES", 50_000_000, minimum=1)
ASMHUB_ZIP_MAX_RATIO = env_int("ASMHUB_ZIP_MAX_RATIO", 100, minimum=1)
ASMHUB_ZIP_MAX_MEMBERS = env_int("ASMHUB_ZIP_MAX_MEMBERS", 10_000, minimum=1)
ASMHUB_SHEET_MAX_ROWS = env_int("ASMHUB_SHEET_MAX_ROWS", 200_000, minimum=1)
ASMHUB_SHEET_MAX_COLUMNS = env_int("ASMHUB_SHEET_MAX_COLUMNS", 2_000, minimum=1)
ASMHUB_SHEET_MAX_CELLS = env_int("ASMHUB_SHEET_MAX_CELLS", 5_000_000, minimum=1)
# Field monitoring: the largest survey file an import takes.
ASMHUB_MONITORING_MAX_UPLOAD_BYTES = env_int(
    "ASMHUB_MONITORING_MAX_UPLOAD_BYTES", 100_000_000, minimum=10_000
)
# Field monitoring: how many months after the visit date its informant and notes are
# cleared by ``asmhub purge-expired``.
ASMHUB_INFORMANT_RETENTION_MONTHS = env_int("ASMHUB_INFORMANT_RETENTION_MONTHS", 24, minimum=1)
# Whether reports by a third party (IPIS "Third-party information" rows) count as a
# site's latest observed visit in the need index and the map; status rows never do.
ASMHUB_MONITORING_COUNT_THIRD_PARTY = env_bool("ASMHUB_MONITORING_COUNT_THIRD_PARTY", False)
# Field monitoring maps: the tile server ({z}/{x}/{y}; "none" for a map without a base
# layer) and its credit line (HTML). The tile server's origin is added to the CSP img-src.
ASMHUB_MAP_TILE_URL = env_str(
    "ASMHUB_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
if ASMHUB_MAP_TILE_URL.lower() == "none":
    ASMHUB_MAP_TILE_URL = ""
ASMHUB_MAP_TILE_ATTRIBUTION = env_str(
    "ASMHUB_MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def _tile_origin(url: str) -> str:
    """The CSP source of a tile URL: its scheme and host, with {s} subdomains as a wildcard."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}.", "*.")
    return f"{scheme}://{host}" if scheme and host and "{" not in host else ""


if _tile_origin(ASMHUB_MAP_TILE_URL):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tile_origin(ASMHUB_MAP_TILE_URL))

# Community reports (docs/reports.md): the SMS gateway's shared secret (empty: the webhook
# refuses every call), the key of the reporters' number hashes and sealed numbers, the
# programme that receives reports, the outbox backend, and the rate limit.
ASMHUB_REPORTS_WEBHOOK_SECRET = env_str("ASMHUB_REPORTS_WEBHOOK_SECRET")
ASMHUB_REPORTS_NUMBER_KEY = env_str("ASMHUB_REPORTS_NUMBER_KEY")
ASMHUB_REPORTS_PROGRAMME = env_str("ASMHUB_REPORTS_PROGRAMME")
ASMHUB_REPORTS_SMS_BACKEND = env_str("ASMHUB_REPORTS_SMS_BACKEND", "console")
ASMHUB_REPORTS_PER_HOUR = env_int("ASMHUB_REPORTS_PER_HOUR", 30, minimum=1)
ASMHUB_REPORTS_MAX_PHOTO_BYTES = env_int("ASMHUB_REPORTS_MAX_PHOTO_BYTES", 5_000_000, minimum=1000)

# Briefs: a country figure older than this many years counts as a data gap.
ASMHUB_BRIEFS_FIGURE_MAX_AGE = env_int("ASMHUB_BRIEFS_FIGURE_MAX_AGE", 10, minimum=1)
