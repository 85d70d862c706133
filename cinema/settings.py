"""Settings of the cinema booking platform.

Every value that differs between a laptop and production comes from the
environment (see the configuration table in README.md). The defaults are the
ones `make run` needs: SQLite, local-memory cache, DEBUG on.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cinema.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-insecure-only-for-local-runs-never-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value (50+ characters) when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "backoffice.admin_config.BackOfficeAdminConfig",  # Django's admin, the chain's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "backoffice.admin_config.AuditTrailConfig",  # django-auditlog
    "cinema",
    "accounts",
    "catalog",
    "venues",
    "pricing",
    "scheduling",
    "booking",
    "booking.providers.fake",
    "reviews",
    "reports",
    "notifications",
    "web",
    "backoffice",
]

MIDDLEWARE = [
    "cinema.monitoring.RequestMetricsMiddleware",  # HTTP metrics (django-prometheus names)
    "cinema.logging.RequestLogMiddleware",
    "cinema.middleware.ContentSecurityPolicyMiddleware",  # on every answer, the guard's too
    "cinema.middleware.ApiInputGuardMiddleware",  # no control characters in /api/ paths and queries
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "cinema.middleware.SessionMiddleware",  # Django's; under /api/ only with the session cookie
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "cinema.middleware.AuthenticationMiddleware",  # as above
    "cinema.middleware.MessageMiddleware",  # never for /api/
    "backoffice.audit.AuditActorMiddleware",  # names the user in the audit trail
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cinema.urls"
WSGI_APPLICATION = "cinema.wsgi.application"
ASGI_APPLICATION = "cinema.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cinema" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# The django-prometheus wrappers of the same backends count connections and queries.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Waiting for the write lock beats failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL: parameters bound by the server, and a statement run 5 times on a
    # connection is prepared, so it is planned once (planning the booking path's
    # joins took more of PostgreSQL's time than running them). Behind pgbouncer in
    # transaction mode this needs pgbouncer 1.21+ with max_prepared_statements > 0,
    # or DB_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cinema.cache_backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cinema",
            # Redis down must not stall requests: short timeouts, and after a
            # failure Redis is skipped for CACHE_RETRY_SECONDS (reads miss, rate
            # limits let requests through; see cinema/cache_backends.py).
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_int("REDIS_CONNECT_TIMEOUT_MS", 250) / 1000,
                "SOCKET_TIMEOUT": env_int("REDIS_TIMEOUT_MS", 500) / 1000,
                "circuit_seconds": env_int("CACHE_RETRY_SECONDS", 5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Metrics ------------------------------------------------------------------
# /metrics answers only "Authorization: Bearer <METRICS_TOKEN>" when it is set
# (Prometheus reads it from a file), and only clients on this machine otherwise.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# --- Jobs (Celery) ----------------------------------------------------------
# Redis is the broker (REDIS_URL unless CELERY_BROKER_URL says otherwise). With no
# broker (make run, the tests) a job runs in-process right after its transaction
# commits, so nothing needs a worker to work.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = env_bool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged when it has finished, so a worker killed mid-job leaves it
# in the queue for another worker; jobs are written to be run twice safely.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
# A broker that is down at commit time costs the request a second at most: the
# job is recorded in the database and the sweep queues it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    # Pending payments the webhooks did not settle, refunds whose job was lost.
    "payments-reconcile": {"task": "booking.payments_reconcile", "schedule": 60.0},
    "expire-holds": {"task": "booking.expire_holds", "schedule": 60.0},
    "queue-reminders": {"task": "notifications.queue_reminders", "schedule": 300.0},
    "sweep-messages": {"task": "notifications.sweep", "schedule": float(env_int("MESSAGE_SWEEP_SECONDS", 300))},
}
# Where beat keeps its schedule state (the compose healthcheck reads its age).
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", "celerybeat-schedule")
# The worker's own /metrics (its task and message counters) on this port; 0 = none.
CELERY_METRICS_PORT = env_int("CELERY_METRICS_PORT", 0)

# --- E-mail -------------------------------------------------------------------
# Django's own settings. With no EMAIL_HOST the messages are printed on the
# console (make run shows them in its terminal).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_HOST else 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cinema <tickets@cinema.local>")
# The public address of the web pages: links in e-mails point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
REMINDER_HOURS_BEFORE = env_int("REMINDER_HOURS_BEFORE", 3)
# A send is tried this many times (with growing pauses) before the message is marked failed.
MESSAGE_MAX_ATTEMPTS = env_int("MESSAGE_MAX_ATTEMPTS", 5)
# A message still queued or sending after this long lost its job (broker down at
# commit, worker killed): the sweep queues it again.
MESSAGE_STALE_SECONDS = env_int("MESSAGE_STALE_SECONDS", 600)
EMAIL_VERIFICATION_TIMEOUT = env_int("EMAIL_VERIFICATION_TIMEOUT", 3 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 3600)

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# Uploads (film posters and their copies): Django serves them with DEBUG on, nginx in production.
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))

ADMIN_URL = env_str("ADMIN_URL", "admin/")

# --- Session cookie (the customer pages and the admin; docs/SECURITY.md) ------
# HttpOnly and SameSite=Lax (Secure in production, below). The pages read the
# CSRF token from <meta name="csrf-token">, so no script needs the CSRF cookie.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        # The customer pages: Django's session cookie (web/signin.py), CSRF enforced on unsafe methods.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["cinema.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "cinema.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "cinema.api.schema.CinemaAutoSchema",
    "EXCEPTION_HANDLER": "cinema.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "300/min"),
        "user": env_str("THROTTLE_USER", "600/min"),
        "login_ip": env_str("THROTTLE_LOGIN_IP", "20/min"),
        "login_account": env_str("THROTTLE_LOGIN_ACCOUNT", "10/min"),
        "register": env_str("THROTTLE_REGISTER", "20/hour"),
        "booking": env_str("THROTTLE_BOOKING", "60/min"),
        "payment": env_str("THROTTLE_PAYMENT", "30/min"),
        "password_reset_ip": env_str("THROTTLE_PASSWORD_RESET_IP", "10/hour"),
        "password_reset_email": env_str("THROTTLE_PASSWORD_RESET_EMAIL", "3/hour"),
    },
    "DEFAULT_THROTTLE_CLASSES": [
        "cinema.api.throttling.AnonRateThrottle",
        "cinema.api.throttling.UserRateThrottle",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The API speaks JSON only; ``?format=`` is free for the API's own parameters
    # (the sessions' film format filter) instead of being DRF's renderer switch.
    "URL_FORMAT_OVERRIDE": None,
    # Proxies in front of the app that append to X-Forwarded-For (1 behind nginx).
    # Throttles then count the address nginx saw, not one a client made up.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Cinema booking platform API",
    "DESCRIPTION": (
        "Films, cinemas, sessions, seat maps, seat holds, payments, tickets and reviews. "
        "Authenticate with `POST /api/v1/auth/login/` and send `Authorization: Bearer <access>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # False: a token pasted into Swagger UI is not kept in localStorage, which the
    # customer pages on the same origin share.
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": {"PaymentStatusEnum": "booking.models.PaymentStatus"},
    "SERVERS": [{"url": env_str("API_SERVER_URL", "/"), "description": "this deployment"}],
    "TAGS": [
        {"name": "auth", "description": "Accounts: register, log in, tokens, the own profile"},
        {"name": "movies", "description": "Films and their sessions"},
        {"name": "cinemas", "description": "Cinemas, halls and their layouts"},
        {"name": "sessions", "description": "Showings, seat maps, cancellation"},
        {"name": "tickets", "description": "Holds, payments, tickets, bookings, check-in, sales statistics"},
        {"name": "payments", "description": "Payments at the provider, and the provider's webhooks"},
        {"name": "reports", "description": "Reports for managers (the distributor report)"},
        {"name": "reviews", "description": "Reviews, votes and moderation"},
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cinema.api.schema.postprocess_schema",
    ],
}

# --- Booking rules ----------------------------------------------------------
BOOKING_HOLD_MINUTES = env_int("BOOKING_HOLD_MINUTES", 15)
BOOKING_MAX_SEATS = env_int("BOOKING_MAX_SEATS", 10)
# A hold's commit returns before PostgreSQL has flushed it to disk (payments,
# refunds and everything else always wait). A database crash can forget the
# holds of its last ~0.6 s: their seats are free again and paying for them
# answers "not found"; a payment's flush carries every hold before it, so nothing
# paid is ever lost. 1 = holds wait for the disk too (fewer holds per second on
# one premiere under load: docs/PERFORMANCE.md).
BOOKING_HOLDS_WAIT_FOR_DISK = env_bool("BOOKING_HOLDS_WAIT_FOR_DISK", False)
SALES_CUTOFF_MINUTES = env_int("SALES_CUTOFF_MINUTES", 10)
REFUND_CUTOFF_MINUTES = env_int("REFUND_CUTOFF_MINUTES", 60)
CHECKIN_OPENS_MINUTES = env_int("CHECKIN_OPENS_MINUTES", 60)
SESSION_ADS_MINUTES = env_int("SESSION_ADS_MINUTES", 15)
# VAT included in ticket prices, as a fraction: the distributor report's "net of VAT"
# column is gross / (1 + rate). Admissions to films with a distribution certificate
# are VAT-exempt in Russia: set 0 there (docs/MANAGER_GUIDE.md).
REPORT_VAT_RATE = Decimal(env_str("REPORT_VAT_RATE", "0.20"))

# --- Payments -------------------------------------------------------------------
# fake: our own stand-in provider (its card page under /fake-psp/, its webhooks);
# yookassa: YooKassa through its SDK (YOOKASSA_SHOP_ID, YOOKASSA_SECRET_KEY).
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "fake")
if PAYMENT_PROVIDER not in ("fake", "yookassa"):
    raise ImproperlyConfigured("PAYMENT_PROVIDER must be fake or yookassa.")
# A payment started with less than this left on the hold extends it to this much
# (once, and never past PAYMENT_HOLD_LIMIT_MINUTES from the hold's start).
PAYMENT_CONFIRM_MINUTES = env_int("PAYMENT_CONFIRM_MINUTES", 5)
PAYMENT_HOLD_LIMIT_MINUTES = env_int("PAYMENT_HOLD_LIMIT_MINUTES", 25)
# Pending payments older than this are looked up at the provider by payments_reconcile.
PAYMENT_RECONCILE_AFTER_MINUTES = env_int("PAYMENT_RECONCILE_AFTER_MINUTES", 5)
# ... and cancelled here if the provider still has no answer this long after their hold lapsed.
PAYMENT_ABANDON_AFTER_MINUTES = env_int("PAYMENT_ABANDON_AFTER_MINUTES", 60)
PAYMENT_DEFAULT_RETURN_URL = env_str("PAYMENT_DEFAULT_RETURN_URL", "/tickets/")
REFUND_MAX_ATTEMPTS = env_int("REFUND_MAX_ATTEMPTS", 8)
PAYMENT_FAKE_LATENCY_MS = env_int("PAYMENT_FAKE_LATENCY_MS", 0)
# The fake provider signs its webhooks with this key (unset: a fixed one in DEBUG,
# for clients on a laptop; otherwise one derived from SECRET_KEY).
PAYMENT_FAKE_WEBHOOK_SECRET = env_str("PAYMENT_FAKE_WEBHOOK_SECRET") or (
    "fake-psp-webhook-secret" if DEBUG else hashlib.sha256(f"fake-psp-webhooks:{SECRET_KEY}".encode()).hexdigest()
)
# Where the fake provider POSTs its webhooks; empty: this site, as the card page was reached.
PAYMENT_FAKE_WEBHOOK_URL = env_str("PAYMENT_FAKE_WEBHOOK_URL")
YOOKASSA_SHOP_ID = env_str("YOOKASSA_SHOP_ID")
YOOKASSA_SECRET_KEY = env_str("YOOKASSA_SECRET_KEY")
YOOKASSA_API_URL = env_str("YOOKASSA_API_URL", "https://api.yookassa.ru/v3")
if PAYMENT_PROVIDER == "yookassa" and not (YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY):
    raise ImproperlyConfigured("YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY must be set for PAYMENT_PROVIDER=yookassa.")
YOOKASSA_RECEIPTS = env_bool("YOOKASSA_RECEIPTS", False)  # 54-FZ receipts, one line per ticket
YOOKASSA_VAT_CODE = env_int("YOOKASSA_VAT_CODE", 1)  # 1 = no VAT; see YooKassa's vat_code table
# Accept notifications only from YooKassa's published addresses (REMOTE_ADDR: let
# the proxy in front set it from the client's address, or turn this off).
YOOKASSA_CHECK_IP = env_bool("YOOKASSA_CHECK_IP", True)

# --- Audit trail (django-auditlog): who changed what, before -> after ---------
# Models and fields logged; the user is named by backoffice.audit. A refund is
# the ticket's status paid → refunded with its amount; payments themselves are
# not logged (their table is the record, and the paying path stays one write
# shorter). Tickets' status changes made by queryset updates (paying, expiry)
# are not logged either: refunds, cancellations and check-ins are.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "scheduling.session",
        "include_fields": [
            "movie",
            "hall",
            "starts_at",
            "ends_at",
            "busy_until",
            "base_price",
            "premium_price",
            "vip_price",
            "love_price",
            "wheelchair_price",
            "currency",
            "format",
            "audio_language",
            "subtitles_language",
            "status",
            "is_premiere",
            "sales_open_at",
            "sales_close_at",
            "cancelled_at",
            "cancel_reason",
            "price_card",
        ],
    },
    # Prices: a card, its prices, a promo code (not its use counter, moved by every hold), a ticket type.
    {"model": "pricing.pricecard", "exclude_fields": ["created_at", "updated_at"], "m2m_fields": {"cinemas"}},
    {"model": "pricing.pricecardprice"},
    {
        "model": "pricing.promocode",
        "exclude_fields": ["uses", "created_at", "updated_at"],
        "m2m_fields": {"movies", "cinemas", "ticket_types"},
    },
    {"model": "pricing.tickettype"},
    {"model": "venues.cinema", "include_fields": ["booking_fee"]},
    {"model": "accounts.user", "include_fields": ["role", "is_staff", "is_superuser", "is_active"]},
    {"model": "booking.ticket", "include_fields": ["status", "refund_amount", "refunded_at"]},
)
AUDITLOG_DISABLE_REMOTE_ADDR = True  # who, not from where: addresses are personal data
# A changed film or hall is stored by name: the list shows it without a query per row.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# --- Security (production) --------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    # Probes, the Prometheus scraper and providers' webhooks (signed, or read back from
    # the provider) may reach gunicorn directly, inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$", r"^api/v1/payments/webhooks/"]

# --- Content Security Policy (cinema.middleware; docs/SECURITY.md) -------------
# Pages load everything from this origin and run no inline script and no inline
# style: the customer pages and the admin need nothing else (the seat map places
# seats through the CSSOM, which style-src does not govern). The QR codes are
# plain <img> from the API, sent with the session cookie (same origin).
CSP_PAGES = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The API docs (Swagger UI, ReDoc) are third-party bundles that inject <style>
# elements and style attributes, and ReDoc searches in a blob: worker: they alone
# get inline styles. Still no inline script and no other host.
CSP_DOCS = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSP_DOCS_PATHS = ("/api/docs/", "/api/redoc/")
# Everything else (JSON, QR images, files) is data, never a document that loads anything.
CSP_DATA = "default-src 'none'; frame-ancestors 'none'; sandbox"

# --- CORS (browser clients on other origins use bearer tokens, never the cookie) ---
# No credentials: another origin's script cannot call the API with our session
# cookie and read the answer (SameSite=Lax and CSRF stop it from sending one anyway).
API_PREFIX = "/api/"  # CORS here; sessions only for requests that carry the cookie (cinema.middleware)
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = rf"^{API_PREFIX}.*$"
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Idempotent-Replayed"]
CORS_ALLOW_CREDENTIALS = False

# --- Logs: JSON lines (one per request, plus application events) ---------------
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "cinema.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Our access line replaces these; they would log each request twice.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "cinema.access": {"level": env_str("ACCESS_LOG_LEVEL", "INFO")},
    },
}
