"""Django settings, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import os

import dj_database_url

from config.embedded import BASE_DIR, VAR_DIR, embedded_broker_settings, embedded_database_url


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():  # unset, or set empty (compose's ${X:-}): the default
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("OA_DEBUG", False)
SECRET_KEY = os.environ.get("OA_SECRET_KEY") or "dev-only-insecure-key-change-me-in-production-0123456789"
# Units are reached as <code>.<OA_BASE_DOMAIN>; the console lives on the base domain itself.
OA_BASE_DOMAIN = os.environ.get("OA_BASE_DOMAIN", "localhost")
OA_PUBLIC_PORT = os.environ.get("OA_PUBLIC_PORT", "8000")
OA_PUBLIC_SCHEME = os.environ.get("OA_PUBLIC_SCHEME", "http")
ALLOWED_HOSTS = [h for h in os.environ.get("OA_ALLOWED_HOSTS", "").split(",") if h] or [
    OA_BASE_DOMAIN,
    f".{OA_BASE_DOMAIN}",
    "127.0.0.1",
]
CSRF_TRUSTED_ORIGINS = [
    f"{OA_PUBLIC_SCHEME}://{OA_BASE_DOMAIN}:{OA_PUBLIC_PORT}",
    f"{OA_PUBLIC_SCHEME}://*.{OA_BASE_DOMAIN}:{OA_PUBLIC_PORT}",
    f"{OA_PUBLIC_SCHEME}://{OA_BASE_DOMAIN}",
    f"{OA_PUBLIC_SCHEME}://*.{OA_BASE_DOMAIN}",
]

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's and Redoc's files, pinned, served from our static files (no CDN).
    "drf_spectacular_sidecar",
    "channels",
    "oa.core",
    # The API layer: no models; its ready() installs the shared input validation (api.validation).
    "api",
    # The shared template library (public schema); units read it through search_path.
    "templates_lib",
    # The exchange hub (public schema): directory, envelopes, deliveries, gateway bundles.
    "exchange",
    # The provider's statistics (public schema): daily roll-ups per unit.
    "stats",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "oa.core",
    "oa.directory",
    "oa.templates",
    "oa.workflow",
    "oa.documents",
    "oa.importer",
    "oa.archive",
    "oa.notices",
    "oa.notifications",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Unit"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# The prepared, migrated schema that every new unit is cloned from (ADR 0003).
OA_TEMPLATE_SCHEMA = os.environ.get("OA_TEMPLATE_SCHEMA", "unit_template")

MIDDLEWARE = [
    # Content-Security-Policy on every response (SPA, console, API docs, errors): outermost.
    "oa.core.middleware.ContentSecurityPolicyMiddleware",
    # Static assets are the same for every host: served before the unit lookup.
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every /api/ request's query parameters, checked once for every view (api.params).
    "api.middleware.ApiInputMiddleware",
    "tenants.middleware.UnitHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oa.core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Files written for work that does not commit are removed (oa/core/files.py).
    "oa.core.middleware.FilesFollowTransactionMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL") or embedded_database_url()
# The web process (ASGI: config/asgi.py sets OA_DB_POOL=1) runs each request's sync code in a new
# thread, so a persistent per-thread connection lived until garbage collection and the platform
# ran out of PostgreSQL's slots under load (issue 19, ADR 0014). It takes a bounded psycopg pool
# instead: at most OA_DB_POOL_MAX connections per web process, returned at the end of each
# request. Workers, beat and commands keep one persistent connection per process.
OA_DB_POOL = os.environ.get("OA_DB_POOL") == "1"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if OA_DB_POOL else 60)}
# Named in pg_stat_activity, so an operator (and tests/e2e/test_connections.py) sees whose they are.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "application_name", "govoa-web" if OA_DB_POOL else "govoa"
)
if OA_DB_POOL:
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("OA_DB_POOL_MAX", "10")),
        # A request waits this long for a free connection, then fails cleanly (503-like 500)
        # rather than piling up.
        "timeout": float(os.environ.get("OA_DB_POOL_TIMEOUT", "10")),
    }
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("OA_TEST_DATABASE", "test_govoa")
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Cache keys carry the unit's schema (ARCHITECTURE §2).
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s that channels_redis
    # blocks in BZPOPMIN waiting for a message: on a busy machine the read times out first and
    # the consumer dies (every idle notification socket, ADR 0017). Read longer than it blocks.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery (config/celery.py reads these with the CELERY_ namespace) ---------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
else:
    _broker = embedded_broker_settings()
    CELERY_BROKER_URL = _broker["broker_url"]
    CELERY_BROKER_TRANSPORT_OPTIONS = _broker["broker_transport_options"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("OA_CELERY_EAGER", False)
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "purge-expired-sessions": {"task": "oa.core.tasks.purge_expired_sessions", "schedule": 3600.0},
    # BPMN timers and task deadlines in every unit (oa/workflow/tasks.py); idempotent.
    "workflow-deadlines": {"task": "oa.workflow.tasks.process_workflow_deadlines", "schedule": 60.0},
    # Exchange deliveries and envelopes left behind by a killed worker are queued again.
    "exchange-sweep": {"task": "exchange.tasks.sweep_stuck", "schedule": 60.0},
    # 借阅到期: loans past their end are marked expired in every unit (oa/archive/tasks.py).
    "archive-expire-loans": {"task": "oa.archive.tasks.expire_loans", "schedule": 60.0},
    # Today's and yesterday's statistics roll-ups for every unit (stats/tasks.py); idempotent.
    "stats-rollup": {"task": "stats.tasks.rollup_recent", "schedule": 300.0},
    # Bulk jobs whose worker died are marked failed (interrupted, resumable): tenants/jobs.py.
    "bulk-job-sweep": {"task": "tenants.tasks.sweep_stale_jobs_task", "schedule": 60.0},
}
# The longest loan (借阅) a staff member may ask for, in days.
OA_ARCHIVE_MAX_LOAN_DAYS = int(os.environ.get("OA_ARCHIVE_MAX_LOAN_DAYS", "30"))
# A running bulk job whose worker has not reported for this long is taken as dead.
OA_JOB_STALE_SECONDS = int(os.environ.get("OA_JOB_STALE_SECONDS", "600"))
# Automatic 催办: remind a task's holder this many hours before its deadline (docs/workflow.md).
OA_WORKFLOW_DUE_SOON_HOURS = int(os.environ.get("OA_WORKFLOW_DUE_SOON_HOURS", "4"))

# --- Security (等保 2.0 hygiene; docs/security.md) -----------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "oa.core.security.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "oa.core.security.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "oa.core.security.PasswordHistoryValidator", "OPTIONS": {"remember": 5}},
]
OA_LOCKOUT_THRESHOLD = int(os.environ.get("OA_LOCKOUT_THRESHOLD", "5"))
OA_LOCKOUT_MINUTES = int(os.environ.get("OA_LOCKOUT_MINUTES", "15"))
OA_LOGIN_BACKOFF_AFTER = int(os.environ.get("OA_LOGIN_BACKOFF_AFTER", "20"))
OA_LOGIN_BACKOFF_MAX_SECONDS = int(os.environ.get("OA_LOGIN_BACKOFF_MAX_SECONDS", "60"))
# Idle timeout: the session expires after this many seconds without a request.
OA_IDLE_TIMEOUT_SECONDS = int(os.environ.get("OA_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
# Absolute timeout: a session ends this long after login, however active.
OA_ABSOLUTE_TIMEOUT_SECONDS = int(os.environ.get("OA_ABSOLUTE_TIMEOUT_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = OA_IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Served over https (OA_PUBLIC_SCHEME=https): TLS ends at the proxy in front of us, which says
# so in X-Forwarded-Proto; cookies are then secure and HSTS is sent (docs/security.md).
OA_BEHIND_TLS_PROXY = env_bool("OA_BEHIND_TLS_PROXY", OA_PUBLIC_SCHEME == "https")
SESSION_COOKIE_SECURE = env_bool("OA_SECURE_COOKIES", OA_BEHIND_TLS_PROXY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_ENGINE = "django.contrib.sessions.backends.db"
if OA_BEHIND_TLS_PROXY:
    # The proxy (platform/nginx.conf) terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Strict-Transport-Security: SecurityMiddleware sends it on https responses only (plain http
# in development gets none). Units are subdomains of the base domain: they are covered too.
SECURE_HSTS_SECONDS = int(os.environ.get("OA_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (oa/core/middleware.py): scripts only from our own static files (no
# inline script, no eval: vue-i18n compiles messages without eval); styles also inline, as
# Element Plus, ECharts and Swagger UI set element styles; frame-ancestors follows each
# response's X-Frame-Options ('none' unless a view allows SAMEORIGIN, as the PDF preview does).
OA_CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "frame-src": "'self' blob:",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
OA_DEMO_PASSWORD = os.environ.get("OA_DEMO_PASSWORD", "Demo@2026pass")
OA_UPLOAD_MAX_BYTES = int(os.environ.get("OA_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = OA_UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = OA_UPLOAD_MAX_BYTES
# Each uploaded file is held to its operation's limit while it streams in (api.uploads).
FILE_UPLOAD_HANDLERS = [
    "api.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# JSON bodies nested deeper than this are refused before decoding (api.parsers).
OA_JSON_MAX_DEPTH = int(os.environ.get("OA_JSON_MAX_DEPTH", "32"))

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.authentication.ApiTokenAuthentication",
        "api.auth.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "统一电子公文办公平台 API",
    "DESCRIPTION": "Console (base host) and unit portal (<code>.<base host>) API.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Pinned copies shipped by drf-spectacular-sidecar (requirements.lock), not a CDN's @latest.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "tenants.modules.UNIT_KIND_CHOICES",
        "UnitStatusEnum": "tenants.models.Unit.Status",
        "JobStatusEnum": "tenants.models.Job.Status",
        "AccountKindEnum": ["provider", "unit"],
        "HostKindEnum": ["console", "unit"],
        "JobResultStatusEnum": ["created", "existing", "failed"],
        "TemplateKindEnum": "templates_lib.kinds.TemplateKind",
        "TemplateVersionStateEnum": "templates_lib.models.TemplateVersion.State",
        "ChangeKindEnum": ["added", "removed", "changed"],
        "MergeResolutionEnum": ["ours", "theirs"],
        "TaskStateEnum": "oa.workflow.models.HumanTask.State",
        "TaskKindEnum": "oa.workflow.models.HumanTask.Kind",
        "DocumentStateEnum": "oa.documents.models.Document.State",
        "InstanceStateEnum": "oa.workflow.models.ProcessInstance.State",
        "UrgencyEnum": "oa.workflow.models.ProcessInstance.Urgency",
        "TrailActionEnum": "oa.workflow.models.TaskEvent.Action",
        "TaskActionEnum": "oa.workflow.queries.TASK_ACTIONS",
        "ImportRunKindEnum": "oa.importer.models.ImportRun.Kind",
        "ImportRunStateEnum": "oa.importer.models.ImportRun.State",
        "QuarantineReasonEnum": "oa.importer.errors.Reason",
        "EnvelopeKindEnum": "exchange.models.Envelope.Kind",
        "EnvelopeStateEnum": "exchange.models.Envelope.State",
        "EnvelopeOriginEnum": "exchange.models.Envelope.Origin",
        "DeliveryStateEnum": "exchange.models.Delivery.State",
        "DeliveryRouteEnum": "exchange.models.Delivery.Route",
        "DeliveryEventActionEnum": "exchange.models.DeliveryEvent.Action",
        "RefusalStageEnum": "exchange.models.PackageRefusal.Stage",
        "LoanStateEnum": "oa.archive.models.Loan.State",
        "AccessActionEnum": "oa.archive.models.AccessRecord.Action",
        "AppraisalProposalEnum": "oa.archive.models.Appraisal.Proposal",
        "AppraisalStateEnum": "oa.archive.models.Appraisal.State",
        "TransferStateEnum": "oa.archive.models.Transfer.State",
        "PortalSectionLayoutEnum": "oa.portal.sections.LAYOUTS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # Every operation's error answers ({code, detail, field}) are declared (api.openapi_hooks).
        "api.openapi_hooks.declare_error_responses",
    ],
}

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST / "static"] if (FRONTEND_DIST / "static").exists() else []
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "unit": {"format": "%(asctime)s %(levelname)s [%(schema_name)s:%(domain_url)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant_context"], "formatter": "unit"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("OA_LOG_LEVEL", "INFO")},
    # SpiffWorkflow logs every task state change at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "spiff": {"level": "WARNING"}},
}

# Argon2id first (memory-hard, and fast enough that provisioning stays well under a second);
# older hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if os.environ.get("OA_FAST_PASSWORD_HASHER") == "1":
    # Test runs only: thousands of accounts are created; hashing strength is not under test.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# --- 办文 (oa/documents) -----------------------------------------------------------------------
# The highest 密级 this deployment may hold: none (the 政务外网 default), secret, confidential,
# top_secret (only a 政务内网 deployment accredited for it). Anything above is refused.
OA_MAX_CLASSIFICATION = os.environ.get("OA_MAX_CLASSIFICATION", "none")

# --- 公文交换 (exchange/) ----------------------------------------------------------------------
# The network this deployment serves (政务外网 "extranet" or 政务内网 "intranet"); parties on
# another network are reached through gateway bundles (docs/exchange.md).
OA_EXCHANGE_NETWORK = os.environ.get("OA_EXCHANGE_NETWORK", "extranet")
# The secret the units' private signing keys are sealed with (ADR 0012); SECRET_KEY by default.
OA_EXCHANGE_KEY_SECRET = os.environ.get("OA_EXCHANGE_KEY_SECRET", "")
OA_EXCHANGE_PACKAGE_MAX_BYTES = int(os.environ.get("OA_EXCHANGE_PACKAGE_MAX_BYTES", str(200 * 1024 * 1024)))
# The largest gateway bundle imported (the file, and its members unpacked).
OA_EXCHANGE_BUNDLE_MAX_BYTES = int(
    os.environ.get("OA_EXCHANGE_BUNDLE_MAX_BYTES", str(2 * 1024 * 1024 * 1024))
)
# A queued delivery or an envelope not fanned out after this long is queued again by the sweep.
OA_EXCHANGE_RETRY_AFTER_SECONDS = int(os.environ.get("OA_EXCHANGE_RETRY_AFTER_SECONDS", "120"))
