"""Settings for every environment, read from the environment in this one place.

Defaults give a safe single-machine setup on SQLite. Production is selected with
DJANGO_ENV=production and then refuses to start without a real secret key.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.redis_breaker import CircuitBreakerConnection

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-key-never-used-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if IS_PRODUCTION else _DEV_SECRET)
if IS_PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value in production."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin with a second factor for staff (config/admin.py).
    "config.admin.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "readiness",
    "programmes",
    "advisors",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.HeadAsGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language (docs/i18n.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # user.is_verified(): whether this session passed the second factor (advisors, staff).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "config.middleware.NoStoreForSessionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns repeated failed logins into a lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "advisors:login"
LOGIN_REDIRECT_URL = "advisors:caseload"
LOGOUT_REDIRECT_URL = "readiness:home"
# Lock an account (per username and address) after repeated failures, for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
# The name authenticator apps show beside an advisor's or staff member's code.
OTP_TOTP_ISSUER = "Readiness Compass"
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same client address as the rate limits (behind a proxy, not the proxy's own, F12, F19).
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.forwarded_address"
AXES_LOCKOUT_TEMPLATE = "advisors/locked_out.html"
AXES_RESET_ON_SUCCESS = True

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
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["readiness.templatetags.readiness_tags"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The embedded default (SQLite) shared by the web process and the task worker, which polls
# for tasks in a write transaction every second. WAL lets readers carry on while one connection
# writes; IMMEDIATE takes the write lock when a transaction begins, so a request's transaction
# that reads and then writes waits its turn (up to `timeout` seconds) instead of failing with
# "database is locked" when it finds the worker holding the lock halfway through
# (tests/system/test_sqlite_concurrency.py, tests/system/test_sqlite_worker_journey.py).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": float(os.environ.get("DJANGO_SQLITE_TIMEOUT", "20")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # The test database is a file too, not Django's shared in-memory one: there, a live server's
    # concurrent requests (an autosave beside a page load) fail at once with "database table is
    # locked" instead of waiting as on a real SQLite file, which made browser tests flaky under
    # load. pytest-xdist gives each worker its own file (a suffix on the name).
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", os.environ.get("DJANGO_TEST_DB", str(BASE_DIR / "test-db.sqlite3")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast (and show the 503 page) when PostgreSQL is unreachable instead of letting every
    # worker hang until gunicorn kills it (F9): connect_timeout bounds a connect; a PostgreSQL
    # that stops answering on an open connection (a black-holed network, no RST) is dropped by
    # the kernel once sent data stays unacknowledged for tcp_user_timeout, or once keepalive
    # probes go unanswered while waiting for a reply; statement_timeout bounds a slow query on
    # the server. All well under gunicorn's 30 s timeout. These are libpq parameters.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options.setdefault("connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5")))
    _pg_options.setdefault("keepalives", 1)
    _pg_options.setdefault("keepalives_idle", int(os.environ.get("DJANGO_DB_KEEPALIVE_IDLE", "5")))
    _pg_options.setdefault("keepalives_interval", 2)
    _pg_options.setdefault("keepalives_count", 2)
    _pg_options.setdefault(
        "tcp_user_timeout", int(os.environ.get("DJANGO_DB_TCP_USER_TIMEOUT_MS", "5000"))
    )
    _statement_timeout_ms = int(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT_MS", "15000"))
    _pg_options.setdefault("options", f"-c statement_timeout={_statement_timeout_ms}")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis holds no only copy of anything: sessions are written through to the database, and
    # rate-limit counters can start again. So an outage (a restart, a failover) must degrade,
    # not fail: django-redis turns its errors into cache misses (logged), sessions are then read
    # from the database, and rate limits are not counted until Redis is back (below). The short
    # timeouts keep a black-holed Redis from holding the workers (tests/system/test_redis_outage.py).
    redis_timeout = float(os.environ.get("DJANGO_REDIS_TIMEOUT", "1"))
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": redis_timeout,
                "SOCKET_TIMEOUT": redis_timeout,
                "IGNORE_EXCEPTIONS": True,
                # After one timeout, calls fail at once for a few seconds instead of each
                # waiting again (config/redis_breaker.py).
                "CONNECTION_POOL_KWARGS": {"connection_class": CircuitBreakerConnection},
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database only, with or without Redis. A cached copy in Redis (cached_db)
# outlived a sign-out made while Redis was unreachable and came back with it (F11); one
# primary-key read per request is the price of a sign-out that always holds.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Rate limits (config/ratelimit.py) count in the default cache: Redis (shared by every app
# process, atomic INCR) when REDIS_URL is set, else per-process memory. django_ratelimit is not
# in INSTALLED_APPS on purpose: its system check rejects the per-process cache of the
# single-machine default (see docs/deploy.md).
RATELIMIT_USE_CACHE = "default"
# Behind a load balancer REMOTE_ADDR is the balancer; name the header that carries the client
# address as the balancer sets it (e.g. HTTP_X_REAL_IP). Unset: REMOTE_ADDR.
RATELIMIT_IP_META_KEY = os.environ.get("DJANGO_RATELIMIT_IP_META_KEY") or None
# How many proxies of ours append to that header (X-Forwarded-For): the client address is that
# many entries from the right; entries further left are the client's own claims.
RATELIMIT_TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "1"))
RATELIMIT_ENABLE = env_bool("DJANGO_RATELIMIT_ENABLE", default=True)
# The API's answers are checked against their response schema before they are sent, except in
# production: there a failed check could only turn an answer into a 500, and the check costs a
# fifth of an evaluation's request. The JSON written is the same either way (reports/api.py);
# the tests (development settings) check every answer, and the contract and fuzz tests check
# them against the OpenAPI document.
API_CHECK_RESPONSES = env_bool("DJANGO_API_CHECK_RESPONSES", default=not IS_PRODUCTION)
# While the counters' cache is unreachable, let requests through rather than refuse every
# login and link lookup; axes' lockout after failed logins lives in the database and still holds.
RATELIMIT_FAIL_OPEN = env_bool("DJANGO_RATELIMIT_FAIL_OPEN", default=True)


def _rates(default: dict[str, str]) -> dict[str, str]:
    """Named rates, overridable as DJANGO_RATELIMITS="resume=30/m,login=5/m"."""
    rates = dict(default)
    for item in env_list("DJANGO_RATELIMITS"):
        name, _, rate = item.partition("=")
        rates[name.strip()] = rate.strip()
    return rates


RATELIMITS = _rates({
    # Resume-link lookups: a person opens or pastes a link a few times; guessing needs millions.
    "resume": "30/m",
    "login": "10/m",
    # Sign-in attempts at one account from all addresses together (F12).
    "login_account": "30/h",
    "password_reset": "5/m",
    "api": "120/m",
    "pdf": "20/m",
    # Anonymous writes (security review F5), per client address: a firm starts a few drafts,
    # submits and shares a few times an hour; a script that floods caseloads does hundreds.
    "start": "10/h",
    "submit": "20/h",
    "share": "30/h",
    # Emails to one address, whoever asks (confirmations, account links, replaced links share
    # one budget per address): the service cannot be used to bomb a mailbox.
    "email": "3/h",
    # PDFs a client may have rendered (a stored, current copy is served without counting, F8).
    "pdf_render": "20/h",
})

TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    },
    # PDF reports a firm or an advisor is waiting for (F8), on a worker of their own
    # (`task_worker --backend reports`): it renders one at a time, so PDFs never take more than
    # one core however many clients ask, and never wait behind a large ZIP bundle.
    "reports": {
        "BACKEND": os.environ.get("DJANGO_REPORT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    },
}
# A task RUNNING for longer than this is taken as orphaned by a dead worker and marked failed by
# `manage.py reap_stale_tasks` (django-tasks-db has no heartbeat; see docs/deploy.md).
TASKS_STALE_AFTER_SECONDS = int(os.environ.get("DJANGO_TASKS_STALE_AFTER", str(60 * 30)))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The languages of the six countries beside English (issue 17); names in their own language.
LANGUAGES = [
    ("en-gb", "English"),
    ("de", "Deutsch"),
    ("ko", "한국어"),
    ("zh-hant", "繁體中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's cookie: no script reads it and no other site sends it (HTTPS-only in production).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from its npm package (package.json), served as static files.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# Media (stored PDF reports, ZIP bundles): a local directory by default (on several app
# machines, a shared volume mounted at DJANGO_MEDIA_ROOT), or an S3-compatible bucket when
# DJANGO_S3_BUCKET is set (needs the `s3` extra: pip install ".[s3]"; credentials from boto3's
# usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables).
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
if S3_BUCKET:
    _MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION") or None,
            "default_acl": None,
            # Reports are private: every URL handed out is signed and expires.
            "querystring_auth": True,
            "querystring_expire": 300,
            # Sign with SigV4 in every region: without it botocore presigns with the retired
            # SigV2 in us-east-1 or with no region, which newer buckets (and R2, B2) refuse.
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }
else:
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            # DJANGO_STATIC_COMPRESS=0 skips the gzip/brotli copies (test runs of the production
            # stack, where nobody downloads them); the hashed names stay the same.
            (
                "whitenoise.storage.CompressedManifestStaticFilesStorage"
                if env_bool("DJANGO_STATIC_COMPRESS", default=True)
                else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            )
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Stored reports and bundles hold firms' data: readable by the app's own user only (F17).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

_SMTP = "django.core.mail.backends.smtp.EmailBackend"
# Development prints mail to the console; production sends it through SMTP (DJANGO_EMAIL_*).
_EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    _SMTP if IS_PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND == _SMTP:
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT") or 0) or None,
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=False),
        # A slow mail relay must not hold a web worker (the resume link is also on the page).
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@readiness.invalid")
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")

# Strict CSP: scripts only from our origin or with this response's nonce; no inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Nothing here uses the browser's devices or sensors: deny them all to every frame (F19).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in ("accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
                    "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone",
                    "midi", "payment", "picture-in-picture", "publickey-credentials-get",
                    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
# Sessions expire: advisors sign in again after 12 hours; firms reopen their private link.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(60 * 60 * 12)))

if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe over plain HTTP; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload directive alone submits nothing; an operator who does not want the domain
    # ever preloaded sets DJANGO_HSTS_PRELOAD=0, an explicit choice, so its warning is silenced.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # Only for a plain-HTTP loopback run of the production stack (bench/): never in a deployment.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    if SESSION_COOKIE_SECURE:
        # __Host-: the browser keeps them only if set over HTTPS for this exact host and path /,
        # so no sibling subdomain can plant or overwrite them (security review F19).
        SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"

# /.well-known/security.txt (RFC 9116): where to report a vulnerability, e.g.
# "mailto:security@example.org,https://example.org/report"; unset, the file is not served.
SECURITY_CONTACTS = env_list("DJANGO_SECURITY_CONTACT")
SECURITY_POLICY_URL = os.environ.get("DJANGO_SECURITY_POLICY_URL", "")

# How long a draft's private resume link stays valid after the last save.
RESUME_LINK_MAX_AGE_DAYS = int(os.environ.get("READINESS_RESUME_LINK_DAYS", "180"))

# Drafts untouched for this long are deleted by `manage.py purge_drafts` (their links expired
# long before, so nobody can open them any more).
DRAFT_RETENTION_DAYS = int(
    os.environ.get("READINESS_DRAFT_RETENTION_DAYS", str(RESUME_LINK_MAX_AGE_DAYS + 30))
)

# Default prioritisation weights (DESIGN §4); staff can override them in the admin.
PRIORITY_WEIGHTS = {"gap": 0.4, "kpi": 0.3, "cost": 0.3}

# One console handler for everything (12-factor: the process manager collects stderr). Its
# filter removes private resume tokens from every message, e.g. Django's "Not Found:
# /resume/<token>/". Django's own handlers on "django" and "django.server" are replaced by
# nothing and both propagate to the root, so that nothing reaches the output unfiltered.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "config.log_redaction.RedactResumeTokens"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        # WeasyPrint narrates every PDF step at INFO; only its problems are worth a line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Outside production, whitenoise serves static files straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
# Source maps (13 MB of Bootstrap's) are fetched only by developer tools: compressing them made
# collectstatic take most of a deploy's minute.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf",
    "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg", "mpg",
    "webm", "wmv", "map",
]
