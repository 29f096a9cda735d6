"""Settings shared by every profile.

Every environment variable the service reads is read here and nowhere else.
The profiles (`embedded`, `test`, `production`) only set defaults for those
variables before importing this module, or harden what it builds.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from leo_access.logs import logging_config

from .schedule import BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

_HINTS = {
    "SECRET_KEY": "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
    "DATABASE_URL": "for example postgres://user:password@host:5432/leo_access or sqlite:///db.sqlite3",
    "ALLOWED_HOSTS": "a comma-separated list of the host names the site is served on",
    "REDIS_URL": "for example redis://localhost:6379/0",
    "EMAIL_URL": "for example smtp+tls://user:password@smtp.example.org:587 or consolemail://",
}


def required(name):
    """Read a variable that has no safe default; fail at start-up with a hint."""
    try:
        return env.str(name)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(f"Set the environment variable {name}: {_HINTS[name]}.") from None


# Core ---------------------------------------------------------------------------------

SECRET_KEY = required("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many proxies in front of the service append to X-Forwarded-For. The client's address (for rate limits and
# the audit log) is read that many entries from the right; 0 trusts no header. Production defaults to one.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=None)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = "Apply for LEO data access"
# ONS renames its systems (RAS became PASS in 2024): the names shown to people live here.
ACCREDITATION_SERVICE_NAME = env.str("ACCREDITATION_SERVICE_NAME", default="Research Accreditation Service")
ACCREDITATION_SERVICE_SHORT_NAME = env.str("ACCREDITATION_SERVICE_SHORT_NAME", default="RAS")
# Where people write for help: shown in the beta banner, the footer, the accessibility statement and error pages.
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="leo-access-support@example.org")

INSTALLED_APPS = [
    "leo_access.admin_config.LeoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_results",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leo_access",
    "applications",
    "reviews",
    "declarations",
    "notifications",
    "api",
    "demo",
]

MIDDLEWARE = [
    "leo_access.logs.RequestIdMiddleware",
    "leo_access.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "leo_access.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "leo_access.idle_sessions.IdleTimeoutMiddleware",
    "leo_access.audit.context.CurrentRequestMiddleware",
    "leo_access.second_factor.SecondFactorMiddleware",
    "leo_access.error_pages.MethodNotAllowedPageMiddleware",
    "leo_access.request_input.RefuseNulMiddleware",
]

ROOT_URLCONF = "leo_access.urls"
WSGI_APPLICATION = "leo_access.wsgi.application"

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
                "csp.context_processors.nonce",
                "leo_access.context_processors.service",
            ],
        },
    },
]

# Data ---------------------------------------------------------------------------------

DATABASES = {"default": env.db_url_config(required("DATABASE_URL"))}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded files are never served from a public URL; views check permission first.
MEDIA_URL = "/media-not-served/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files in an S3-compatible bucket instead of MEDIA_ROOT when AWS_STORAGE_BUCKET_NAME is set; the other AWS_*
# names are django-storages' own settings (README.md, "Object storage").
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    # "path" for servers that do not give each bucket its own host name (MinIO, most local servers).
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="") or None
    # Objects are private; each name is used once (a second file of the same name gets a new one).
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
# How long a pre-signed download address lasts (FILE_DOWNLOADS=redirect).
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=60)
# "stream": the view sends the bytes; "redirect": files in a bucket are sent by a short-lived pre-signed URL
# (files whose fingerprint is checked are always read and sent by the view).
FILE_DOWNLOADS = env.str("FILE_DOWNLOADS", default="stream")
if FILE_DOWNLOADS not in ("stream", "redirect"):
    raise ImproperlyConfigured(f"FILE_DOWNLOADS must be stream or redirect, not {FILE_DOWNLOADS!r}.")
# In production, the path of the web server's internal location for MEDIA_ROOT (X-Accel-Redirect); empty: Django
# streams the file itself after the permission check.
PROTECTED_MEDIA_ACCEL_PREFIX = env.str("PROTECTED_MEDIA_ACCEL_PREFIX", default="")
FILE_UPLOAD_PERMISSIONS = 0o640
# The largest Variable Request Form accepted; the official form filled in is about 1 MB.
VRF_MAX_BYTES = env.int("VRF_MAX_BYTES", default=20 * 1024 * 1024)
# The largest document accepted as evidence that a condition of approval is met.
CONDITION_EVIDENCE_MAX_BYTES = env.int("CONDITION_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# People -------------------------------------------------------------------------------

AUTH_USER_MODEL = "leo_access.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's own, loading the user with their roles (`leo_access.backends`).
    "leo_access.backends.PasswordBackend",
    "leo_access.backends.AccountBackend",
    "leo_access.backends.AdminRolePermissions",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-up hashes the password for an address that has an account too, so its timing does not tell.
ACCOUNT_FORMS = {"signup": "leo_access.sign_up.EvenSignupForm"}
# Failed sign-ins in 5 minutes before sign-in is refused for a while: few per account (against guessing one
# password), many per client address, so that a university's NAT is not locked out by a few people's typos
# (OWASP: lock accounts, not shared addresses).
SIGN_IN_FAILURES_PER_ACCOUNT = env.int("SIGN_IN_FAILURES_PER_ACCOUNT", default=5)
SIGN_IN_FAILURES_PER_ADDRESS = env.int("SIGN_IN_FAILURES_PER_ADDRESS", default=100)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{SIGN_IN_FAILURES_PER_ADDRESS}/5m/ip,{SIGN_IN_FAILURES_PER_ACCOUNT}/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LEO Access] "
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT or 0
# Everyone proves a second factor (SATRE 3.2.04): an authenticator app, or a passkey, which also signs in
# without a password. Passkeys need JavaScript; the authenticator app does not.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "LEO Access"
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_ADAPTER = "leo_access.second_factor.SecondFactorAdapter"
MFA_FORMS = {"add_webauthn": "leo_access.passkeys.AddPasskeyForm"}
# The passkey's relying party is the host the page was served from. Browsers accept https origins and
# http://localhost, and so does the server's origin check (python-fido2), so MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN,
# which turns that check off, stays off everywhere: try passkeys locally at http://localhost:8000, not 127.0.0.1.

# A session lasts at most a working day, and ends sooner after SESSION_IDLE_TIMEOUT seconds without a request.
SESSION_COOKIE_AGE = int(timedelta(hours=8).total_seconds())
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# E-mail -------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LEO Access <no-reply@leo-access.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks --------------------------------------------------------------------------------

# Without REDIS_URL the service runs its tasks in-process (the embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
# Sign-in rate limits, used authenticator codes and cached statistics must be shared by every web process.
CACHES = {
    "default": (
        {
            "BACKEND": "leo_access.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "leo",
            # A Redis that accepts connections but never answers must not hold a page for long: one try, one second.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
    # Tasks are acknowledged when they finish (CELERY_TASK_ACKS_LATE); a task whose whole worker died is handed out
    # again once it has been unacknowledged this many seconds (kombu's default, an hour). Shorter, tasks still
    # running or waiting out a countdown (notification retries wait up to NOTIFICATION_RETRY_MAX_SECONDS) would be
    # handed out twice; longer, the work of a dead worker would wait longer.
    "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = timedelta(days=30)
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Periodic work is declared in code (schedule.py); `make beat` runs it.
# Days between the warning that a member is not on the register of accredited researchers (or has expired on it)
# and the suspension of their access, for the register to be put right.
REGISTER_WARNING_DAYS = env.int("REGISTER_WARNING_DAYS", default=14)
# An amendment extending a live project's end date by up to this many months is decided by the RAS; a longer
# extension goes to the panel.
AMENDMENT_EXTENSION_LIMIT_MONTHS = env.int("AMENDMENT_EXTENSION_LIMIT_MONTHS", default=12)
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# Pages --------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "5.8.0"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Security -----------------------------------------------------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Operations ---------------------------------------------------------------------------

# The bearer token a Prometheus scraper sends for /metrics; without it /metrics does not exist (404).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# prometheus-client's multiprocess mode (it reads the variable itself, at import): a directory every web and
# worker process on the machine writes its series to, emptied before the service starts; /metrics adds them up.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")

# JSON lines (production) or readable text (the embedded default); each line of a request, and of the tasks it
# queues, carries its request id (leo_access/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))

# REST API (api/) ---------------------------------------------------------------------

# Requests one personal token (or signed-in person, or address) may make, shared by every web process through the
# cache (Redis): a number, then per second, minute, hour or day.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.SecondFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScope",
        "api.permissions.RoleAllows",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or 0,
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LEO Access API",
    "DESCRIPTION": "Applications for access to the LEO dataset, their review and the access list, for programs. "
    "Errors are application/problem+json (RFC 9457).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # The description is public: reading it needs no session or token (and a staff member part-way through
    # signing in is not refused it).
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationState": "applications.states.State.choices",
        "IntakeItem": "reviews.models.IntakeItem.choices",
        "MeetingStatus": [("open", "Open"), ("closed", "Closed")],  # reviews.models.PanelMeeting.Status
    },
}

# Work stages --------------------------------------------------------------------------

# Days each stage may take before its work is overdue.
STAGE_SLA_DAYS = {
    "ras_check": env.int("SLA_DAYS_RAS_CHECK", default=10),
    "department_review": env.int("SLA_DAYS_DEPARTMENT_REVIEW", default=20),
    "panel_review": env.int("SLA_DAYS_PANEL_REVIEW", default=20),
    "delegated_review": env.int("SLA_DAYS_DELEGATED_REVIEW", default=10),
    "accredited": env.int("SLA_DAYS_DECLARATIONS", default=15),
}

# Days before a project's end date its co-ordinator and the RAS are warned, once each.
PROJECT_END_WARNING_DAYS = (60, 14)
# Days after a project closes that its closure return (outputs, final report, destruction of material) is due;
# unsent after that, the return is overdue: chased weekly and listed for the RAS.
CLOSURE_RETURN_DAYS = env.int("CLOSURE_RETURN_DAYS", default=30)

# Individual Declarations (declarations/) ----------------------------------------------

# The service's key and certificate (PEM) that seal signed declaration PDFs. A real deployment
# supplies its own; without them the embedded and test profiles make a self-signed development pair.
DECLARATION_SIGNING_KEY = env.str(
    "DECLARATION_SIGNING_KEY", default=str(BASE_DIR / "var" / "signing" / "declaration-signing-key.pem")
)
DECLARATION_SIGNING_CERTIFICATE = env.str(
    "DECLARATION_SIGNING_CERTIFICATE", default=str(BASE_DIR / "var" / "signing" / "declaration-signing-cert.pem")
)
DECLARATION_SIGNING_KEY_PASSPHRASE = env.str("DECLARATION_SIGNING_KEY_PASSPHRASE", default="")
# Production must never seal documents with a key it made up itself.
DECLARATION_SIGNING_DEVELOPMENT_PAIR = env.bool(
    "DECLARATION_SIGNING_DEVELOPMENT_PAIR",
    default=not env.str("DJANGO_SETTINGS_MODULE", default="").endswith(".production"),
)
# The largest PDF the verification page accepts.
DECLARATION_VERIFY_MAX_BYTES = env.int("DECLARATION_VERIFY_MAX_BYTES", default=10 * 1024 * 1024)

# Tracking (admin dashboard, register and exports) ------------------------------------------

# Exports with more rows than this are built by a worker instead of during the request.
TRACKING_EXPORT_SYNC_MAX_ROWS = env.int("TRACKING_EXPORT_SYNC_MAX_ROWS", default=5000)
# How long the dashboard's figures are kept before they are computed again (0: every time).
TRACKING_DASHBOARD_CACHE_SECONDS = env.int("TRACKING_DASHBOARD_CACHE_SECONDS", default=300)
# How long the public register keeps a rendered page; a change to the register replaces it sooner.
REGISTER_CACHE_SECONDS = env.int("REGISTER_CACHE_SECONDS", default=600)
# How often each process asks the shared cache whether the register has changed (its own changes show at once).
REGISTER_VERSION_CHECK_SECONDS = env.float("REGISTER_VERSION_CHECK_SECONDS", default=1.0)
# How long a built export stays on disk before it is deleted.
TRACKING_EXPORT_KEEP_HOURS = env.int("TRACKING_EXPORT_KEEP_HOURS", default=24)
# The worker finds tasks in each app's tasks module only; tracking's live one level down.
CELERY_IMPORTS = ["reviews.tracking.tasks"]
# WeasyPrint reports every layout step at INFO.
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}

# Notifications (notifications/) ---------------------------------------------------------

# A message that cannot be handed to the SMTP server is tried again after this many seconds,
# doubling each time up to the maximum; after NOTIFICATION_MAX_ATTEMPTS it is given up.
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=60)
NOTIFICATION_RETRY_MAX_SECONDS = env.int("NOTIFICATION_RETRY_MAX_SECONDS", default=3600)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=50)
# Days a query may stay unanswered before the application is withdrawn automatically.
NOTIFICATION_QUERY_WITHDRAW_DAYS = env.int("NOTIFICATION_QUERY_WITHDRAW_DAYS", default=60)
# Days a message (a person's notification and the outbox's record of its e-mail) is kept once delivered, and once
# given up; messages still to be sent are kept until they are.
NOTIFICATION_KEEP_DAYS = env.int("NOTIFICATION_KEEP_DAYS", default=365)
NOTIFICATION_FAILED_KEEP_DAYS = env.int("NOTIFICATION_FAILED_KEEP_DAYS", default=90)
# A worker must not hang on an unreachable SMTP server.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
