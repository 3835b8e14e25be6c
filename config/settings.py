"""Settings for the commerce-analytics platform.

Everything comes from the environment (django-environ), and fails closed: ``DEBUG`` and the
sandbox (``SANDBOX_ENABLED``) are off unless set, production secrets have no defaults, and system
checks (``core/checks.py``) refuse upstream URLs that still point at a sandbox nobody enabled.

With no services set the project runs "embedded": SQLite and Kombu's filesystem broker under
``var/`` and a local-memory cache. ``make run`` turns on the rest of the embedded default
explicitly: the sandbox upstreams mounted at ``/sandbox/``, plain-HTTP localhost, and secrets
generated once in ``var/embedded.env`` (read through ``ENV_FILE``), with ``DEBUG`` off. Setting
``DATABASE_URL``, ``REDIS_URL`` and ``CELERY_BROKER_URL`` moves the same code onto PostgreSQL,
Redis and RabbitMQ.
"""

import base64
import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
# The real environment wins over ENV_FILE (make run: var/embedded.env), which wins over .env.
if env.str("ENV_FILE", default=""):
    env.read_env(env.str("ENV_FILE"), overwrite=False)
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The emulated upstreams (sandbox/), mounted at /sandbox/ and given their demo app keys. On purpose
# only: make run and the test suite turn it on; production leaves it off.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=False)

# --- Core ---------------------------------------------------------------------------------
_EMBEDDED_SECRET_KEY = "embedded-dev-only-secret-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_EMBEDDED_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _EMBEDDED_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "core",
    "sandbox",
    "shop_sync",
    "tiktok_ads",
    "gmvmax",
    "conversions",
    "shopee_live",
    "autopilot",
]

MIDDLEWARE = [
    "core.middleware.CorrelationIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.TenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.tenancy",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, and
    # IMMEDIATE transactions queue writers instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedClientRedisCache",  # one redis client per pool (core/cache.py)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cap"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cap"}}

# --- Auth and sessions --------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True

# --- HTTPS --------------------------------------------------------------------------------
# Outside DEBUG users reach the site over HTTPS, directly or through a TLS-terminating proxy that
# says so in SECURE_PROXY_SSL_HEADER (a header name, "X-Forwarded-Proto" by default outside DEBUG;
# empty when nothing in front sets it). HTTPS=false (plain-HTTP localhost, as make run) turns the
# redirect, the secure cookies and HSTS off together; each can still be set on its own.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="" if DEBUG else "X-Forwarded-Proto").strip()
SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_ssl_header.upper().replace('-', '_')}", "https") if _proxy_ssl_header else None
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- I18N / static ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Secrets at rest ----------------------------------------------------------------------
# Comma-separated Fernet keys, newest first. Embedded/dev runs derive one from SECRET_KEY so
# the demo works out of the box; production refuses to start without real keys.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(f"fernet:{SECRET_KEY}".encode()).digest()).decode()]

# --- DRF ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiKeyAuthentication",
        "core.api.authentication.TenantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.TenantRolePermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commerce Analytics API",
    "DESCRIPTION": "Orders, ad spend, live-stream results and conversions for TikTok Shop and Shopee sellers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Security schemes (API key, session) come from core/api/schema.py, per operation.
    # Schema generation has no tenant in context: the scoped ``objects`` manager would refuse it.
    "DEFAULT_QUERY_MANAGER": "_base_manager",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "core.models.Role.choices",
        "SyncStateEnum": "core.models.SyncState.choices",
        "ApiKeyRoleEnum": "core.api.serializers.API_KEY_ROLES",
    },
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The queues (and the default one) are declared in config/celery.py from core/queues.py.
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Upstreams ----------------------------------------------------------------------------
# Every platform's base URL is configuration: the defaults point at the sandbox mounted on
# this server, production points them at the real hosts. A URL left pointing into the sandbox
# while SANDBOX_ENABLED is off fails the system checks (core.E002). The sandbox's own app keys
# and secrets are defaults only while it is enabled; otherwise they come from the environment.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
SANDBOX_BASE_URL = env.str("SANDBOX_BASE_URL", default=f"{PUBLIC_BASE_URL}/sandbox").rstrip("/")
SANDBOX_SEED = env.int("SANDBOX_SEED", default=20260101)
TELEGRAM_API_BASE = env.str("TELEGRAM_API_BASE", default=f"{SANDBOX_BASE_URL}/telegram")

# TikTok Shop Partner API (202309). The partner app is the platform's own: one key and secret.
TIKTOK_SHOP_API_BASE = env.str("TIKTOK_SHOP_API_BASE", default=f"{SANDBOX_BASE_URL}/tiktok-shop").rstrip("/")
TIKTOK_SHOP_AUTH_BASE = env.str("TIKTOK_SHOP_AUTH_BASE", default=f"{SANDBOX_BASE_URL}/tiktok-shop-auth").rstrip("/")
TIKTOK_SHOP_AUTHORIZE_URL = env.str("TIKTOK_SHOP_AUTHORIZE_URL", default=f"{TIKTOK_SHOP_AUTH_BASE}/oauth/authorize")
TIKTOK_SHOP_APP_KEY = env.str("TIKTOK_SHOP_APP_KEY", default="6sandboxappkey" if SANDBOX_ENABLED else "")
TIKTOK_SHOP_APP_SECRET = env.str("TIKTOK_SHOP_APP_SECRET", default="sandbox-app-secret-0123456789abcdef" if SANDBOX_ENABLED else "")
# Secrets being rotated out: webhook pushes signed with them are still accepted (comma-separated).
TIKTOK_SHOP_APP_PREVIOUS_SECRETS = env.list("TIKTOK_SHOP_APP_PREVIOUS_SECRETS", default=[])
TIKTOK_SHOP_REDIRECT_URI = env.str("TIKTOK_SHOP_REDIRECT_URI", default=f"{PUBLIC_BASE_URL}/shop/oauth/callback/")
TIKTOK_SHOP_RATE_LIMIT = env.str("TIKTOK_SHOP_RATE_LIMIT", default="50/second")
# Where the sandbox pushes order webhooks (the platform would use the URL set in Partner Center).
SANDBOX_TIKTOK_SHOP_WEBHOOK_URL = env.str("SANDBOX_TIKTOK_SHOP_WEBHOOK_URL", default=f"{PUBLIC_BASE_URL}/webhooks/tiktok-shop/")

# TikTok Business (Marketing) API v1.3: one developer app (id + secret) for every tenant;
# each tenant authorizes its own advertisers. Real host: https://business-api.tiktok.com
TIKTOK_BUSINESS_API_BASE = env.str("TIKTOK_BUSINESS_API_BASE", default=f"{SANDBOX_BASE_URL}/tiktok-business").rstrip("/")
TIKTOK_BUSINESS_AUTHORIZE_URL = env.str("TIKTOK_BUSINESS_AUTHORIZE_URL", default=f"{TIKTOK_BUSINESS_API_BASE}/portal/auth")
TIKTOK_BUSINESS_APP_ID = env.str("TIKTOK_BUSINESS_APP_ID", default="7sandboxappid" if SANDBOX_ENABLED else "")
TIKTOK_BUSINESS_APP_SECRET = env.str("TIKTOK_BUSINESS_APP_SECRET", default="sandbox-business-secret-0123456789" if SANDBOX_ENABLED else "")
TIKTOK_BUSINESS_REDIRECT_URI = env.str("TIKTOK_BUSINESS_REDIRECT_URI", default=f"{PUBLIC_BASE_URL}/ads/oauth/callback/")
TIKTOK_BUSINESS_RATE_LIMIT = env.str("TIKTOK_BUSINESS_RATE_LIMIT", default="20/second")
# Ads management (seed 004). KZT is not in TikTok's budget table: the seed's minimum applies.
TIKTOK_MIN_DAILY_BUDGET_KZT = env.int("TIKTOK_MIN_DAILY_BUDGET_KZT", default=2500)
# Lead webhooks (/tiktok/webhook): the seed's x-tiktok-signature secret (HMAC-SHA256 of the body),
# secrets being rotated out, and the tolerance of TikTok-Signature's t= (seconds).
TIKTOK_WEBHOOK_SECRET = env.str("TIKTOK_WEBHOOK_SECRET", default="sandbox-tiktok-webhook-secret" if SANDBOX_ENABLED else "")
TIKTOK_WEBHOOK_PREVIOUS_SECRETS = env.list("TIKTOK_WEBHOOK_PREVIOUS_SECRETS", default=[])
TIKTOK_WEBHOOK_TOLERANCE_SECONDS = env.int("TIKTOK_WEBHOOK_TOLERANCE_SECONDS", default=300)
TIKTOK_LEAD_CALLBACK_URL = env.str("TIKTOK_LEAD_CALLBACK_URL", default=f"{PUBLIC_BASE_URL}/tiktok/webhook")
# Video uploads: where browser uploads are assembled, and the largest file accepted.
VIDEO_UPLOAD_DIR = env.str("VIDEO_UPLOAD_DIR", default=str(VAR_DIR / "uploads" / "videos"))
VIDEO_UPLOAD_MAX_BYTES = env.int("VIDEO_UPLOAD_MAX_BYTES", default=4 * 1024**3)
# Transcription of uploaded videos: an OpenAI-compatible audio/transcriptions endpoint.
TRANSCRIPTION_API_BASE = env.str("TRANSCRIPTION_API_BASE", default=f"{SANDBOX_BASE_URL}/openai/v1").rstrip("/")
TRANSCRIPTION_API_KEY = env.str("TRANSCRIPTION_API_KEY", default="sk-sandbox-transcription" if SANDBOX_ENABLED else "")
TRANSCRIPTION_MODEL = env.str("TRANSCRIPTION_MODEL", default="whisper-1")
TRANSCRIPTION_TIMEOUT_SECONDS = env.int("TRANSCRIPTION_TIMEOUT_SECONDS", default=120)
FFMPEG_BINARY = env.str("FFMPEG_BINARY", default="ffmpeg")

# Shopee: Open Platform v2 (partner id + key, per-account user tokens; the livestream APIs) and
# the Seller Center web (QR login, SPC_EC cookie). Real hosts: https://partner.shopeemobile.com
# and the per-region shopee.<domain> hosts.
SHOPEE_OPEN_API_BASE = env.str("SHOPEE_OPEN_API_BASE", default=f"{SANDBOX_BASE_URL}/shopee").rstrip("/")
SHOPEE_WEB_BASE = env.str("SHOPEE_WEB_BASE", default=f"{SANDBOX_BASE_URL}/shopee-web").rstrip("/")
SHOPEE_AUTHORIZE_URL = env.str("SHOPEE_AUTHORIZE_URL", default=f"{SHOPEE_OPEN_API_BASE}/api/v2/shop/auth_partner")
SHOPEE_PARTNER_ID = env.int("SHOPEE_PARTNER_ID", default=2001887 if SANDBOX_ENABLED else 0)
SHOPEE_PARTNER_KEY = env.str("SHOPEE_PARTNER_KEY", default="sandbox-shopee-partner-key-0123456789abcdef" if SANDBOX_ENABLED else "")
SHOPEE_REDIRECT_URI = env.str("SHOPEE_REDIRECT_URI", default=f"{PUBLIC_BASE_URL}/live/accounts/oauth/callback/")
SHOPEE_RATE_LIMIT = env.int("SHOPEE_RATE_LIMIT", default=20)  # calls per second per account

# GMV Max: days re-fetched by each scheduled sync (attributed figures are revised for days),
# and how old an ONGOING room's figures may get before expanding it fetches again.
GMVMAX_LOOKBACK_DAYS = env.int("GMVMAX_LOOKBACK_DAYS", default=7)
GMVMAX_ONGOING_MAX_AGE_SECONDS = env.int("GMVMAX_ONGOING_MAX_AGE_SECONDS", default=300)

# Conversions: outbound destinations (real hosts: business-api.tiktok.com,
# googleads.googleapis.com + oauth2.googleapis.com, graph.facebook.com).
TIKTOK_EVENTS_API_BASE = env.str("TIKTOK_EVENTS_API_BASE", default=f"{SANDBOX_BASE_URL}/tiktok-events").rstrip("/")
GOOGLE_ADS_API_BASE = env.str("GOOGLE_ADS_API_BASE", default=f"{SANDBOX_BASE_URL}/google-ads").rstrip("/")
GOOGLE_OAUTH_TOKEN_URL = env.str("GOOGLE_OAUTH_TOKEN_URL", default=f"{SANDBOX_BASE_URL}/google-oauth/token")
META_GRAPH_API_BASE = env.str("META_GRAPH_API_BASE", default=f"{SANDBOX_BASE_URL}/meta-graph").rstrip("/")
GOOGLE_ADS_API_VERSION = env.str("GOOGLE_ADS_API_VERSION", default="v22")
META_GRAPH_API_VERSION = env.str("META_GRAPH_API_VERSION", default="v21.0")
# "mock": every delivery is SKIPPED with "<PLATFORM> mock mode" (a destination can also be mock).
OUTBOUND_MODE = env.str("OUTBOUND_MODE", default="live")
# Event mapping overrides, "TRIAL_BOOKED=CompleteRegistration,APPOINTMENT_UPDATED=Contact"
# (Google Ads: canonical event = conversion action id). A destination's own mapping wins.
TIKTOK_EVENT_ACTIONS = env.str("TIKTOK_EVENT_ACTIONS", default="")
GOOGLE_ADS_EVENT_ACTIONS = env.str("GOOGLE_ADS_EVENT_ACTIONS", default="")
META_EVENT_ACTIONS = env.str("META_EVENT_ACTIONS", default="")
# Calling code for phones given without one, unless the destination sets its own.
TIKTOK_DEFAULT_PHONE_COUNTRY_CODE = env.str("TIKTOK_DEFAULT_PHONE_COUNTRY_CODE", default="1")
# Bearer secret of POST /api/test/{tiktok,google-ads,meta}; empty disables them (401). They send
# with the seed's env credentials below, not a tenant's destination.
CONVERSIONS_TEST_SECRET = env.str("CONVERSIONS_TEST_SECRET", default=env.str("TIKTOK_TEST_SECRET", default=""))
TIKTOK_PIXEL_ID = env.str("TIKTOK_PIXEL_ID", default="")
TIKTOK_ACCESS_TOKEN = env.str("TIKTOK_ACCESS_TOKEN", default="")
TIKTOK_TEST_EVENT_CODE = env.str("TIKTOK_TEST_EVENT_CODE", default="")
GOOGLE_ADS_CUSTOMER_ID = env.str("GOOGLE_ADS_CUSTOMER_ID", default="")
GOOGLE_ADS_LOGIN_CUSTOMER_ID = env.str("GOOGLE_ADS_LOGIN_CUSTOMER_ID", default="")
GOOGLE_ADS_CONVERSION_ACTION_ID = env.str("GOOGLE_ADS_CONVERSION_ACTION_ID", default="")
GOOGLE_ADS_DEVELOPER_TOKEN = env.str("GOOGLE_ADS_DEVELOPER_TOKEN", default="")
GOOGLE_ADS_CLIENT_ID = env.str("GOOGLE_ADS_CLIENT_ID", default="")
GOOGLE_ADS_CLIENT_SECRET = env.str("GOOGLE_ADS_CLIENT_SECRET", default="")
GOOGLE_ADS_REFRESH_TOKEN = env.str("GOOGLE_ADS_REFRESH_TOKEN", default="")
META_PIXEL_ID = env.str("META_PIXEL_ID", default="")
META_ACCESS_TOKEN = env.str("META_ACCESS_TOKEN", default="")
META_TEST_EVENT_CODE = env.str("META_TEST_EVENT_CODE", default="")
# Autopilot outbox (Telegram and email): attempts before a message fails for good (5xx,
# timeouts; a 429 waits the retry_after Telegram asks for and does not count), the first backoff
# (seconds, doubled per attempt, capped at an hour), and where emails come from. EMAIL_BACKEND
# defaults to the console (the embedded run prints mails); production sets SMTP (EMAIL_HOST...).
AUTOPILOT_OUTBOX_MAX_ATTEMPTS = env.int("AUTOPILOT_OUTBOX_MAX_ATTEMPTS", default=8)
AUTOPILOT_OUTBOX_BACKOFF_SECONDS = env.int("AUTOPILOT_OUTBOX_BACKOFF_SECONDS", default=30)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="reports@localhost")

# Ingest: events per POST (more: 413). Delivery: a claim older than this is a dead worker's;
# a destination's breaker opens after N consecutive failed requests and half-opens after M s.
CONVERSIONS_INGEST_MAX_BATCH = env.int("CONVERSIONS_INGEST_MAX_BATCH", default=1000)
CONVERSIONS_CLAIM_STALE_SECONDS = env.int("CONVERSIONS_CLAIM_STALE_SECONDS", default=60)
CONVERSIONS_MAX_ATTEMPTS = env.int("CONVERSIONS_MAX_ATTEMPTS", default=12)
CONVERSIONS_BREAKER_FAIL_MAX = env.int("CONVERSIONS_BREAKER_FAIL_MAX", default=5)
CONVERSIONS_BREAKER_RESET_SECONDS = env.float("CONVERSIONS_BREAKER_RESET_SECONDS", default=60.0)
# A delivery task works this long before handing over to a fresh message.
CONVERSIONS_TASK_BUDGET_SECONDS = env.float("CONVERSIONS_TASK_BUDGET_SECONDS", default=20.0)
CONVERSIONS_WEBHOOK_TOLERANCE_SECONDS = env.int("CONVERSIONS_WEBHOOK_TOLERANCE_SECONDS", default=300)

UPSTREAM_CONNECT_TIMEOUT = env.float("UPSTREAM_CONNECT_TIMEOUT", default=5.0)
UPSTREAM_READ_TIMEOUT = env.float("UPSTREAM_READ_TIMEOUT", default=30.0)
UPSTREAM_MAX_ATTEMPTS = env.int("UPSTREAM_MAX_ATTEMPTS", default=4)
UPSTREAM_BACKOFF_BASE = env.float("UPSTREAM_BACKOFF_BASE", default=0.5)
UPSTREAM_BACKOFF_MAX = env.float("UPSTREAM_BACKOFF_MAX", default=30.0)
UPSTREAM_BREAKER_FAIL_MAX = env.int("UPSTREAM_BREAKER_FAIL_MAX", default=5)
UPSTREAM_BREAKER_RESET_SECONDS = env.float("UPSTREAM_BREAKER_RESET_SECONDS", default=60.0)
# Connections kept per host by each client's session (one pool per host).
UPSTREAM_POOL_CONNECTIONS = env.int("UPSTREAM_POOL_CONNECTIONS", default=10)
UPSTREAM_POOL_MAXSIZE = env.int("UPSTREAM_POOL_MAXSIZE", default=10)
# Longest Retry-After a call waits out in place; a longer one fails at once with retry_after
# set, so the task reschedules instead of holding a worker.
UPSTREAM_RETRY_AFTER_MAX = env.float("UPSTREAM_RETRY_AFTER_MAX", default=60.0)
# Longest wait for a slot of a client's own rate limit before failing with RateLimited.
UPSTREAM_RATE_LIMIT_MAX_WAIT = env.float("UPSTREAM_RATE_LIMIT_MAX_WAIT", default=30.0)
# Prefix of the Redis keys holding rate-limit windows, breaker state and locks.
UPSTREAM_REDIS_PREFIX = env.str("UPSTREAM_REDIS_PREFIX", default="upstream")

# Sandbox (sandbox/): fault config is cached per process this long. The control API
# (/sandbox/_control/) needs SANDBOX_CONTROL_TOKEN in X-Sandbox-Control-Token; outside DEBUG it is
# closed until the token is set (and the sandbox enabled without one fails check core.E003).
SANDBOX_CONFIG_CACHE_SECONDS = env.float("SANDBOX_CONFIG_CACHE_SECONDS", default=1.0)
SANDBOX_CONTROL_TOKEN = env.str("SANDBOX_CONTROL_TOKEN", default="")
# Decided with the configuration, like the other DEBUG defaults (a test run's DEBUG=False doesn't
# change it): only a DEBUG configuration may leave the token empty, and then the API is open.
SANDBOX_CONTROL_OPEN = DEBUG and not SANDBOX_CONTROL_TOKEN
SANDBOX_RECEIVED_MAX = env.int("SANDBOX_RECEIVED_MAX", default=500)  # records kept per emulator
SANDBOX_RECEIVED_BODY_MAX = env.int("SANDBOX_RECEIVED_BODY_MAX", default=256 * 1024)  # characters
SANDBOX_MAX_DELAY_MS = env.int("SANDBOX_MAX_DELAY_MS", default=120_000)
# The bare `slow` fault: long enough to trip the product's read timeout.
SANDBOX_SLOW_MS = env.int("SANDBOX_SLOW_MS", default=int(UPSTREAM_READ_TIMEOUT * 1000) + 5_000)
SANDBOX_TELEGRAM_REVOKED_TOKENS = env.list("SANDBOX_TELEGRAM_REVOKED_TOKENS", default=[])

# --- Logging ------------------------------------------------------------------------------
# Autopilot brain: actions are dispatched only when the figures scored were collected at most this
# many minutes before the run started (else they are held, with the reason on the run); the planner
# that proposes them ("deterministic", the default and only one installed).
AUTOPILOT_STALE_MINUTES = env.int("AUTOPILOT_STALE_MINUTES", default=120)
AUTOPILOT_PLANNER = env.str("AUTOPILOT_PLANNER", default="deterministic")

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "core.logging.ContextFilter"},
        "mask_pii": {"()": "core.logging.MaskPiiFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s %(tenant_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "mask_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}

# --- Autopilot: the brain's upstream calls (docs/autopilot.md, "Metrics collector") ---------
# Seconds the report and listing calls of a brain run may take, and the fixed waits (seconds)
# before each retry of a failed call: "2,5,10" is three retries (a longer Retry-After wins).
AUTOPILOT_REPORT_TIMEOUT = env.float("AUTOPILOT_REPORT_TIMEOUT", default=60.0)
AUTOPILOT_RETRY_WAITS = tuple(float(value) for value in env.str("AUTOPILOT_RETRY_WAITS", default="2,5,10").split(",") if value.strip())
# Days of figures a run collects and scores (the current window); the previous window is as long.
AUTOPILOT_WINDOW_DAYS = env.int("AUTOPILOT_WINDOW_DAYS", default=7)
# Local time of the daily run of an ad account without a schedule of its own.
AUTOPILOT_DEFAULT_RUN_AT = env.str("AUTOPILOT_DEFAULT_RUN_AT", default="08:00")
