"""Settings for EA Portal, read from the environment.

Development defaults are convenient: with no environment at all the portal runs locally in debug mode on a
SQLite file under var/. Production (DJANGO_DEBUG off, the default once DJANGO_ALLOWED_HOSTS is set) refuses
to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A local run (no DJANGO_ALLOWED_HOSTS) defaults to debug on; any deployment, which must name its hosts,
# defaults to off and then needs a real secret key.
IS_LOCAL_RUN = not os.environ.get("DJANGO_ALLOWED_HOSTS")
DEBUG = env_bool("DJANGO_DEBUG", default=IS_LOCAL_RUN)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "django_tasks_db",
    "ea_portal",
    "partnerships",
    "learning",
    "resources",
    "ea_portal.search",
    "ea_portal.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below the security and CSP headers (added to every answer, cached or not), above everything that reads the
    # session or the database: a cached anonymous page is answered from here (ea_portal.page_cache).
    "ea_portal.page_cache.PageCacheMiddleware",
    # Compresses public pages only: never one with a CSRF token or a logged-in user's content (BREACH).
    "ea_portal.page_cache.PublicGZipMiddleware",
    "ea_portal.middleware.NulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ea_portal.urls"
WSGI_APPLICATION = "ea_portal.wsgi.application"

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
                "ea_portal.context_processors.navigation",
            ],
            # query_without, plain_text and the programme contact address, in every template.
            "builtins": ["ea_portal.templatetags.portal"],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    # The embedded default: a SQLite file under the git-ignored var/, made on first use.
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal's queries are short, and compiling them cost more than running them (1.0 s
    # of a 1.5 s search at the national data set; ea_portal.search.query).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out client or account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Each person starts where their work is: partnerships.accounts.login_landing decides by role.
LOGIN_REDIRECT_URL = "partnerships:login_landing"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: the console in development; SMTP from the environment in production.
if DEBUG and not os.environ.get("DJANGO_EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=False),
                "timeout": 30,
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "EA Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. The CSP allows our own origin only: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every log-in and log-out at INFO; failures and lockouts come as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Resources, FAQs and the newsletter (resources app) ------------------------------------------------------
# Uploaded resource files larger than this are refused (bytes; default 20 MB).
RESOURCE_UPLOAD_MAX_BYTES = int(os.environ.get("DJANGO_RESOURCE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# The portal's public address, e.g. https://portal.example.org: every link in every email, feed and the sitemap
# is built on it (ea_portal.links.absolute_url), never on the Host header a request arrived with.
PORTAL_BASE_URL = os.environ.get("DJANGO_PORTAL_BASE_URL", "http://localhost:8000")
# How long a newsletter confirmation link stays valid (seconds).
NEWSLETTER_CONFIRMATION_MAX_AGE = int(os.environ.get("DJANGO_NEWSLETTER_CONFIRMATION_MAX_AGE", str(3 * 24 * 3600)))
# Rate limits (django-ratelimit): per client address for sign-ups and questions; per email address too for
# sign-ups. The counters live in the cache (below).
NEWSLETTER_SIGNUP_RATE = os.environ.get("DJANGO_NEWSLETTER_SIGNUP_RATE", "5/h")
FAQ_QUESTION_RATE = os.environ.get("DJANGO_FAQ_QUESTION_RATE", "5/h")
# The cache holds the rate-limit counters, so every worker process must share it: DJANGO_CACHE_URL names a Redis
# server (redis://host:6379/0, rediss:// for TLS). Unset, each process has its own local-memory cache, which is
# right for development and tests only.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("DJANGO_CACHE_URL must be a Redis address, e.g. redis://127.0.0.1:6379/0.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "ea-portal"),
            # Every anonymous page asks the cache first (the page cache): a Redis that stops answering must cost
            # a page a second or two, not hang it. The page cache then renders as if there were none.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # Every logged-in request reads its session: from the shared cache, not the database, where there is one.
    # cached_db still writes each session to the database, so a flushed or replaced Redis logs nobody out (the
    # next request reads the row and puts it back in the cache). Only with a shared cache: with one local-memory
    # cache per process, a process would go on reading its own stale copy of a session another one changed.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ea-portal"}}
# Whole anonymous pages (and heavy fragments) from the cache, retired by the content version
# (ea_portal.page_cache). On by default only with a shared cache: a publish must reach every process's pages.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", default=bool(CACHE_URL))
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# Never through the page cache: the load balancer's probes must not depend on the cache (nor wait for it).
PAGE_CACHE_EXEMPT_PATHS = ["/healthz", "/readyz"]

# The client's address (ea_portal.client_address): behind DJANGO_TRUSTED_PROXY_COUNT reverse proxies that each
# append to X-Forwarded-For, the entry the outermost of ours appended; 0 (the default) means no proxy.
if os.environ.get("DJANGO_RATELIMIT_IP_META_KEY"):
    # Naming a header alone trusted whatever the client put in it; refuse to start rather than do that again.
    raise ImproperlyConfigured(
        "DJANGO_RATELIMIT_IP_META_KEY is no longer used: set DJANGO_TRUSTED_PROXY_COUNT to the number of reverse "
        "proxies in front of the portal that append to X-Forwarded-For (1 for a single nginx)."
    )
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
RATELIMIT_IP_META_KEY = "ea_portal.client_address.client_ip"

# Login lockout (django-axes), on the portal's and the admin's log-in pages. Failures are counted in the
# database, so every worker sees them: DJANGO_LOGIN_FAILURE_LIMIT failures for one username, or from one client
# address, lock that username or address out for DJANGO_LOGIN_LOCKOUT_MINUTES (each failure while locked starts
# the period again). A successful log-in does not clear the counts: axes would clear every failure from that
# address, so someone with an account of their own could guess at another account without end.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "ea_portal.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "partnerships.accounts.locked_out"
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False

# Operations: file storage, outages and health probes (issues 9 and 15) ---------------------------------
# Resource files go to an S3-compatible bucket when DJANGO_S3_BUCKET is set (every web server sees the same
# files), else to DJANGO_MEDIA_ROOT on local disk. Downloads are always served through the portal's view, so
# the bucket stays private and the files are never given a public address.


def s3_storage(environ):
    """The default storage for an S3-compatible bucket named by the environment's DJANGO_S3_* variables."""
    return {
        "BACKEND": "resources.storage.StreamingS3Storage",
        "OPTIONS": {
            "bucket_name": environ["DJANGO_S3_BUCKET"],
            "endpoint_url": environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "access_key": environ.get("DJANGO_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("DJANGO_S3_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("DJANGO_S3_REGION") or None,
            "location": environ.get("DJANGO_S3_PREFIX", ""),
            "default_acl": None,
            # Two uploads never share a name (resources.uploads.stored_name), and none may replace another.
            "file_overwrite": False,
            # Uploads larger than this are spooled to a temporary file rather than held in memory.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


if os.environ.get("DJANGO_S3_BUCKET"):
    STORAGES["default"] = s3_storage(os.environ)
# The outage page (ea_portal.unavailable): how long clients are told to wait, and whom to contact, if anyone.
OUTAGE_RETRY_AFTER_SECONDS = int(os.environ.get("DJANGO_OUTAGE_RETRY_AFTER_SECONDS", "120"))
OUTAGE_CONTACT_EMAIL = os.environ.get("DJANGO_OUTAGE_CONTACT_EMAIL", "")
MIDDLEWARE += ["ea_portal.unavailable.DatabaseUnavailableMiddleware"]
# /readyz's deadline for its database, cache and storage checks together (seconds).
READINESS_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_READINESS_TIMEOUT_SECONDS", "3"))
# A load balancer probes over plain HTTP on the private network: the probes are not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Probes every few seconds would drown the log.
LOGGING.setdefault("filters", {})["skip_health_checks"] = {"()": "ea_portal.health.SkipHealthChecks"}
LOGGING["handlers"]["console"].setdefault("filters", []).append("skip_health_checks")
# Where collectstatic gathers the files WhiteNoise serves (default: staticfiles/ beside the code).
if os.environ.get("DJANGO_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["DJANGO_STATIC_ROOT"])

# Background tasks (Django's task framework) ---------------------------------------------------------------
# Tasks are rows in the portal's own database (django-tasks-db): enqueued in the same transaction as the change
# that causes them, kept across restarts, and run by one worker process, `manage.py db_worker`, with no other
# service to install. `make run` starts that worker beside the development server.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Newsletters go out on the worker, this many messages per task; a send that shows no progress for
# NEWSLETTER_SEND_STALL_SECONDS (its worker was killed or restarted, or the mail server was unreachable) is
# resumed by its watchdog task where it stopped.
NEWSLETTER_SEND_BATCH_SIZE = int(os.environ.get("DJANGO_NEWSLETTER_SEND_BATCH_SIZE", "100"))
NEWSLETTER_SEND_STALL_SECONDS = int(os.environ.get("DJANGO_NEWSLETTER_SEND_STALL_SECONDS", "300"))

# Faithful to NCB's deck: programme contact and consent wording (issue 12) ----------------------------------
# The programme's contact address, shown on /contact/, the error pages and the footer. The default is the
# address NCB's deck gives for signing up ("Sign up with tmoncada@ncb.org.uk").
PROGRAMME_CONTACT_EMAIL = os.environ.get("DJANGO_PROGRAMME_CONTACT_EMAIL", "tmoncada@ncb.org.uk")
# What a newsletter subscriber agrees to, stored word for word with each sign-up. NCB has not stated how it
# keeps or shares subscribers' details, so the default says only what the sign-up does; NCB must confirm the
# wording (and may extend it) before the portal goes live.
NEWSLETTER_CONSENT_TEXT = os.environ.get(
    "DJANGO_NEWSLETTER_CONSENT_TEXT",
    "I agree that the National Children's Bureau (NCB) may email me the Safeguarding Early Adopters newsletter "
    "about the themes I have chosen. I can unsubscribe at any time with the link in every newsletter.",
)
