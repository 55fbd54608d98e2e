"""Settings for the NIIC program, read from the environment.

Every variable has a safe local default so that a fresh clone runs with nothing installed but
Python; README.md has the table. Production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL, DJANGO_HTTPS=1 and DJANGO_EMAIL_HOST.
"""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The placeholder lets a newcomer run manage.py and the tests without configuring anything;
# the WSGI entry point and `check --deploy` refuse it (niic/checks.py), so it never serves anyone.
PLACEHOLDER_SECRET_KEY = "placeholder-not-secret-set-DJANGO_SECRET_KEY"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or PLACEHOLDER_SECRET_KEY

DEBUG = env_flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so that its translated forms are the admin's
    "niic.apps.ProgramAdminConfig",  # django.contrib.admin, with the site of niic/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "django_tasks_db",
    "tracks",
    "speakers",
    "sessions.apps.ProgramConfig",
    "niic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read: answers public pages from the cache, or with a 304.
    "niic.middleware.PublicPageCache",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin in the language its user chose, over the browser's (niic.StaffPreferences).
    "niic.middleware.AdminLanguage",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signed-in staff see the working program on the public pages (a preview).
    "niic.middleware.ProgramPreview",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so that it is the first to see the response: it replaces a locked-out login's answer
    # with the lockout page, which the middlewares above then give their security headers.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "niic.urls"
WSGI_APPLICATION = "niic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "niic.views.program_preview",
            ],
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer: each transaction takes the write lock as it begins, so that two
    # changes to the program run one after the other and the second checks the scheduling
    # rules against the first (sessions.services); others wait up to `timeout` seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
# A database that is down, or that accepts connections but never answers, must cost a request
# seconds, not the worker: a failed connection or a statement cut short answers 503 (see
# niic.faults) well before gunicorn's own timeout (niic/gunicorn.py) kills the worker.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5"))
DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DATABASE_CONNECT_TIMEOUT,
        options=f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT * 1000)}",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis cache behind a breaker (niic.faults): an unreachable or silent
            # Redis costs a request half a second at most, once; for a few seconds after, the
            # site renders pages itself and reads the program version from the database.
            "BACKEND": "niic.faults.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("NIIC_CACHE_PREFIX", "niic"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Without Redis, a table in the database (made by `manage.py createcachetable`, which
    # `make run` runs): every gunicorn worker, and every app server of one database, shares it,
    # so the password reset limits and the page cache hold whichever worker answers. A file
    # cache would be shared by one machine's workers only. (An import's upload waiting for its
    # confirmation is a row of its own, speakers.SpreadsheetUpload: no cache culls or evicts it.)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "niic_cache",
            "KEY_PREFIX": os.environ.get("NIIC_CACHE_PREFIX", "niic"),
            # Pages and their gzipped copies: more than Django's 300 entries.
            "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
        }
    }

# Staff accounts: login lockout, password reset by e-mail, password strength. README "Accounts".
#
# django-axes counts failed logins per username *and* client address together: an attacker who
# guesses at an organizer's account locks only themselves out (their address, that username),
# never the organizer logging in from elsewhere, and never every account from one address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any check
    "django.contrib.auth.backends.ModelBackend",
    # A speaker's sign-in link (django-sesame): a signed token scoped to the speaker's page.
    "sesame.backends.ModelBackend",
]
# A speaker's sign-in link works for this long, and no longer once an organizer revokes the
# speaker's links (which changes the account's password hash, which every token is signed with).
SESAME_MAX_AGE = datetime.timedelta(days=int(os.environ.get("NIIC_SPEAKER_LINK_DAYS", "14")))
# Where the site is, for the links in e-mails sent by the task worker (no request to ask).
NIIC_SITE_URL = os.environ.get("NIIC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# An e-mail that could not be sent is tried again after 1, 2, 4… minutes, this many times.
NIIC_MAIL_ATTEMPTS = int(os.environ.get("NIIC_MAIL_ATTEMPTS", "8"))
# A speaker who has not answered an invitation is reminded this many days after it.
NIIC_INVITATION_REMINDER_DAYS = int(os.environ.get("NIIC_INVITATION_REMINDER_DAYS", "7"))
# Requests for a new sign-in link: per visitor and per address, within the window above.
NIIC_SIGN_IN_LINK_REQUESTS_PER_CLIENT = 5
NIIC_SIGN_IN_LINK_EMAILS_PER_ADDRESS = 3

# Background work (e-mail to speakers): Django's task framework, its tasks stored in the
# database and run by `python manage.py db_worker` (make run starts one). A row lock gives each
# task to one worker, however many run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_RESET_ON_SUCCESS = True  # an occasional typo never adds up to a lockout
AXES_CLIENT_IP_CALLABLE = "niic.accounts.client_ip"
AXES_LOCKOUT_CALLABLE = "niic.accounts.lockout_response"
# Failed attempts are kept (and shown to nobody but the unlock commands); successful logins are
# not logged: the program's history already says who changed what.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# Behind a reverse proxy every request comes from the proxy's address; name the header the proxy
# sets (e.g. X-Forwarded-For) to count by the visitor's. Off by default: without a proxy that
# overwrites it, anyone could send the header and change their address at will.
NIIC_CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "").strip()
# How many proxies append to that header (a CDN in front of a load balancer is 2).
NIIC_CLIENT_IP_PROXY_COUNT = int(os.environ.get("DJANGO_CLIENT_IP_PROXY_COUNT", "1"))
# The reset form e-mails whoever an address belongs to: limit it so it cannot flood an inbox.
NIIC_PASSWORD_RESET_WINDOW = datetime.timedelta(hours=1)
NIIC_PASSWORD_RESET_REQUESTS_PER_CLIENT = 5  # then the lockout page, for the window
NIIC_PASSWORD_RESET_EMAILS_PER_ADDRESS = 3  # then the same answer, but no e-mail
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works once, within an hour
LOGIN_URL = "admin:login"  # the only login there is (the reset's last page links to it)

NIIC_PASSWORD_MIN_LENGTH = int(os.environ.get("DJANGO_PASSWORD_MIN_LENGTH", "12"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": NIIC_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail (password resets): printed to the console unless an SMTP server is configured.
if os.environ.get("DJANGO_EMAIL_HOST"):
    smtp_over_ssl = env_flag("DJANGO_EMAIL_USE_SSL")  # implicit TLS, usually port 465
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["DJANGO_EMAIL_HOST"],
                # Unset: Django's choice, 465 with SSL, 587 with STARTTLS, 25 with neither.
                "port": int(os.environ["DJANGO_EMAIL_PORT"])
                if os.environ.get("DJANGO_EMAIL_PORT")
                else None,
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                # STARTTLS unless SSL is asked for: the two exclude each other.
                "use_tls": env_flag("DJANGO_EMAIL_USE_TLS", default=not smtp_over_ssl),
                "use_ssl": smtp_over_ssl,
                # A silent mail server must not hold a request until gunicorn kills the worker.
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "NIIC program <noreply@localhost>")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Organizer-written texts (titles, descriptions, bios…) have a column per language above; a text
# not yet translated is shown in English, marked as such (niic/templatetags/content.py). A third
# language is a line in LANGUAGES, `makemigrations` and a catalogue in locale/.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_I18N = True
USE_TZ = True
# Only the server's default: every date and time of a conference is shown in that edition's
# own zone (Conference.time_zone), whatever this says.
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Speaker photos: in MEDIA_ROOT by default (served by niic.media), or in an S3-compatible
# bucket when one is named, which every app server then shares.
MEDIA_BUCKET = os.environ.get("DJANGO_MEDIA_BUCKET", "")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": MEDIA_BUCKET,
                # Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the
                # machine's role), read by boto3 itself.
                "endpoint_url": os.environ.get("DJANGO_MEDIA_ENDPOINT_URL") or None,
                "region_name": os.environ.get("DJANGO_MEDIA_REGION") or None,
                "custom_domain": os.environ.get("DJANGO_MEDIA_DOMAIN") or None,
                "location": "media",
                # Photos are public; their URLs need no signature, and a replaced photo gets
                # a new name, so browsers may keep one for a day.
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": None,
                "object_parameters": {"CacheControl": "public, max-age=86400"},
            },
        }
        if MEDIA_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads larger than this are refused by Django before they reach a form (speaker photos are
# limited further, in speakers.validators).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Behind HTTPS in production: DJANGO_HTTPS=1 turns on every transport protection that
# `manage.py check --deploy` asks for. Off by default so that http://127.0.0.1:8000 works.
HTTPS = env_flag("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading commits the domain to browsers' HTTPS-only lists for months: its own choice.
SECURE_HSTS_PRELOAD = HTTPS and env_flag("DJANGO_HSTS_PRELOAD")
# `check --deploy` would warn about that choice; it is deliberate.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Everything the site loads comes from itself: no fonts, scripts or images from third parties,
# no inline script or style.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# One JSON object per line by default, for a log collector; DJANGO_LOG_FORMAT=text for people.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "json")
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "niic.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own loggers go through the root's handler too, instead of their default ones.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

# Calendar event UIDs end in this domain; keep it fixed so that subscribed calendars update the
# same events instead of duplicating them.
NIIC_CALENDAR_UID_DOMAIN = os.environ.get("NIIC_CALENDAR_UID_DOMAIN", "program.niic.example")

# The promise the site makes: a published change is visible to every visitor, browser and CDN
# included, within this many seconds (niic.middleware sets Cache-Control from it).
NIIC_FRESHNESS_SECONDS = int(os.environ.get("NIIC_FRESHNESS_SECONDS", "60"))
# After each change attendees can see, the task worker renders the most-read pages (home,
# schedule days, whole program, exports, the edition's calendar) into the cache, as a visitor
# at NIIC_SITE_URL would ask for them (niic.warming). NIIC_WARM_PAGES=0 leaves it to visitors.
NIIC_WARM_PAGES = env_flag("NIIC_WARM_PAGES", True)
# Each app server process keeps the public pages it sent last in its memory, up to this many MB
# of bodies (niic.middleware.PageMemory); 0 keeps none.
NIIC_PAGE_MEMORY_MB = int(os.environ.get("NIIC_PAGE_MEMORY_MB", "32"))
# The name of this deployment (a release tag, a commit): the service worker's caches are named
# by it, so a new one replaces what visitors' phones keep. Unset: a digest of the code,
# templates, translations and static files (niic.offline.deployment_version).
NIIC_DEPLOYMENT_VERSION = os.environ.get("NIIC_DEPLOYMENT_VERSION", "").strip()
