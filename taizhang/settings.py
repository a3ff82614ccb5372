"""Taizhang settings, read from the environment (twelve-factor).

Defaults run the embedded set-up: SQLite in WAL mode under ``var/``, Huey on SQLite,
the local-memory cache. ``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to Redis.
Nothing secret is committed: without ``SECRET_KEY`` a random key is generated once and
kept in ``var/secret_key``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TAIZHANG_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)


def _secret_key() -> str:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "treebeard",
    "captcha",
    "huey.contrib.djhuey",
    "django_prometheus",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "core",
    "orgs",
    "campaigns",
    "rectification",
    # The domain apps before the ones that read across them: demo loaders run in this
    # order, so supervision's checks and snapshots and the bulletins see every item.
    "wishes",
    "intake",
    "projects",
    "research",
    "study",
    "supervision",
    "dashboards",
    "bulletins",
    "public",
    "ops",
    "audit",
    "api",
    # Last: its demo loader runs after every other one (the demo log-ins keep their password).
    "accounts",
]

MIDDLEWARE = [
    # Request id and clean 503s for an unreachable or locked database (outermost), then
    # the request counters and latencies of django-prometheus around everything else.
    "ops.middleware.RequestMiddleware",
    # The client's address for the audit log, for the length of the request.
    "audit.middleware.AuditContextMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (settings in "Security headers" below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle sessions end; a password someone else set must be changed, and a role in
    # OTP_REQUIRED_ROLES must set up two-step verification, before anything else.
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "orgs.middleware.ScopeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Refuses sign-ins to locked accounts; django-axes wants to be the last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "taizhang.urls"
WSGI_APPLICATION = "taizhang.wsgi.application"
ASGI_APPLICATION = "taizhang.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "taizhang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
# SQLite: WAL so readers never wait for the writer, IMMEDIATE transactions so two writers
# queue on the busy timeout instead of failing with "database is locked" on upgrade.
# Reads go through a memory map of the file (SQLite caps it at its build's maximum,
# 2 GiB for Python's): a page is then read from the operating system's cache without a
# read() call and a copy. Connections are kept between requests (CONN_MAX_AGE), so each
# keeps its page cache while no one writes; a new connection per request started every
# request cold (a province search's counts: 83 ms against 26 ms, bench).
SQLITE_PATH = VAR_DIR / "taizhang.sqlite3"
SQLITE_MMAP_SIZE = env.int("SQLITE_MMAP_SIZE", default=2**31)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; "
            f"PRAGMA mmap_size={SQLITE_MMAP_SIZE};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A web request is one query after another, each of a few milliseconds: starting
    # parallel workers (~15-20 ms on the benchmark machine) and compiling with JIT (~10 ms
    # and more, for plans the planner thinks costly) cost more than they save, and take
    # cores from the requests beside it. Set for the application's own connections;
    # PG_OPTIONS="" keeps the server's settings. See docs/performance.md.
    pg_options = env.str("PG_OPTIONS", default="-c jit=off -c max_parallel_workers_per_gather=0")
    if pg_options:
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", pg_options)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, background jobs ------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database: a Redis restart logs
    # nobody out, and any app server can serve any request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # One machine without Redis: a file cache under var/ is shared by the web workers and
    # the Huey worker (import progress, calendar years), unlike per-process memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

HUEY = {
    "name": "taizhang",
    "immediate": env.bool("HUEY_IMMEDIATE", default=False),
    "utc": True,
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "orgs.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password rules (accounts.validators): 8 characters of three kinds among upper, lower,
# digits and symbols; not the user name, name or mobile; not one of the last 5 passwords.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "accounts.validators.ComplexityValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=8), "min_classes": 3},
    },
    {"NAME": "accounts.validators.PersonalInformationValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"count": env.int("PASSWORD_HISTORY", default=5)},
    },
]
# django-axes first: it counts failed sign-ins and refuses locked accounts before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins lock the account for 15 minutes (LOCKOUT_FAILURES,
# LOCKOUT_MINUTES); a successful one resets the count.
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by address as well (axes.W006) would lock a whole bureau behind one NAT address
# after five typos among its clerks; sign-in floods from one address are nginx's
# limit_req (deploy/nginx.conf), the account lock is what 等保 asks for.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# The audit log's client address, or None where it is not an IP address (PostgreSQL's
# inet column of axes' logs refuses the "unknown" of a test client's force_login).
AXES_CLIENT_IP_CALLABLE = "accounts.views.axes_client_address"
AXES_VERBOSE = False
# The lockout page says, in the user's language, until when the account is locked.
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
# Tries while locked are refused unchecked and do not push the end of the lock further:
# the page can say when it ends, and it ends then.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# A session that makes no request for this many minutes is signed out (0: never).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
# Roles whose holders must sign in with a code from an authenticator app (TOTP) and are
# sent to set one up first, e.g. OTP_REQUIRED_ROLES=admin,security_admin,audit_admin in
# production. Empty by default so that the demo log-ins and the test clients of the
# admin roles work without an authenticator; anyone may still turn it on for themselves.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Taizhang")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# --- Security headers (issue 8: 等保 2.0) -------------------------------------------------
# Content-Security-Policy (django-csp 4): scripts only from Taizhang's own static files,
# never inline or eval'd (app.js wires the behaviours; charts read their options from
# <script type="application/json">, which is data, not script). Styles allow inline
# style attributes: a few templates and ECharts' tooltips use them, and a style cannot
# run code. No plugins, no framing, forms post only to Taizhang.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# The CSRF token reaches HTMX from the page (hx-headers on <body>), never from the
# cookie, so scripts need not read the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind HTTPS (nginx terminating TLS, BEHIND_HTTPS_PROXY or SECURE_COOKIES set): HSTS
# for a year, sub-domains and preload included, and plain-HTTP requests that reach the
# app redirected, except the probes load balancers and Prometheus send to each app
# server directly over HTTP.
if env.bool("BEHIND_HTTPS_PROXY", default=False) or SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Only where nginx's X-Forwarded-Proto is trusted: otherwise every request would
    # look like plain HTTP and be redirected forever.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=env.bool("BEHIND_HTTPS_PROXY", default=False))
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# --- Language, time -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "taizhang" / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Attachments on S3-compatible object storage (MinIO, a cloud bucket) when a bucket is
# named, so app servers need no shared disk; otherwise under MEDIA_ROOT.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("S3_SECRET_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default="media"),
            "default_acl": None,  # private objects; Taizhang serves each file after a scope check
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Fields of one form: a bulk decision on the ledger sends a field per selected problem, up
# to ``rectification.services.BULK_LIMIT`` (1,000) and a few more; past that limit it is
# refused with a message, past this one Django answers 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2500
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Supervision cadence -------------------------------------------------------------
# An open item turns yellow this many working days before its deadline and red after it;
# overdue for ESCALATE_LEADER working days, the leader above is told; for
# ESCALATE_BULLETIN working days, it is named in the bulletin.
WARNING_YELLOW_WORKING_DAYS = env.int("WARNING_YELLOW_WORKING_DAYS", default=3)
ESCALATE_LEADER_WORKING_DAYS = env.int("ESCALATE_LEADER_WORKING_DAYS", default=5)
ESCALATE_BULLETIN_WORKING_DAYS = env.int("ESCALATE_BULLETIN_WORKING_DAYS", default=10)
# A chat-group robot (WeCom / DingTalk style) that receives reminders as one JSON POST.
REMINDER_WEBHOOK_URL = env.str("REMINDER_WEBHOOK_URL", default="")

# --- Public pages ---------------------------------------------------------------------
# django-simple-captcha on public forms: an arithmetic question, readable in any language.
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)
# Behind nginx, the resident's address is the last one nginx appended to X-Forwarded-For
# (set 1 there; 0 trusts only REMOTE_ADDR). Submissions one address may make a minute.
PUBLIC_TRUSTED_PROXIES = env.int("PUBLIC_TRUSTED_PROXIES", default=0)
PUBLIC_SUBMISSIONS_PER_MINUTE = env.int("PUBLIC_SUBMISSIONS_PER_MINUTE", default=30)
# An SMS gateway that tells submitters when their item moves (a JSON POST; off when empty),
# and the address of the site as residents reach it, for links in e-mails and messages.
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SITE_URL = env.str("SITE_URL", default="")
# Working days a member has to fulfil a claimed wish (an org, a micro-project), and an
# office to answer a suggestion.
WISH_FULFIL_WORKING_DAYS = env.int("WISH_FULFIL_WORKING_DAYS", default=10)
MICRO_PROJECT_FULFIL_WORKING_DAYS = env.int("MICRO_PROJECT_FULFIL_WORKING_DAYS", default=60)
SUGGESTION_REPLY_WORKING_DAYS = env.int("SUGGESTION_REPLY_WORKING_DAYS", default=5)
# Research visits: another leader at the same place within this many days is crowding.
VISIT_CROWDING_DAYS = env.int("VISIT_CROWDING_DAYS", default=7)
# Monthly snapshots are frozen for the orgs down to this depth (1: the root only).
SUPERVISION_SNAPSHOT_DEPTH = env.int("SUPERVISION_SNAPSHOT_DEPTH", default=2)
# Dashboards reuse a reader's figures for this many seconds (0: count on every view).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's Basic authentication, refusing accounts that must change their password
        # or sign in with a second factor (accounts.authentication).
        "accounts.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's, documenting the refusals every operation can give (api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Taizhang API",
    "DESCRIPTION": "Work ledger of a campaign office: org tree, people, campaigns and tracked items.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models share the names "status" and the like: name their enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "rectification.choices.ItemStatus",
        "ListStatusEnum": "rectification.choices.ListStatus",
        "ExtensionStatusEnum": "rectification.choices.ExtensionStatus",
        "DriveStatusEnum": "rectification.choices.DriveStatus",
        "InspectionStatusEnum": "rectification.choices.InspectionStatus",
        "CampaignStatusEnum": "campaigns.choices.CampaignStatus",
    },
}

# --- Mail, logging ----------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="taizhang@localhost")

# One JSON object per line (LOG_FORMAT=json, the default) with the request id that the
# response's X-Request-ID header also carries; LOG_FORMAT=text for a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Operations -----------------------------------------------------------------------
# /metrics answers the machine itself, or a scraper sending "Authorization: Bearer <token>".
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Database aliases /readyz checks.
READINESS_DATABASES = ["default"]
# Behind nginx terminating HTTPS: trust its X-Forwarded-Proto (set BEHIND_HTTPS_PROXY=true).
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Shown in the page header beside the product name, e.g. the district's name.
SITE_NAME = env.str("SITE_NAME", default="")

# --- Audit log (audit app) --------------------------------------------------------------
# Days the audit log is kept at the least (等保 2.0: no less than 180; a system check
# refuses a smaller value). The application never deletes entries; audit_archive copies
# the older ones to a file for off-site keeping.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
