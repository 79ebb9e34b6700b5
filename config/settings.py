"""Settings, read from the environment (see docs/configuration.md for every variable).

Two modes: development (the default; SQLite and in-process tasks unless told otherwise) and
production (PORTAL_ENV=production), which refuses to start on an insecure configuration.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.process import process_name

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PORTAL_ENV = env.str("PORTAL_ENV", default="development")
if PORTAL_ENV not in ("development", "production"):
    raise ImproperlyConfigured("PORTAL_ENV must be 'development' or 'production'.")
PRODUCTION = PORTAL_ENV == "production"

DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
# With DEBUG on, a missing page still shows the portal's own 404 (the demo must look like the
# portal); TECHNICAL_404=true brings back Django's technical page with the URL patterns.
TECHNICAL_404 = env.bool("TECHNICAL_404", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "csp",
    "django_htmx",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "core",
    "org",
    "approvals",
    "projects",
    "funding",
    "residents",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.CookieLocaleMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    # After CSRF, authentication and messages: a form posted twice runs its view once.
    "core.submissions.SubmissionTokenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Inside the user, messages and CSP middleware: the 404 page is a whole portal page.
    "core.middleware.NotFoundPageMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
            ],
            # {% csrf_token %} also renders the form's one-time submission token (core.submissions).
            "builtins": ["core.templatetags.form_tokens"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Absent DATABASE_URL: an embedded SQLite file, for `make demo` and quick development.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if not env.bool("DATABASE_JIT", default=False):
        # JIT-compiling the big list queries costs more than it saves on an interactive page
        # (bench/bench_jit.py, docs/benchmarks.md).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # pg_stat_activity tells web processes, workers and commands apart (config/process.py).
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = process_name()
    # Celery's Django fixup closes a worker child's connections, and its pool, around every task:
    # a pool there only costs a thread, so workers and beat keep plain connections.
    if env.bool("DATABASE_POOL", default=False) and process_name() not in ("portal-worker", "portal-beat"):
        # Django's pool (psycopg_pool): one per process, shared by its threads, instead of one
        # connection kept per thread (DATABASE_CONN_MAX_AGE, which the pool requires to be 0).
        # Measured against persistent connections in docs/benchmarks.md ("Connection pooling").
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
else:
    # SQLite waits for a lock instead of failing at once when the in-process tasks write; a
    # transaction takes the write lock when it begins (IMMEDIATE), so one that reads then writes
    # beside a job's thread waits its turn instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A read replica (docs/production.md, "One province"): the monthly report's build, the dashboard and
# large exports read from it (core.replica); everything else, and every write, uses the primary. A
# replica that is down or lags more than REPLICA_MAX_LAG_SECONDS is passed over for the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_MAX_LAG_SECONDS = env.int("REPLICA_MAX_LAG_SECONDS", default=30)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        # A replica that does not answer is passed over after 3 s, not the system's minutes.
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 3},
        # Tests: Django gives the alias the primary's test database name (streamed to the replica);
        # the suite points it at the primary (tests/conftest.py), except the tests of the replica
        # itself (tests/core/replica), which read the real one.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]

# --- Redis, cache, Celery ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # No broker: tasks run in-process, right after the transaction that queued them commits.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False
# In-process mode: a job kind that takes seconds (the self-check) runs in a thread of the web
# process, so the page that started it shows its progress bar at once. Tests run jobs inline.
JOBS_IN_THREAD = env.bool("JOBS_IN_THREAD", default=True)
CELERY_TASK_IGNORE_RESULT = True
# The queue web processes send jobs to and workers take them from (their default with no -Q): two
# installations sharing one Redis keep their jobs apart with a queue each.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job whose worker died is re-delivered after this many seconds; jobs are idempotent.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Jobs recorded while the broker was unreachable are sent once it is back.
    "dispatch-pending-jobs": {"task": "core.tasks.dispatch_pending_jobs", "schedule": 60.0},
    # A city policy dated ahead re-judges compounds and re-dates projects on its first day.
    "policies-coming-into-force": {
        "task": "org.tasks.policies_coming_into_force",
        "schedule": crontab(hour=0, minute=30),
    },
    # Files an upload left behind when its transaction rolled back.
    "sweep-orphan-attachments": {
        "task": "projects.tasks.sweep_orphan_attachments",
        "schedule": crontab(hour=3, minute=15),
    },
    "sweep-orphan-request-attachments": {
        "task": "approvals.tasks.sweep_orphan_attachments",
        "schedule": crontab(hour=3, minute=20),
    },
    # Forms' one-time submission tokens older than a day.
    "sweep-submission-tokens": {
        "task": "core.tasks.sweep_submission_tokens",
        "schedule": crontab(hour=3, minute=45),
    },
    # Notification e-mails the broker never got (it was down when they were written).
    "send-pending-notification-emails": {
        "task": "core.tasks.send_pending_notification_emails",
        "schedule": 300.0,
    },
    # Notifications older than NOTIFICATIONS_KEEP_DAYS.
    "sweep-notifications": {
        "task": "core.tasks.sweep_notifications",
        "schedule": crontab(hour=4, minute=5),
    },
    # Each organisation's reviewers are told, once a day, what waits for them past its deadline.
    "approvals-overdue-digest": {
        "task": "approvals.tasks.overdue_digest",
        "schedule": crontab(hour=8, minute=0),
    },
    # Each city's monthly report is built on its report day (reports.policy; once a day is enough).
    "build-due-monthly-reports": {
        "task": "reports.monthly.tasks.build_due_monthly_reports",
        "schedule": crontab(hour=1, minute=0),
    },
    # Households' names and phones past the retention period after their projects closed (docs/privacy.md).
    "remove-expired-personal-data": {
        "task": "residents.households.tasks.remove_expired_personal_data",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Authentication and permissions -----------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# Lockout counts failures per username: a whole bureau often reaches us from one proxy address.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# How many reverse proxies stand in front (their addresses are in X-Forwarded-For); 0 trusts none.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)
# axes.W006 warns that per-username lockout ignores the address; that is the requirement here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Sessions ---------------------------------------------------------------------------------
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_COOKIE_AGE = int(timedelta(hours=env.int("SESSION_MAX_HOURS", default=10)).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=True):
        # The reverse proxy terminates TLS and says so in this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Pages write dates 2026-11-29 in both languages (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
# A list filter left empty reads "全部", not Django's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
MEDIA_URL = "/media/"  # never served directly: files leave through permission-checked views
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# MEDIA_STORAGE=s3 keeps every file the portal writes in an S3-compatible bucket (MinIO, SeaweedFS,
# a cloud's object storage) so that web and worker processes on several hosts share them; the
# bucket stays private and files leave only through permission-checked views (core.files).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_STORAGE == "s3":
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "bucket_name": env.str("S3_BUCKET", default="portal"),
            "access_key": env.str("S3_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=""),
            "region_name": env.str("S3_REGION", default="us-east-1"),
            "location": env.str("S3_PREFIX", default=""),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE_SECONDS", default=60),
        },
    }
# How a permission-checked download leaves: streamed through the portal, or (redirect, with s3)
# a redirect to a presigned URL of the bucket valid S3_URL_EXPIRE_SECONDS (core.files).
FILES_DELIVERY = env.str("FILES_DELIVERY", default="stream")
if FILES_DELIVERY not in ("stream", "redirect"):
    raise ImproperlyConfigured("FILES_DELIVERY must be 'stream' or 'redirect'.")
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Spreadsheet imports --------------------------------------------------------------------------
# django-import-export (reference data in the admin): one transaction per file, so a refused row
# saves nothing; who may import or export is the admin's own add/change/view permission.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=20) * 1024 * 1024
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50000)
# Files with more rows than this are checked and committed by a background job with a progress bar.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=3000)

# --- Project attachments ------------------------------------------------------------------------
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=50) * 1024 * 1024
# Extensions a project archive accepts; the content is checked against the extension too.
ATTACHMENT_EXTENSIONS = env.list(
    "ATTACHMENT_EXTENSIONS",
    default=["pdf", "ofd", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "dwg", "zip"],
)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Notifications ----------------------------------------------------------------------------
# Notifications are also e-mailed (through EMAIL_URL) to users who have an address.
NOTIFICATIONS_EMAIL = env.bool("NOTIFICATIONS_EMAIL", default=True)
NOTIFICATIONS_KEEP_DAYS = env.int("NOTIFICATIONS_KEEP_DAYS", default=180)
# The portal's address as users reach it, for the links in e-mails ("" in production: set it).
PORTAL_URL = env.str("PORTAL_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")

# --- Public project pages (docs/public-pages.md) ---------------------------------------------
# Requests a minute one client address may make to the public pages, and seconds a page is cached.
PUBLIC_PAGE_RATE_LIMIT = env.int("PUBLIC_PAGE_RATE_LIMIT", default=120)
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

# --- The dashboard (docs/dashboard.md, “Caching”) --------------------------------------------
# Seconds a user's dashboard is kept for the same choices; any audited write (every change the
# portal makes) starts it afresh. 0: built on every request.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)

# --- PDF rendering ----------------------------------------------------------------------------
PDF_TIMEOUT_SECONDS = env.int("PDF_TIMEOUT_SECONDS", default=60)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}


def _refuse_insecure_production():
    """Production must never run with a guessable key, debug pages or an open host list."""
    problems = []
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        problems.append("SECRET_KEY is missing or is the development key")
    elif len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("SECRET_KEY must be at least 50 random characters")
    if DEBUG:
        problems.append("DEBUG must be off")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the portal's host names")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL")
    if not REDIS_URL:
        problems.append("REDIS_URL must point at Redis (Celery workers run the background jobs)")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in production mode: " + "; ".join(problems) + ". See docs/configuration.md."
        )


if PRODUCTION:
    _refuse_insecure_production()
