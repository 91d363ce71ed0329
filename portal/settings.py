"""All settings for the portal, read from the environment in this one place.

With nothing set, the portal runs on its embedded default: SQLite under var/,
Celery tasks in process after commit, local-memory cache, email to the console.
DEBUG is off unless asked for; with DEBUG off the portal refuses to start
without SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.inline_scripts import JS_ENABLED, csp_hash_source
from portal.secret_key import why_unsafe

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the portal needs a SECRET_KEY "
            "of at least 50 random characters (for example from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and (weakness := why_unsafe(SECRET_KEY)):
    # A published or guessable key lets anyone forge sessions and password-reset links.
    raise ImproperlyConfigured(
        f"SECRET_KEY is not safe to use: {weakness}. With DEBUG off the portal needs a "
        "SECRET_KEY of at least 50 random characters made for this installation, for example "
        "from `python -c 'import secrets; print(secrets.token_urlsafe(50))'` (the value in "
        ".env.example is only a placeholder), or set DEBUG=true for local development."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. With DEBUG off the portal needs the host "
            "names it answers to, comma-separated (for example "
            "ALLOWED_HOSTS=portal.example.org), or set DEBUG=true for local development."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# Links in emails are absolute and must not depend on the request that queued them.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "portal",
    "accounts",
    "threat_levels",
    "bulletins",
    "alerts",
    "calls",
    "cascades",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses an oversized body from its Content-Length, before anything below reads it.
    "portal.request_limits.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Above the session: it sees every response to a signed-in person (static files excepted).
    "portal.cache_control.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
                "threat_levels.context_processors.threat_levels",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default keeps its database under var/, made on first use.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Requests and the periodic jobs' thread write at once: a writer takes the lock when its
    # transaction begins and others wait for it (up to 20 s) instead of failing with "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Page queries are short; PostgreSQL's JIT compiler spent 150 ms compiling the bulletin
    # count whose real work takes 20 ms (docs/performance.md), so it is off for the portal.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Unset: no broker, tasks run in process after commit, local-memory cache.
REDIS_URL = env.str("REDIS_URL", default="") or None
# The cache's Redis. The broker's must keep every queued alert (append-only, never evicting);
# a cache must be free to forget (evicting the least used, nothing on disk), so in production
# they are two servers (docker-compose.yml). Unset: the broker's server.
CACHE_URL = env.str("CACHE_URL", default="") or REDIS_URL

if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
        # While the cache's Redis cannot be reached, what guards sign-in (rate-limit counts,
        # authenticator codes already used) is kept here instead (portal.cache). Its table is
        # made by portal's first migration.
        "fallback": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache_fallback",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Django's cached_db, read in one round trip with the signed-in person (accounts.sessions).
SESSION_ENGINE = "accounts.sessions"

# --- Celery ---------------------------------------------------------------
# PostgreSQL is the truth and Redis only the conveyor: tasks are acknowledged
# after they finish, requeued if a worker dies, fetched one at a time, and
# carry only ids in JSON. Results are never stored.

# The in-process broker is named a host, or kombu warns on every start that none was given.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# The longest retry countdown any task may ask for; the broker must not
# re-deliver a task that is merely waiting out its countdown.
CELERY_MAX_RETRY_COUNTDOWN = 30 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish must not hang when Redis is down: give up quickly, the sweep requeues.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "Europe/London"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "portal.tasks.record_heartbeat", "schedule": 60.0},
    "sweep-alerts": {
        "task": "alerts.tasks.sweep_alerts",
        "schedule": env.float("ALERTS_SWEEP_EVERY_SECONDS", default=60.0),
    },
    "acknowledgement-reminders": {
        "task": "alerts.tasks.send_acknowledgement_reminders",
        "schedule": 15 * 60.0,
    },
    # 07:00 UK time (CELERY_TIMEZONE), every day.
    "daily-digest": {
        "task": "alerts.tasks.send_daily_digest",
        "schedule": crontab(hour=7, minute=0),
    },
}
# The sweep re-queues alerts and deliveries the conveyor dropped: those waiting longer
# than ALERTS_LOST_AFTER_SECONDS, and those claimed by a worker that died (still
# `sending` after ALERTS_STUCK_AFTER_SECONDS).
ALERTS_LOST_AFTER_SECONDS = env.int("ALERTS_LOST_AFTER_SECONDS", default=120)
ALERTS_STUCK_AFTER_SECONDS = env.int("ALERTS_STUCK_AFTER_SECONDS", default=600)
# The first retry of a temporary SMTP failure waits this long; each next one twice as long.
ALERTS_RETRY_BASE_SECONDS = env.int("ALERTS_RETRY_BASE_SECONDS", default=30)
# An action-required bulletin not acknowledged after this long brings a reminder; this much
# longer again without the sector lead's acknowledgement, an email to the sector's deputies.
ALERTS_REMINDER_AFTER_HOURS = env.int("ALERTS_REMINDER_AFTER_HOURS", default=24)
ALERTS_ESCALATE_AFTER_HOURS = env.int("ALERTS_ESCALATE_AFTER_HOURS", default=24)

# --- Email ----------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ISL Briefing Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 30

# --- Accounts -------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# allauth's, with the signed-in person read from the cache (accounts.backends).
AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Accepting an invitation verifies the address; a changed address must be verified again.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# A password reset (or any other form) for an address with no account sends nothing: mailing
# "there is no account here" would let anyone aim the portal's mail at any inbox. The pages
# still answer the same for known and unknown addresses.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Confirming it is you takes the password or the second factor; never a code sent by email,
# which is weaker than either.
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
# allauth's forms with the portal's words: each error names its field.
ACCOUNT_FORMS = {
    "login": "accounts.forms.SignInForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "add_email": "accounts.forms.ChangeEmailForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ISL Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Counted in the cache, which is Redis whenever REDIS_URL is set, so the limits hold
# across every web process. For "login_failed", "key" is the account tried together with
# the client address, or the device for a browser that has fully signed in to that account
# before (accounts.adapters): a guesser cannot lock the owner out from elsewhere. allauth.mfa
# counts wrong codes under "login_failed" per account, wherever they come from.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# One proxy (the TLS terminator in front of gunicorn) is trusted to append the client's
# address to X-Forwarded-For; anything further left in the header is the client's say-so.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
# A changed address waits, unverified, until its link is followed; the old one stays in use.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "ISL Briefing Portal"
# Recovery codes are shown once, when made; after that only how many are left.
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_FORMS = {
    "authenticate": "accounts.forms.SecondFactorForm",
    "reauthenticate": "accounts.forms.SecondFactorReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
    "add_webauthn": "accounts.forms.AddPasskeyForm",
    "edit_webauthn": "accounts.forms.EditPasskeyForm",
    "reauthenticate_webauthn": "accounts.forms.PasskeyReauthenticateForm",
}
# Each session's record (address, browser, last seen) is kept by
# accounts.middleware.SessionTimeoutMiddleware, at most once a minute, not on every request.
USERSESSIONS_TRACK_ACTIVITY = False

# Sessions end after 30 minutes without a request, and 12 hours after sign-in whatever happens.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# --- Security -------------------------------------------------------------

SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The __Host- prefix needs the Secure flag, so it is used only off DEBUG.
SESSION_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-session" if SECURE else "portal-session"
CSRF_COOKIE_SECURE = SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE else "portal-csrftoken"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, csp_hash_source(JS_ENABLED)],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Larger uploads are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A cascade may name thousands of a sector's contacts one by one (Django's default is 1,000
# fields); the route's 1 MB body cap (portal/request_limits.py) still bounds the parsing.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Bulletin attachments live here, outside MEDIA and STATIC: no URL reaches them, and only the
# attachment view (which applies the bulletin's access rule) serves them.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "attachments")))

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Built by `make assets` from npm govuk-frontend and assets/; never committed.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 60 if DEBUG else 3600

# --- Locale ---------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Times on the 24-hour clock everywhere, ahead of Django's en-GB "2:30 p.m.".
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"no_traceback_for_4xx": {"()": "portal.logging.NoTracebackFor4xx"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # A refusal (403, 404) is logged in one line; only a server error carries its traceback.
    "loggers": {"django.request": {"filters": ["no_traceback_for_4xx"]}},
}

# --- The service ----------------------------------------------------------

SERVICE_NAME = "ISL Briefing Portal"
# Where people write about the service: access problems, accessibility, their personal data.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="portal-support@example.org")
