"""Django settings for HalluxPath.

Every value a site may change comes from an environment variable, with a
default that is safe for a single clinic machine; docs/operations.md lists
them all. Nothing else in the code base reads the environment.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from halluxpath.config import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    load_or_create_secret_key,
)

PROJECT_DIR = Path(__file__).resolve().parents[3]
DATA_DIR = Path(env_str("HALLUXPATH_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()

DEBUG = env_bool("HALLUXPATH_DEBUG", False)
SECRET_KEY = env_str("HALLUXPATH_SECRET_KEY", "") or load_or_create_secret_key(
    DATA_DIR / "secret_key"
)
ALLOWED_HOSTS = env_list("HALLUXPATH_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("HALLUXPATH_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "halluxpath.sites",
    "halluxpath.accounts",
    "halluxpath.audit",
    "halluxpath.patients",
    "halluxpath.imaging",
    "halluxpath.surgery",
    "halluxpath.aftercare",
    "halluxpath.complications",
    "halluxpath.reminders",
    "halluxpath.outcomes",
    "halluxpath.registry",
    "halluxpath.research",
    "halluxpath.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "halluxpath.site.caching.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "halluxpath.accounts.middleware.SecondFactorMiddleware",
    "halluxpath.audit.pageviews.PageViewAuditMiddleware",
    "halluxpath.api.audit.ApiCallAuditMiddleware",
    "halluxpath.accounts.middleware.IdleSessionTimeoutMiddleware",
    "halluxpath.sites.middleware.SiteTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "halluxpath.site.urls"
WSGI_APPLICATION = "halluxpath.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "halluxpath.accounts.context_processors.navigation",
                "halluxpath.aftercare.context_processors.open_alerts",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite in the data directory unless DATABASE_URL names another database
# (postgres://user:password@host:port/name). SQLite runs in WAL mode with
# IMMEDIATE transactions so that concurrent writers queue instead of failing.
SQLITE_PATH = DATA_DIR / "halluxpath.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env_int("HALLUXPATH_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a real file too (not Django's shared in-memory database), so
    # that locking behaves as in production when several threads write.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-halluxpath.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sessions ----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle time after which a session ends (accounts.middleware). Staff share
# clinic computers, so theirs is short; patients use their own devices.
STAFF_SESSION_IDLE_SECONDS = env_int("HALLUXPATH_STAFF_IDLE_SECONDS", 15 * 60, minimum=60)
PATIENT_SESSION_IDLE_SECONDS = env_int("HALLUXPATH_PATIENT_IDLE_SECONDS", 60 * 60, minimum=60)
SESSION_COOKIE_AGE = max(STAFF_SESSION_IDLE_SECONDS, PATIENT_SESSION_IDLE_SECONDS)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for
# one user name from one address, that pair is locked out for the cool-off.
AXES_FAILURE_LIMIT = env_int("HALLUXPATH_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("HALLUXPATH_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The name the lockout records and locks by: normal form, length capped.
AXES_USERNAME_CALLABLE = "halluxpath.accounts.forms.lockout_username"

# Second factor for staff (django-otp): an authenticator app, named for the clinic.
OTP_TOTP_ISSUER = "HalluxPath"
# Password reset links (Django's token) stay valid for a day; requests are
# limited per address and per computer (sites.views.password_reset).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60
PASSWORD_RESET_PER_ADDRESS = env_int("HALLUXPATH_PASSWORD_RESET_PER_ADDRESS", 3, minimum=1)
PASSWORD_RESET_PER_IP = env_int("HALLUXPATH_PASSWORD_RESET_PER_IP", 10, minimum=1)

# --- Security headers -----------------------------------------------------
HTTPS = env_bool("HALLUXPATH_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: scripts, styles and images from this
# origin only, nothing inline, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Time, language -------------------------------------------------------
LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["halluxpath.site.formats"]
TIME_ZONE = env_str("HALLUXPATH_TIME_ZONE", "Europe/London")  # the clinic's zone
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
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
MEDIA_ROOT = DATA_DIR / "media"  # radiographs; never served directly, only through views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads spill to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- JSON API (api app; docs/api.md) -----------------------------------------
# Requests one API token may make per second, minute, hour or day; one more is 429.
HALLUXPATH_API_TOKEN_RATE = env_str("HALLUXPATH_API_TOKEN_RATE", "600/minute")

# --- Background work ------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Audit log (audit app; docs/operations.md) -------------------------------
# How long the sealer keeps a gap open for an event whose transaction commits
# after later events were sealed (core.hashchain: the merge delay). No
# transaction that records an audit event may stay open longer than this.
AUDIT_MERGE_DELAY_SECONDS = env_int("HALLUXPATH_AUDIT_MERGE_DELAY_SECONDS", 600, minimum=60)

# --- Research exports (research app; docs/research.md) ----------------------
# Hours a finished research export's file is kept before it is removed.
HALLUXPATH_RESEARCH_EXPORT_KEEP_HOURS = env_int(
    "HALLUXPATH_RESEARCH_EXPORT_KEEP_HOURS", 72, minimum=1
)

# --- Reminders to patients (reminders app; docs/operations.md) --------------
HALLUXPATH_CLINIC_NAME = env_str("HALLUXPATH_CLINIC_NAME", "The foot clinic")
# The address patients use to reach HalluxPath, for links in reminders.
HALLUXPATH_PUBLIC_URL = env_str("HALLUXPATH_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
HALLUXPATH_REMINDER_HOUR = env_int("HALLUXPATH_REMINDER_HOUR", 10)  # local time
if HALLUXPATH_REMINDER_HOUR > 23:
    raise ConfigError("HALLUXPATH_REMINDER_HOUR must be an hour from 0 to 23")
HALLUXPATH_REMINDER_MAX_ATTEMPTS = env_int("HALLUXPATH_REMINDER_MAX_ATTEMPTS", 5, minimum=1)
HALLUXPATH_SMS_BACKEND = env_str(
    "HALLUXPATH_SMS_BACKEND", "halluxpath.reminders.channels.NoSmsBackend"
)
EMAIL_BACKEND = env_str("HALLUXPATH_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("HALLUXPATH_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HALLUXPATH_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("HALLUXPATH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("HALLUXPATH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HALLUXPATH_EMAIL_STARTTLS", False)
EMAIL_TIMEOUT = 30  # seconds; shorter than the worker's safety margin
DEFAULT_FROM_EMAIL = env_str("HALLUXPATH_EMAIL_FROM", "foot-clinic@localhost")

# --- Logging: to stderr, no patient data in messages -----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HALLUXPATH_LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; the audit log already has them.
    "loggers": {"axes": {"level": "WARNING"}},
}
