"""Settings for 蓟州终身学习网: everything, read from the environment with django-environ.

Every difference between a laptop (`make run`) and production is read here, from the
environment, and nowhere else (README.md "Configuration" lists the variables). With nothing set, the site runs
on the embedded defaults: SQLite under var/, Celery tasks run eagerly in-process, local-memory cache, database
search. Production is this module with DJANGO_DEBUG=0 and its variables set; tests use jizhou.settings.test.
"""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from PIL import Image

from jizhou.settings.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.str("JIZHOU_VAR_DIR", default=str(BASE_DIR / "var")))


# --- Core -----------------------------------------------------------------------------------

# Off unless asked for: a server started without it shows no tracebacks or settings. `make run` and the tests
# (jizhou/settings/test.py) turn it on.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG is off (on a developer's machine: DJANGO_DEBUG=1)."
        )
    # Only ever used on a developer's machine; production refuses to start without its own key.
    SECRET_KEY = "django-insecure-local-development-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env.names("ALLOWED_HOSTS", default="127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env.names("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Ours, top of the layer stack first (docs/decisions/0004-apps-and-layers.md).
    "jizhou",
    "community",
    "publishing",
    "learningcity",
    "activities",
    "circles",
    "honours",
    "enrolment",
    "media",
    "records",
    "courses",
    "accounts",
    "places",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtailmedia",
    "wagtail.sites",
    "accounts.apps.JizhouUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for the Swagger UI files it ships (/api/v1/docs serves them from this site, not from a CDN).
    "ninja",
    "csp",
]

MIDDLEWARE = [
    # A town remembered in a cookie becomes the home page's ?town= URL before the page cache is asked.
    "community.middleware.RememberedTownMiddleware",
    # Whole public pages for anonymous visitors, per language and display preference (jizhou/page_cache.py).
    # First: a hit is answered with the headers the stack below gave the page, without running it again.
    "jizhou.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below; the Wagtail admin's own in jizhou/security.py)
    # and Permissions-Policy on every response, static files included.
    "jizhou.security.SiteCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed for slow phones (static files come pre-compressed from WhiteNoise); Django's GZip
    # pads responses against BREACH. docs/decisions/0002-front-end.md
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Simplified Chinese unless the visitor chose English (never the phone's Accept-Language).
    "jizhou.preferences.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the signed-in person as the actor of audit-log entries written during the request.
    "publishing.audit.AuditLogContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "jizhou.urls"
WSGI_APPLICATION = "jizhou.wsgi.application"
ASGI_APPLICATION = "jizhou.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # site/ holds the site-wide front end (no Python): base templates, CSS, JS.
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jizhou.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue instead of
    # failing with "database is locked" halfway through; WAL lets readers continue meanwhile.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Test runs of several developers on one server each get their own test database.
    if env.str("TEST_DATABASE_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.str("REDIS_URL", default="")
# django-redis, so a Redis that is down or restarting degrades the cache to misses (logged) instead of failing
# the request: enrolment, login and pages go on without it (docs/deployment.md, "When a part fails").
REDIS_CACHE_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": REDIS_CACHE_OPTIONS},
        "renditions": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renditions",
            "TIMEOUT": 600,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renditions"},
    }
# Anonymous whole-page cache lifetime (jizhou/page_cache.py); publishing and seat changes clear it sooner. 0: off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Listings (home, catalogue, school pages) show seat counts of many classes: kept briefly, not cleared per enrolment.
PAGE_CACHE_LISTING_SECONDS = env.int("PAGE_CACHE_LISTING_SECONDS", default=30)
# Each process trusts a page it checked in the shared cache this long (another process's publish shows that much
# later) and keeps this many such pages; 0 seconds: always ask the shared cache.
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=1.0)
PAGE_CACHE_LOCAL_ENTRIES = env.int("PAGE_CACHE_LOCAL_ENTRIES", default=200)
# A visitor of a page another request is rendering for the first time waits this long for it before rendering it too.
PAGE_CACHE_WAIT_SECONDS = env.float("PAGE_CACHE_WAIT_SECONDS", default=3.0)

# --- Background work ------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process at the moment they are queued (after commit).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# A broker that is down must not hold up a resident's request: queueing gives up within about a second (the work
# stays in its outbox row and the sweeps below queue it again); workers keep reconnecting until it is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE = {
    # Outbox sweeps: work whose queueing failed (broker down) or whose retries ran out is queued again; the
    # tasks claim their row first, so a row queued twice is done once. `manage.py outbox_dispatch` does the same.
    # The records sweep also pushes xAPI statements the LRS did not take yet (it was down).
    "enrolment-outbox": {"task": "enrolment.tasks.enrolment_outbox_dispatch", "schedule": crontab(minute="*/10")},
    "records-outbox": {"task": "records.tasks.records_outbox_dispatch", "schedule": crontab(minute="*/10")},
    "media-outbox": {"task": "media.tasks.media_outbox_dispatch", "schedule": crontab(minute="*/10")},
    # Reminders for classes starting tomorrow: hourly in the daytime (no texts at night), so a missed run
    # is caught up by the next one; each learner's reminder is recorded and sent once.
    "enrolment-class-reminders": {
        "task": "enrolment.tasks.send_class_reminders",
        "schedule": crontab(minute=0, hour="9-20"),
    },
    # The learning-city dashboard reads the ledger's counts from a summary table (docs/decisions/0015).
    "learningcity-this-year": {
        "task": "learningcity.tasks.learning_figures_refresh_this_year",
        "schedule": crontab(minute=7),
    },
    "learningcity-five-years": {
        "task": "learningcity.tasks.learning_figures_refresh_task",
        "schedule": crontab(minute=37, hour=2),
    },
}

# --- Search ---------------------------------------------------------------------------------

# The search server, Elasticsearch 8 or OpenSearch 2 (docs/decisions/0012-search-engine-node.md); empty: the
# database engine. ELASTICSEARCH_URL is the older name, still read when SEARCH_URL is unset.
SEARCH_URL = env.str("SEARCH_URL", default="")
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# "elasticsearch" or "opensearch"; empty: ask the server once (GET /).
SEARCH_ENGINE_FLAVOUR = env.str("SEARCH_ENGINE_FLAVOUR", default="")
# Seconds a search request may take before the database engine answers instead, and seconds the server is then
# left alone before it is tried again.
SEARCH_TIMEOUT = env.float("SEARCH_TIMEOUT", default=2.0)
SEARCH_RETRY_AFTER = env.float("SEARCH_RETRY_AFTER", default=30.0)
# An index update the search server missed is retried after about 1, 2, 4 … times this many seconds (search/tasks.py).
SEARCH_INDEX_RETRY_FACTOR = env.float("SEARCH_INDEX_RETRY_FACTOR", default=5.0)
# The course search index on that cluster (search/engines/elasticsearch.py).
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="jizhou-courses")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Wagtail's reference index and admin search index are updated by django-tasks: after the saving transaction
# commits, in the same process (core/task_backends.py, decision 0021).
TASKS = {"default": {"BACKEND": "core.task_backends.AfterCommitBackend"}}

# --- Passwords and login --------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# The admin's login form takes phone numbers as people type them; its failures are limited more strictly.
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.login_limits.AdminLoginForm"
# API tokens stop working this many days after they were made (a password change revokes them at once).
API_TOKEN_MAX_AGE_DAYS = 90
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated): the client
# address of every per-address limit (core.ratelimit.client_ip; docs/deployment.md).
TRUSTED_PROXIES = env.names("TRUSTED_PROXIES")

# --- Language and time ----------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The language switch (django.views.i18n.set_language) stores the choice in this cookie; a year, not the
# browser session, so a resident who chose English keeps it (jizhou.preferences.SiteLanguageMiddleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Files ----------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
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
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Form fields other than files (a long page in the editor is well under this); files above the second figure
# are written to a temporary file instead of memory. The proxy's body limit caps whole requests
# (docs/deployment.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Wagtail --------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "蓟州终身学习网"
# Wagtail 8 saves the editor's form as a draft every half second by default. On the "add a course" page that draft
# creates the page, and a school's "submit for review" sent while that save is still on its way creates it a
# second time: Wagtail then answers 500 ("slug already in use", seen in CI under load on SQLite and PostgreSQL).
# Staff save and submit themselves, as before Wagtail 8 (decision 0003).
WAGTAIL_AUTOSAVE_INTERVAL = 0
# Lesson video/audio (media/, issue 11; docs/decisions/0011-online-lessons.md). Uploads are checked with ffprobe
# against these limits before anything is stored; renditions are made in the `media` Celery queue.
WAGTAILMEDIA = {
    "MEDIA_MODEL": "media.LessonMedia",
    "MEDIA_FORM_BASE": "media.forms.LessonMediaForm",
    "AUDIO_EXTENSIONS": ["mp3", "m4a", "wav"],
    "VIDEO_EXTENSIONS": ["mp4", "mov"],
}
# The largest upload anywhere on the site (a lesson): enforced while the body streams in (media/uploads.py).
LESSON_MEDIA_MAX_UPLOAD_BYTES = env.int("LESSON_MEDIA_MAX_UPLOAD_BYTES", default=2 * 1024**3)
FILE_UPLOAD_HANDLERS = [
    "media.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
LESSON_MEDIA_MIN_SECONDS = 1
LESSON_MEDIA_MAX_SECONDS = 3 * 60 * 60
# 4K from a phone is accepted (and made into 720p at most), upright or sideways; 8K is refused.
LESSON_MEDIA_MAX_LONG_SIDE = 3840
LESSON_MEDIA_MAX_SHORT_SIDE = 2160
LESSON_MEDIA_FFMPEG = env.str("LESSON_MEDIA_FFMPEG", default="ffmpeg")
LESSON_MEDIA_FFPROBE = env.str("LESSON_MEDIA_FFPROBE", default="ffprobe")
# One rendition of the longest lesson (3 h) at 720p on a busy 2-core machine stays well inside this.
LESSON_MEDIA_TASK_SOFT_TIME_LIMIT = env.int("LESSON_MEDIA_TASK_SOFT_TIME_LIMIT", default=4 * 60 * 60)
# Transcoding has its own queue: a worker for it runs `celery -A jizhou worker -Q media --concurrency 1`.
CELERY_TASK_ROUTES = {"media.tasks.*": {"queue": "media"}}
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# A phone photo is 2–8 MB and at most 48 megapixels (8000 × 6000); the admin refuses anything larger with a
# message saying so. Decoding 50 megapixels takes ~200 MB of memory, so Pillow's decompression-bomb guard is set
# to the same figure for every process that opens an image (renditions in workers too): it warns above it and
# refuses twice that before decoding.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = WAGTAILIMAGES_MAX_IMAGE_PIXELS
# No request from an admin page to another site: no Gravatar avatars, no release check against wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_I18N_ENABLED = False
WAGTAILUSERS_PASSWORD_REQUIRED = True

# --- Messages to people ---------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@jizhou-learning.local")

# SMS: see accounts/sms.py. Production sets SMS_BACKEND=accounts.sms.HttpSmsGateway and the gateway URL/key.
SMS_BACKEND = env.str("SMS_BACKEND", default="accounts.sms.ConsoleSmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env.str("SMS_GATEWAY_KEY", default="")
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="蓟州终身学习网")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default="")

# --- Attendance -----------------------------------------------------------------------------

# QR check-in is taken from this many minutes before a meeting starts until this many minutes after it ends
# (enrolment/checkin.py): a code shown early or photographed does not count a day in advance.
CHECK_IN_OPENS_MINUTES_BEFORE = 30
CHECK_IN_CLOSES_MINUTES_AFTER = 0

# --- Learning records -----------------------------------------------------------------------

# An external learning record store (xAPI 1.0.3 endpoint, e.g. https://lrs.example/xAPI/). Unset: statements are
# still written and learners can download them; nothing is sent.
XAPI_LRS_URL = env.str("XAPI_LRS_URL", default="")
XAPI_LRS_USERNAME = env.str("XAPI_LRS_USERNAME", default="")
XAPI_LRS_PASSWORD = env.str("XAPI_LRS_PASSWORD", default="")
XAPI_LRS_TIMEOUT = env.float("XAPI_LRS_TIMEOUT", default=10.0)
# First retry delay (seconds) while the LRS is down; doubles each time, at most an hour.
XAPI_RETRY_BACKOFF = env.int("XAPI_RETRY_BACKOFF", default=30)
# The platform's home page: names learners' xAPI accounts and activity ids, and goes into certificate QR codes.
XAPI_HOME_PAGE = env.str("SITE_URL", default=WAGTAILADMIN_BASE_URL)
# A TrueType font with Chinese glyphs, embedded in certificate and transcript PDFs (Debian: fonts-wqy-microhei).
CJK_FONT_PATH = env.str("CJK_FONT_PATH", default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# --- Security -------------------------------------------------------------------------------

# HTTPS-only cookies and redirects follow DEBUG unless set explicitly (a TLS-terminating proxy
# in front of gunicorn sets X-Forwarded-Proto).
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Wagtail's preview views set SAMEORIGIN for themselves; nothing else may be framed (older browsers; newer
# ones follow the policy's frame-ancestors, which lets the admin frame its own previews).
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp). Everything comes from this site: no inline script or style, no CDN.
# The one inline script of the public pages (the course page's 读一读 button, shown before the first paint) is
# allowed by its hash; tests/security/test_headers.py recomputes it. The Swagger UI of /api/v1/docs (files
# shipped with django-ninja) runs under it as it is; the Wagtail admin gets its own (below).
READ_ALOUD_SCRIPT_HASH = "'sha256-2gHzB3ykIDQU+PG3h5GfcB5I4nxPenTaTkfC5F7au80='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, READ_ALOUD_SCRIPT_HASH],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Pages that are not ours to rewrite get these directives instead (jizhou/security.py). Wagtail's page editor
# starts its widgets with inline scripts and styles; its image uploader previews from blob: addresses. Staff
# only, behind a login; still nothing from another site.
CONTENT_SECURITY_POLICY_BY_PATH = {
    "/admin/": {
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
    },
}
# Nothing the site does needs these; a page that is ever made to misbehave cannot ask for them either.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": ["self"],  # "near me" on 社区学校与学习点: asked only when the resident presses the button
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail 8 runs its own housekeeping (search/reference index) through django-tasks; one line
        # per task per page save is noise.
        "django_tasks": {"level": "WARNING"},
        # Eager Celery tasks (no broker) would log a "succeeded" line each.
        "celery.app.trace": {"level": "WARNING"},
    },
}
