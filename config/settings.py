"""Settings for 智慧城市项目管理平台, read from the environment (see .env.example and the README)."""

import datetime
import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "local-development-only-key-never-used-in-production-3f9c1e7a5b"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "common.admin.AdminConfig",  # django.contrib.admin with its site under the scope rule
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_prometheus",
    "common",
    "workdays",
    "accounts",
    "attachments",
    "notifications",
    "jobs",
    "projects",
    "proposals",
    "supervision",
    "reports",
]

MIDDLEWARE = [
    # Counts every request, the probes' included; its partner, near the end of the chain, times the views.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Before anything that logs: every line of the request carries its id.
    "common.request_log.RequestLogMiddleware",
    # /healthz and /metrics, before the host check, the HTTPS redirect, the session and the login (common.probes).
    "common.probes.ProbesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ChineseFirstLocaleMiddleware",
    # After the language is chosen (its pages are in it), before anything reads the database.
    "common.middleware.DatabaseErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Times the views; before django-axes, so that a locked-out login is counted with the 429 it answers.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes requires: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "accounts.todo.navigation_count",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite in the project folder by default (nothing to install); PostgreSQL in production via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers queue for the lock instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL compiles a costly query's plan to machine code first. The project figures (a score of short
        # subqueries per row) cross its cost threshold at a few thousand projects, and compiling them took 2.0 s of a
        # 2.4 s query over 10,000; without it the query takes 0.3 s.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options"), "-c jit=off"]))
        # A database server that does not answer fails the request (and /healthz) after this long, rather than after
        # the operating system's TCP timeout of minutes.
        options.setdefault("connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=5))
        # Django 5.2's own pool (psycopg_pool): each process keeps between MIN and MAX connections open and lends one
        # to each request, instead of a connection per worker (CONN_MAX_AGE) or per request. It pays off with threaded
        # workers; several app servers are better served by PgBouncer in front of the database (README, Production).
        if env.bool("DJANGO_DB_POOL", default=False):
            options["pool"] = {
                "min_size": env.int("DJANGO_DB_POOL_MIN_SIZE", default=1),
                "max_size": env.int("DJANGO_DB_POOL_MAX_SIZE", default=4),
                # How long a request waits for a free connection before it fails.
                "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=10.0),
            }
            DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both
        # The same backend, counting queries, their durations and errors for /metrics (django-prometheus); what the
        # tests count (django_assert_num_queries) is Django's own cursor log and does not change.
        DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"

# PostgreSQL cancels a web request's query after this many seconds, and the request answers 503 instead of holding a
# worker (0: no limit). The exports small enough to be built in the request and the imports are exempt; background
# jobs run in the Celery worker, which sets no limit.
STATEMENT_TIMEOUT = env.float("STATEMENT_TIMEOUT_SECONDS", default=10.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Django's hook for a changed password (every path calls it): the user's API tokens are revoked.
    {"NAME": "accounts.auth.RevokeApiTokensOnPasswordChange"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a login while its username is locked out from that address, before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, with a complete English translation.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Everything is served from the project itself: the intranet has no internet.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "common.staticfiles.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Who compiles the official tables (编制单位) and the place their titles name ("2012年度宁波市智慧城市建设…").
OFFICE = {
    "NAME": env.str("OFFICE_NAME", default="智慧城市建设领导小组办公室"),
    "PLACE": env.str("OFFICE_PLACE", default=""),
}

# Per process by default; a shared cache (redis://host:6379/0, or filecache:///path for the workers of one server)
# spares each worker its own first computation. Correctness does not depend on sharing: cached figures are keyed by the
# data version.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Several deployments may share one Redis: each its own prefix.
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="smartcity")
SHARED_CACHE = CACHES["default"]["BACKEND"] in {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that stops answering fails the request (and /healthz) within seconds instead of holding the worker.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("socket_connect_timeout", 2)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 5)
if SHARED_CACHE:
    # Sessions read from the shared cache (no query per request) and written through to the database, so that a
    # restarted Redis logs nobody out. Never with a per-process or per-server cache: a session ended on one server
    # would live on in another's copy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# How long computed dashboard figures are kept at most; a write to the data makes them obsolete at once anyway.
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=3600)
# After a write, serve the figures last computed (marked with their time) while a Celery job computes the new ones,
# instead of computing them in the request: seconds at a province's size. It needs the task queue and a cache that
# the worker shares with the app servers, so it is on by default only with both.
FIGURES_REFRESH_IN_BACKGROUND = env.bool(
    "FIGURES_REFRESH_IN_BACKGROUND", default=SHARED_CACHE and bool(env.str("CELERY_BROKER_URL", default=""))
)
# How long the last computed figures stay to be served so; how long one refresh job may take before another is queued.
FIGURES_LATEST_SECONDS = env.int("FIGURES_LATEST_SECONDS", default=7 * 24 * 3600)
FIGURES_REFRESH_LOCK_SECONDS = env.int("FIGURES_REFRESH_LOCK_SECONDS", default=300)
# At most one refresh of the same figures this often: under a stream of writes, shown at most this far behind.
FIGURES_REFRESH_INTERVAL_SECONDS = env.int("FIGURES_REFRESH_INTERVAL_SECONDS", default=30)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="smartcity@localhost")
# Links in e-mails must be absolute and a cron job has no request to take the host from.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

# Production hardening, each switchable for an intranet that terminates TLS elsewhere.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# username is refused from that address for AXES_COOLOFF_TIME; a successful login clears the count. Attempts and
# logins are kept in the database (admin: Axes). Locking the pair, not the address alone, keeps one office's shared
# proxy address from locking everyone out; behind such a proxy set DJANGO_AXES_PROXY_COUNT so the client's own address
# is read from X-Forwarded-For.
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("DJANGO_AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False
if env.int("DJANGO_AXES_PROXY_COUNT", default=0):
    # django-ipware counts the proxies named in X-Forwarded-For, and the one next to the app (nginx) is not among them:
    # it is REMOTE_ADDR. A client's own X-Forwarded-For makes the header longer than expected, and ipware then falls
    # back to REMOTE_ADDR, so a forged header never passes for another address. The public votes' limit reads the
    # same address (proposals.views).
    AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_AXES_PROXY_COUNT") - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Content Security Policy: scripts, styles, fonts and images from this server only, nothing inline, no frames; the
# intranet has no internet, so nothing else is ever needed. Charts' images and downloads use data: and blob: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    # Token first, so an anonymous API call is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["common.api.permissions.ScopedModelPermission"],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "common.api.filters.RegionScopeFilter",
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "common.api.schema.ErrorResponsesSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "EXCEPTION_HANDLER": "common.api.exceptions.exception_handler",
    "PAGE_SIZE": 50,
}

# API tokens (django-rest-knox): one per device that logs in at /api/v1/auth/token/, each expiring after
# API_TOKEN_TTL_HOURS; a user keeps at most API_TOKENS_PER_USER (a new one revokes the oldest).
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=30 * 24)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)

SPECTACULAR_SETTINGS = {
    "TITLE": "智慧城市项目管理平台 API",
    "DESCRIPTION": "Data exchange interface of the smart-city portfolio: plans, projects, milestones, progress "
    "reports, funding and targets. Authenticate with `Authorization: Token <token>` from /api/v1/auth/token/; a "
    "token expires (its `expiry` says when) and /api/v1/auth/logout/ revokes it.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names collide across components (a reply's status and a proposal's, a unit's kind and a
    # proposer's): each keeps a stable name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "proposals.choices.ProposalStatus",
        "ReplyStatusEnum": "proposals.choices.ReplyStatus",
        "OrganizationKindEnum": "accounts.choices.OrganizationKind",
        "ProposerKindEnum": "proposals.choices.ProposerKind",
        "KeyListStatusEnum": "projects.choices.KeyListStatus",
        "AttachmentKindEnum": "attachments.choices.AttachmentKind",
        "NotificationKindEnum": "notifications.choices.NotificationKind",
        "NoticeStatusEnum": "supervision.choices.NoticeStatus",
        "InstructionStatusEnum": "supervision.choices.InstructionStatus",
        "CommitmentStatusEnum": "supervision.choices.CommitmentStatus",
    },
}

# Free-text search on the lists and the API: each word is one condition of the query, so the words bound its cost.
SEARCH_MAX_WORDS = env.int("SEARCH_MAX_WORDS", default=10)
# A single-choice filter left alone reads 全部, as the yes/no filters do (common.filtersets.YesNoSelect).
FILTERS_EMPTY_CHOICE_LABEL = _("All")

IMPORT_EXPORT_USE_TRANSACTIONS = True
# The largest spreadsheet the import pages and API accept, in bytes (10 MB by default), and what an .xlsx may unpack
# to (its zip members together, checked before anything reads them: 100 MB by default).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
# Uploads waiting between the import's preview and its confirm: django-import-export's MediaStorage on a private
# directory (0700, a folder per user, files 0600), at most IMPORT_PENDING_PER_USER files a user, each kept at most
# IMPORT_UPLOAD_LIFETIME_MINUTES (``manage.py clean_imports`` from cron removes the abandoned ones).
IMPORT_UPLOAD_DIR = env.path("IMPORT_UPLOAD_DIR", default=BASE_DIR / "var" / "imports")
STORAGES["import_export"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": str(IMPORT_UPLOAD_DIR),
        "base_url": "/no-url/",
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_PENDING_PER_USER = env.int("IMPORT_PENDING_PER_USER", default=3)
IMPORT_UPLOAD_LIFETIME_MINUTES = env.int("IMPORT_UPLOAD_LIFETIME_MINUTES", default=120)

# Attachments (site photos, project documents, scans and letters). Files live outside the code checkout: MEDIA_ROOT on
# the local disk (back it up with the database dump), or an S3-compatible object store shared by several servers
# (ATTACHMENTS_S3_BUCKET, with the `s3` extra installed). They are never served from a public URL: every download
# passes the object's permission check first (attachments.views).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=Path.home() / ".local" / "share" / "smartcity-portfolio" / "media")
MEDIA_URL = "/no-public-url/"
if env.str("ATTACHMENTS_S3_BUCKET", default=""):
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("ATTACHMENTS_S3_BUCKET"),
            "endpoint_url": env.str("ATTACHMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("ATTACHMENTS_S3_REGION", default="") or None,
            "access_key": env.str("ATTACHMENTS_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("ATTACHMENTS_S3_SECRET_KEY", default="") or None,
            "location": env.str("ATTACHMENTS_S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "base_url": MEDIA_URL,
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }
# Files made by export jobs: beside the attachments (in the same bucket when they are in S3, so every server and
# worker sees them), in a folder of their own.
STORAGES["exports"] = {
    "BACKEND": STORAGES["attachments"]["BACKEND"],
    "OPTIONS": {
        **STORAGES["attachments"]["OPTIONS"],
        "location": str(Path(str(MEDIA_ROOT)) / "exports")
        if "bucket_name" not in STORAGES["attachments"]["OPTIONS"]
        else "/".join(filter(None, [STORAGES["attachments"]["OPTIONS"]["location"], "exports"])),
    },
}
ATTACHMENTS = {
    # Per file, per object (all its files together) and the files an object may have.
    "MAX_FILE_BYTES": env.int("ATTACHMENTS_MAX_FILE_BYTES", default=20 * 1024 * 1024),
    "MAX_OBJECT_BYTES": env.int("ATTACHMENTS_MAX_OBJECT_BYTES", default=200 * 1024 * 1024),
    "MAX_OBJECT_FILES": env.int("ATTACHMENTS_MAX_OBJECT_FILES", default=60),
    # What a zip-based document (OFD, .docx…) may unpack to, and the largest picture (a 48-megapixel phone's fits).
    "MAX_UNPACKED_BYTES": env.int("ATTACHMENTS_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024),
    "MAX_IMAGE_PIXELS": env.int("ATTACHMENTS_MAX_IMAGE_PIXELS", default=60_000_000),
    "THUMBNAIL_PIXELS": env.int("ATTACHMENTS_THUMBNAIL_PIXELS", default=480),
    # A photo matching an earlier one of another object within this many bits (of 64) is flagged as reused.
    "REUSE_DISTANCE": env.int("ATTACHMENTS_REUSE_DISTANCE", default=10),
    # A photo taken more than this many days before its report's month is flagged; one without a date is not.
    "PHOTO_STALE_DAYS": env.int("ATTACHMENTS_PHOTO_STALE_DAYS", default=31),
    # Reports of key and pilot projects under construction need at least one site photo.
    "REQUIRE_REPORT_PHOTO": env.bool("ATTACHMENTS_REQUIRE_REPORT_PHOTO", default=True),
    # After the permission check, let the reverse proxy send the file: "X-Accel-Redirect" (nginx, with an internal
    # location at SENDFILE_PREFIX aliased to MEDIA_ROOT) or "X-Sendfile" (Apache). Empty: Django streams it.
    "SENDFILE_HEADER": env.str("ATTACHMENTS_SENDFILE_HEADER", default=""),
    "SENDFILE_PREFIX": env.str("ATTACHMENTS_SENDFILE_PREFIX", default="/protected-media/"),
}
# A file over the largest either uploads (attachments, imports) accept is dropped while it arrives, never kept whole.
FILE_UPLOAD_MAX_BYTES = max(ATTACHMENTS["MAX_FILE_BYTES"], IMPORT_MAX_BYTES)
FILE_UPLOAD_HANDLERS = [
    "attachments.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=20)
FILE_UPLOAD_PERMISSIONS = 0o640

# Portfolio rules that differ from place to place.
PORTFOLIO = {
    # Health: red when progress lags plan by more than RED_LAG points or a milestone is more than
    # RED_LATE_DAYS late; yellow when it lags by more than YELLOW_LAG points or any milestone is late.
    "YELLOW_LAG": env.float("PORTFOLIO_YELLOW_LAG", default=10.0),
    "RED_LAG": env.float("PORTFOLIO_RED_LAG", default=20.0),
    "RED_LATE_DAYS": env.int("PORTFOLIO_RED_LATE_DAYS", default=30),
    # Monthly reports are due by this working day of the month (the office's calendar: ``workdays``); reminders start
    # the day after.
    "REPORT_DUE_WORKDAY": env.int("PORTFOLIO_REPORT_DUE_WORKDAY", default=5),
}

# 督办: a notice whose deadline has passed unanswered turns yellow after this many working days (red is a leader's
# decision, never a timer).
SUPERVISION = {
    "ESCALATE_AFTER_WORKING_DAYS": env.int("SUPERVISION_ESCALATE_AFTER_WORKING_DAYS", default=2),
}

PROPOSALS = {
    # The CPPCC committee that compiles the proposal tables (提案办理台账, 统计表): 编制单位 on them.
    "COMMITTEE_NAME": env.str("PROPOSALS_COMMITTEE_NAME", default="政协提案委员会"),
    # A reply is due this many months after assignment; no due date may lie more than MAX_MONTHS after its start.
    "REPLY_MONTHS": env.int("PROPOSALS_REPLY_MONTHS", default=3),
    "MAX_MONTHS": env.int("PROPOSALS_MAX_MONTHS", default=6),
    # A co-handling unit's opinion to the lead unit is due this many months after assignment (not after the lead's
    # reply is due).
    "OPINION_MONTHS": env.int("PROPOSALS_OPINION_MONTHS", default=1),
    # After an unsatisfied feedback the units answer again within this many months (never earlier than the round's
    # due date).
    "REHANDLING_MONTHS": env.int("PROPOSALS_REHANDLING_MONTHS", default=2),
    # Units are reminded of replies due within this many days (and of overdue ones every day).
    "REMINDER_DAYS": env.int("PROPOSALS_REMINDER_DAYS", default=7),
    # The public may add this many support/oppose votes per address per hour.
    "VOTES_PER_HOUR": env.int("PROPOSALS_VOTES_PER_HOUR", default=30),
}

# Notifications beyond the centre (the bell): e-mail, the group robots of the units' chats (钉钉, 企业微信) and an SMS
# gateway, each a channel class registered by dotted path (an office adds its own, e.g. for 浙政钉). ``notify()`` only
# queues; ``manage.py send_notifications`` (cron, every minute) sends, retrying a failure after RETRY_SECONDS, doubled
# at each attempt, MAX_ATTEMPTS times in all. ROBOTS: {"organisation name": {"kind": "dingtalk" or "wecom", "url": …,
# "secret": 钉钉's 加签 secret}}; a person reaches their own unit's robot.
NOTIFICATIONS = {
    "CHANNELS": env.json(
        "NOTIFICATIONS_CHANNELS",
        default={
            "email": "notifications.channels.email.EmailChannel",
            "robot": "notifications.channels.robots.RobotChannel",
            "sms": "notifications.channels.sms.SmsChannel",
        },
    ),
    "ROBOTS": env.json("NOTIFICATIONS_ROBOTS", default={}),
    "ROBOT_MESSAGES_PER_MINUTE": env.int("NOTIFICATIONS_ROBOT_MESSAGES_PER_MINUTE", default=20),
    "SMS": {
        "URL": env.str("NOTIFICATIONS_SMS_URL", default=""),
        "TOKEN": env.str("NOTIFICATIONS_SMS_TOKEN", default=""),
        "TOKEN_HEADER": env.str("NOTIFICATIONS_SMS_TOKEN_HEADER", default="X-Sms-Token"),
        "SIGNATURE": env.str("NOTIFICATIONS_SMS_SIGNATURE", default=""),
        # {"escalation": "SMS_123", "notice": "SMS_124", …}: the gateway's approved template id per kind.
        "TEMPLATES": env.json("NOTIFICATIONS_SMS_TEMPLATES", default={}),
    },
    "MAX_ATTEMPTS": env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5),
    "RETRY_SECONDS": env.int("NOTIFICATIONS_RETRY_SECONDS", default=60),
    "TIMEOUT_SECONDS": env.float("NOTIFICATIONS_TIMEOUT_SECONDS", default=10.0),
    # The outbox's sent and failed rows are the delivery log; ``manage.py delete_old_deliveries`` (daily) deletes
    # those older than this. A text message's row, which stops its matter being sent twice, is kept.
    "KEEP_DELIVERIES_DAYS": env.int("NOTIFICATIONS_KEEP_DELIVERIES_DAYS", default=180),
}

# Background jobs (Celery). With a broker (production: Redis, e.g. redis://127.0.0.1:6379/0) tasks go to the
# workers; without one they run in the process that asks for them, so the local demo and the tests need nothing else.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# What users see of a job is its row (jobs.models.Job), not Celery's result.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job is taken off the queue once it is done: a worker killed half-way leaves it to be run again, not lost.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Celery beat's schedule: the work cron used to start (the management commands stay, for a run by hand).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "notifications.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=30, day_of_week="1-5"),
    },
    "send-notifications": {"task": "notifications.tasks.send_notifications", "schedule": 60.0},
    "make-letter-pdfs": {"task": "proposals.tasks.make_letter_pdfs", "schedule": 300.0},
    "clean-imports": {"task": "reports.tasks.clean_imports", "schedule": crontab(minute=15)},
    "delete-expired-exports": {"task": "jobs.tasks.delete_expired_exports", "schedule": crontab(minute=45)},
    "delete-old-deliveries": {
        "task": "notifications.tasks.delete_old_deliveries",
        "schedule": crontab(hour=3, minute=20),
    },
    # Planned progress and lateness move with the date alone: each project's stored figures as of the new day.
    "refresh-project-figures": {
        "task": "projects.tasks.refresh_project_figures",
        "schedule": crontab(hour=0, minute=5),
    },
}
# An export of more rows than this runs as a background job (the user gets a page with its progress, a notification
# and the file in 我的导出); smaller ones are built in the request. The files are kept EXPORT_KEEP_DAYS days.
EXPORT_JOB_THRESHOLD_ROWS = env.int("EXPORT_JOB_THRESHOLD_ROWS", default=5000)
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
# Confirming the import of a file of more rows than this runs it as a background job (its page shows the counts and
# the errors; the owner is notified); smaller files are imported in the request.
IMPORT_JOB_THRESHOLD_ROWS = env.int("IMPORT_JOB_THRESHOLD_ROWS", default=2000)

# Reply letters print in the 公文 fonts of GB/T 9704 (仿宋_GB2312 for the text, 方正小标宋 for the title) on computers
# that have them: they are licensed and not in Debian, so the app names them and ships none. Where they are missing
# the browser takes the fallback, Noto Serif CJK (Debian's fonts-noto-cjk). Comma-separated font family names, first
# choice first; served as a stylesheet of the app's own (/css/letter-fonts.css), nothing from outside.
LETTER_FONTS = {
    "body": env.list("LETTER_FONT_BODY", default=["仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong"]),
    "title": env.list(
        "LETTER_FONT_TITLE",
        default=["方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong"],
    ),
    "fallback": env.list("LETTER_FONT_FALLBACK", default=["Noto Serif CJK SC", "Source Han Serif SC", "serif"]),
}

# /healthz (common.probes): how long the broker may take to answer its PING. /metrics answers only requests that
# reach the server directly from these addresses or networks (Prometheus scraping each app server), never through the
# reverse proxy.
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT_SECONDS", default=2.0)
METRICS_ALLOWED_IPS = [
    str(ipaddress.ip_network(allowed, strict=False))
    for allowed in env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
]

# Logs go to standard error (journald under systemd), one JSON object a line in production (DJANGO_LOG_FORMAT=json,
# the default with debug off) for the log collector, plain text for a person at a terminal. Every line carries the id
# of the request it belongs to (common.request_log), and each request ends with one line of its own (logger
# smartcity.requests: method, path, status, duration_ms, user_id).
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "request_id"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Chinese names and messages stay readable in the log.
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint reports every step of every reply letter it prints, and each browser-only CSS property of the
        # letter's stylesheet it skips (font-synthesis): only its errors are worth a log line.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # Replaced by the one line per request above, which has the request id, the user and the duration.
        "django.server": {"level": "WARNING"},
    },
}

SITE_TITLE = _("Smart City Project Management Platform")
