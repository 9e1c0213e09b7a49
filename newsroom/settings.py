"""Settings for Newsroom, read from the environment.

With no variables at all the site runs for development: SQLite under ``var/``, local-memory
cache, media files under ``var/media``. Production sets ``DEBUG=false`` and a real
``SECRET_KEY`` (the process refuses to start otherwise), plus ``DATABASE_URL``, ``REDIS_URL``
and optionally S3 settings to scale out. See README.md and docs/deploy.md.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

from newsroom.embeds import editor_allowlist
from newsroom.environment import databases, env_bool, env_list, s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=false) needs a real secret key: "
            'generate one with python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names in production.")

# Absolute URLs (canonical links, feeds, sitemaps, share links, Open Graph) are built from
# this setting, never from the request's Host header.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
SITE_DESCRIPTION = os.environ.get(
    "SITE_DESCRIPTION", "Reporting, analysis and books from an independent newsroom."
)
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "taggit",
    "imagekit",
    "reversion",
    "django_prose_editor",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "newsroom",
    # Two-step sign-in for staff (accounts/).
    "accounts",
    # The workflow articles and pages share (editorial/models.py).
    "editorial",
    # The page cache and shared fragments (caching/cache.py, caching/fragments.py).
    "caching",
    # Upload checks, safe names, alt-text rules and renditions (images/).
    "images",
    "authors",
    "articles",
    "books",
    # Where imported records came from (import_wordpress; imports/models.py).
    "imports",
    # Background tasks (images/tasks.py): Django's task API and its database queue. Listed
    # after newsroom/, whose db_worker (newsroom/management/commands/db_worker.py) wraps the
    # library's so the worker survives a lost database connection.
    "django_tasks",
    "django_tasks_db",
    # Newsletters: subscribers, lists and fault-tolerant sends (newsletters/, docs/newsletters.md).
    "newsletters",
    # About, Masthead, Contact… and the tip form (pages/). Its URLs come last.
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages from the cache before any session, auth or database work, and public
    # reads on the replica when there is one (caching/cache.py, caching/replica.py).
    "caching.middleware.PageCacheMiddleware",
    "caching.replica.ReplicaMiddleware",
    # Content-Security-Policy, a 503 page while the database is away (newsroom/middleware.py),
    # and no orphan upload files after a rolled-back save (images/middleware.py).
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    "images.middleware.UncommittedUploadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Second factor (django-otp): which device verified this session, and what a user who
    # needs one may do until then (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old WordPress addresses: /?p=123 and friends, and old paths with a query string.
    "articles.legacy.LegacyRedirectMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Login throttling answers after everything else has run; it must stay last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
# Layers around Django's handler in newsroom/wsgi.py: page-cache hits answered before it.
WSGI_FRONT = ["caching.front.PageCacheApplication"]

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
                "newsroom.context_processors.site",
                # content_generation, for {% cache %} fragments (caching/cache.py)
                "caching.cache.generation_context",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Optional read replica (newsroom/db_router.py): public page reads go there; writes, the
# admin and anything read after a write in the same request stay on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "10"))
DATABASES = databases(DATABASE_URL, DATABASE_REPLICA_URL, VAR_DIR)
if DATABASE_REPLICA_URL:
    DATABASE_ROUTERS = ["newsroom.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    # Sessions stay in the database (Django's default), not cached_db: with Redis down,
    # cached_db raises on every signed-in request (its cache.set after a miss is unguarded),
    # so no editor could save; and a logout whose cache delete failed would leave the session
    # alive in Redis. Sessions are for the few signed-in staff: one indexed query each.
else:
    # Pages, fragments and their tags' versions: Django's default of 300 entries would cull
    # tags (each costs a render) long before memory matters.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Page cache (caching/cache.py): anonymous pages from the cache, each stored under the cache
# tags of what it read and invalidated by tag after a change commits. On by default in
# production (DEBUG=false). Without Redis the pages stay in each process's memory but the tag
# versions live in a small file cache, so every process on the machine (gunicorn workers,
# manage.py) sees every invalidation.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", not DEBUG)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_STATE_ALIAS = "default" if REDIS_URL else "page-state"
if not REDIS_URL:
    CACHES["page-state"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "page-state",
        "TIMEOUT": None,
        # One small file per tag; an evicted tag only costs a render (never a stale page).
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", 3600))
# Pages each process also keeps in memory in front of Redis (checked against the generation).
PAGE_CACHE_LOCAL_ENTRIES = int(os.environ.get("PAGE_CACHE_LOCAL_ENTRIES", 256))
# Tag versions each process keeps, followed through the invalidation log (caching/mirror.py):
# a check then reads the epoch and only the versions it lacks. 0 reads every version each time.
PAGE_CACHE_TAG_MIRROR_ENTRIES = int(os.environ.get("PAGE_CACHE_TAG_MIRROR_ENTRIES", 100_000))
# Pages served to an edge cache that assembles includes (Varnish with deploy/varnish.vcl, which
# asks with Surrogate-Capability) carry Recent Articles as an <esi:include> (caching/includes.py).
EDGE_INCLUDES = env_bool("EDGE_INCLUDES", True)
# HTTP caching: browsers keep a page a minute; shared caches (nginx, a CDN) ten seconds and
# may serve it half a minute longer while they revalidate. See docs/deploy.md.
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", 60))
PAGE_CACHE_S_MAXAGE = int(os.environ.get("PAGE_CACHE_S_MAXAGE", 10))
PAGE_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("PAGE_CACHE_STALE_WHILE_REVALIDATE", 30))
# Set per deploy (e.g. the git commit) so pages rendered by old code are not served by new.
PAGE_CACHE_VERSION = os.environ.get("RELEASE", "")
# Rows of these apps appear on public pages: their reads are recorded as cache tags, and
# saving or deleting one invalidates the tags it affects (caching/tags.py).
PAGE_CACHE_CONTENT_APPS = [
    "articles",
    "authors",
    "books",
    "images",
    "pages",
    "taggit",
    "redirects",
    "sites",
]
# Tips readers send are never shown on a public page: they are not tagged, and receiving one
# invalidates nothing.
PAGE_CACHE_IGNORED_MODELS: list[str] = ["pages.Tip"]
# Never cached (besides MEDIA_URL): the admin, previews and the health check.
# /newsletter/: sign-up answers, signed links and the live list of newsletters.
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/preview/", "/healthz", "/newsletter/"]
# The session cookie (SESSION_COOKIE_NAME) means a signed-in editor and always bypasses the
# cache, as do these cookies and query parameters (a preview token means a draft).
PAGE_CACHE_BYPASS_COOKIES = ["messages"]
PAGE_CACHE_BYPASS_PARAMS = ["preview", "token"]
# Tracking parameters (and every utm_*) that no page reads: one cached page serves them all.
PAGE_CACHE_IGNORED_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid"}
)

# Edge caches purged by tag (caching/edge.py, deploy/varnish.vcl): the Varnish nodes that get
# a PURGE with the invalidated tags after each change commits; none configured, none sent.
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS", "")
VARNISH_PURGE_TIMEOUT = float(os.environ.get("VARNISH_PURGE_TIMEOUT", "2"))
# Each purge is sent again this many seconds later: a page fetched before the change committed
# and stored after the first purge is dropped too (caching/edge.py). 0 sends it once.
EDGE_PURGE_REPEAT_SECONDS = float(os.environ.get("EDGE_PURGE_REPEAT_SECONDS", "2"))
# Bytes each of a page's `xkey` and `Surrogate-Key` headers may take: longer tag sets are
# collapsed into bucket and kind tags, which every purge also sends (caching/edge.py). Below
# nginx's default proxy_buffer_size (4 KB pages) with the other headers; Fastly allows 16 KB.
EDGE_TAG_HEADER_MAX = int(os.environ.get("EDGE_TAG_HEADER_MAX", 4000))

# Fragments (caching/fragments.py): the parts many pages share (navigation, Recent Articles,
# Our Books, author boxes, article cards) rendered once per content generation, so a page the
# page cache does not hold yet renders only what is its own. Same cache as the pages.
FRAGMENT_CACHE_ENABLED = env_bool("FRAGMENT_CACHE", not DEBUG)
FRAGMENT_CACHE_ALIAS = "default"
FRAGMENT_CACHE_TIMEOUT = int(os.environ.get("FRAGMENT_CACHE_TIMEOUT", 3600))
FRAGMENT_CACHE_LOCAL_ENTRIES = int(os.environ.get("FRAGMENT_CACHE_LOCAL_ENTRIES", 2048))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Times as the desk reads them: 24-hour, no "a.m." to end a sentence in a double full stop
# ("Scheduled for Dec. 3, 2026, 6:51 a.m..", issue 18). newsroom/formats/en/formats.py.
FORMAT_MODULE_PATH = ["newsroom.formats"]

STATIC_URL = os.environ.get("STATIC_URL", "/static/")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# WhiteNoise scans STATIC_ROOT at start-up; an empty folder (before collectstatic) is fine.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded originals (images/storage.py): private, outside MEDIA_ROOT, never served under
# MEDIA_URL. Readers get renditions; editors reach an original through the admin only.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
# Django serves local uploads itself in development and for `make serve` on one machine.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": {"BACKEND": "images.storage.OriginalsStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The body editor's own extension (django-prose-editor loads its module when a field's
# configuration names it, editorial/forms.py): embed cards shown as readers see them.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/admin-embeds.js")],
        "extensions": {"EmbedCard": editor_allowlist},
    }
]

# Media on S3-compatible object storage (django-storages) when a bucket is named, so every
# app server reads and writes the same uploads and renditions. Without it, local files.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES.update(s3_storages(AWS_STORAGE_BUCKET_NAME))

# Uploads: a real image, at most this many bytes and pixels (see images/validators.py).
MAX_IMAGE_UPLOAD_BYTES = int(os.environ.get("MAX_IMAGE_UPLOAD_BYTES", 10 * 1024 * 1024))
MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", 40_000_000))
# Rich text (newsroom/sanitize.py): bodies beyond these are refused before the sanitiser
# runs, so no body can stall a worker. Within them the worst body measured sanitises in about
# 0.4 s; a long feature is ~100 KB, 15 levels deep and a few thousand elements.
RICH_TEXT_MAX_BYTES = int(os.environ.get("RICH_TEXT_MAX_BYTES", 1024 * 1024))
RICH_TEXT_MAX_DEPTH = int(os.environ.get("RICH_TEXT_MAX_DEPTH", 100))
RICH_TEXT_MAX_ELEMENTS = int(os.environ.get("RICH_TEXT_MAX_ELEMENTS", 20_000))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# imagekit: renditions are made by a background task after the save commits
# (images/tasks.py), never by imagekit on save or on use; URLs are computed without touching
# storage on each request.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "images.renditions.Deferred"
# A failed rendition task is tried again this many times, first after this many seconds and
# then twice as long each time; then it is logged and the page keeps its placeholder.
RENDITION_RETRIES = int(os.environ.get("RENDITION_RETRIES", 5))
RENDITION_RETRY_SECONDS = int(os.environ.get("RENDITION_RETRY_SECONDS", 30))
# The most memory decoding one source image may take in a rendition job (large JPEGs are
# decoded at a reduced scale first); bigger sources are refused and logged.
RENDITION_MAX_BYTES = int(os.environ.get("RENDITION_MAX_BYTES", 200 * 1024 * 1024))
IMAGEKIT_CACHEFILE_DIR = "renditions"
# imagekit's file names, worked out once per spec and image instead of on every request.
IMAGEKIT_SPEC_CACHEFILE_NAMER = "images.storage.remembered_source_name_as_path"

# Background tasks (django-tasks): slow work such as image renditions leaves the request and
# runs in `manage.py db_worker` (started by `make run` and `make serve`, docs/deploy.md).
# TASKS_BACKEND=immediate runs each task at once in the process that enqueued it (tests).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }[TASKS_BACKEND]
    }
}
# A worker killed mid-task is noticed by the others (newsroom/workers.py, docs/operations.md):
# each renews a heartbeat every TASKS_WORKER_HEARTBEAT seconds; a task whose worker has been
# silent for TASKS_WORKER_LOST_AFTER seconds goes back to the queue, and fails after
# TASKS_WORKER_MAX_ATTEMPTS claims. LOST_AFTER must be well above HEARTBEAT.
TASKS_WORKER_HEARTBEAT = float(os.environ.get("TASKS_WORKER_HEARTBEAT", 10))
TASKS_WORKER_LOST_AFTER = float(os.environ.get("TASKS_WORKER_LOST_AFTER", 60))
TASKS_WORKER_MAX_ATTEMPTS = int(os.environ.get("TASKS_WORKER_MAX_ATTEMPTS", 3))

TAGGIT_CASE_INSENSITIVE = True

# Listings
ARTICLES_PER_PAGE = int(os.environ.get("ARTICLES_PER_PAGE", 12))
# Lists of articles stop after this many pages, so the deepest page costs a bounded OFFSET
# however large the archive (articles/pagination.py); older articles are found by search.
LIST_MAX_PAGES = int(os.environ.get("LIST_MAX_PAGES", 1000))
# Search ranks only the newest this-many matches of a query (articles/search.py).
SEARCH_CANDIDATES = int(os.environ.get("SEARCH_CANDIDATES", 1000))
RECENT_ARTICLES_COUNT = int(os.environ.get("RECENT_ARTICLES_COUNT", 5))

# Reach: share cards, structured data, feeds and search (newsroom/seo.py, newsroom/page_meta.py
# and each app's structured_data.py, articles/feeds.py,
# articles/search.py). Images are paths under STATIC_URL.
SITE_LOGO = os.environ.get("SITE_LOGO", "img/logo.png")
SITE_SHARE_IMAGE = os.environ.get("SITE_SHARE_IMAGE", "img/share.png")
SITE_X_HANDLE = os.environ.get("SITE_X_HANDLE", "").lstrip("@")
FEED_FULL_CONTENT = env_bool("FEED_FULL_CONTENT", True)
FEED_ITEMS = int(os.environ.get("FEED_ITEMS", 30))
SEARCH_CONFIG = os.environ.get("SEARCH_CONFIG", "english")

# Editorial workflow (editorial/preview_links.py): how long a shared preview link works.
PREVIEW_LINK_DAYS = int(os.environ.get("PREVIEW_LINK_DAYS", 7))

# Email (newsroom/email_url.py): EMAIL_URL=smtp://user:password@host:587 (smtp+tls://,
# smtps://, console://). Without it no mail is sent; tips are still stored and listed.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    from newsroom.email_url import parse_email_url

    globals().update(parse_email_url(EMAIL_URL))
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 10))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

# The tip form (pages/tips.py): where tips are emailed (comma-separated), where attachments
# are kept (private: outside MEDIA_ROOT, never served publicly), and the abuse limits.
TIPS_EMAIL_TO = env_list("TIPS_EMAIL_TO")
TIPS_ROOT = Path(os.environ.get("TIPS_ROOT", VAR_DIR / "private" / "tips"))
TIPS_MAX_ATTACHMENT_BYTES = int(os.environ.get("TIPS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
TIPS_MAX_MESSAGE_CHARS = int(os.environ.get("TIPS_MAX_MESSAGE_CHARS", 20_000))
TIPS_RATE_LIMIT = int(os.environ.get("TIPS_RATE_LIMIT", 5))  # tips per address…
TIPS_RATE_WINDOW_SECONDS = int(os.environ.get("TIPS_RATE_WINDOW_SECONDS", 3600))  # …per window
# A tip's email is a task (pages/tasks.py): retried this many times, first after this many
# seconds, then doubling, while the mail server is down.
TIPS_EMAIL_RETRIES = int(os.environ.get("TIPS_EMAIL_RETRIES", 6))
TIPS_EMAIL_RETRY_SECONDS = int(os.environ.get("TIPS_EMAIL_RETRY_SECONDS", 60))

# Newsletters (newsletters/, docs/newsletters.md). Sent through EMAIL_URL by the task queue.
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", DEFAULT_FROM_EMAIL)
NEWSLETTER_FROM_NAME = os.environ.get("NEWSLETTER_FROM_NAME", "")
NEWSLETTER_CONFIRM_DAYS = int(os.environ.get("NEWSLETTER_CONFIRM_DAYS", 7))
# Messages per batch (one claim, one recount) and at most this many a second (0: no limit).
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", 200))
NEWSLETTER_RATE_PER_SECOND = float(os.environ.get("NEWSLETTER_RATE_PER_SECOND", 20))
# A sending worker holds its send this long between batches; a dead worker's send is resumed
# by the watchdog task once it runs out. Keep it well above one batch's time at the rate above.
NEWSLETTER_LEASE_SECONDS = int(os.environ.get("NEWSLETTER_LEASE_SECONDS", 120))
# A delivery the mail server refuses for now (4xx) is tried again NEWSLETTER_RETRY_SECONDS
# later, doubling each time, up to NEWSLETTER_TEMPFAIL_ATTEMPTS attempts in all; then failed.
NEWSLETTER_TEMPFAIL_ATTEMPTS = int(os.environ.get("NEWSLETTER_TEMPFAIL_ATTEMPTS", 5))
NEWSLETTER_RETRY_SECONDS = int(os.environ.get("NEWSLETTER_RETRY_SECONDS", 300))
# A message whose hand-off to SMTP was interrupted: false = never resent (at-most-once),
# true = resent (at-least-once). See newsletters/sending.py.
NEWSLETTER_RESEND_UNCERTAIN = env_bool("NEWSLETTER_RESEND_UNCERTAIN", False)
# PostgreSQL: the sending connection's commits wait for the disk flush only when true.
NEWSLETTER_SYNCHRONOUS_COMMIT = env_bool("NEWSLETTER_SYNCHRONOUS_COMMIT", False)
# Sign-up abuse limits: requests per address and per client IP in a window.
NEWSLETTER_RATE_LIMIT_ADDRESS = int(os.environ.get("NEWSLETTER_RATE_LIMIT_ADDRESS", 3))
NEWSLETTER_RATE_LIMIT_IP = int(os.environ.get("NEWSLETTER_RATE_LIMIT_IP", 10))
NEWSLETTER_RATE_WINDOW_SECONDS = int(os.environ.get("NEWSLETTER_RATE_WINDOW_SECONDS", 3600))

LOGIN_URL = "admin:login"
# Where sign-in lands when no (acceptable) "next" was given: the admin, where staff work.
# Django's default, /accounts/profile/, is a page this site does not have.
LOGIN_REDIRECT_URL = "admin:index"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Security and production hardening (docs/operations.md) ----------------------------------
# On by default in production (DEBUG=false); each can be tuned from the environment.
# `python manage.py check --deploy --fail-level WARNING` passes with these defaults
# (tests/security/test_settings.py runs it).

# TLS. Behind a reverse proxy or load balancer that terminates TLS, set BEHIND_TLS_PROXY=true:
# only then is the proxy's X-Forwarded-Proto trusted (the proxy must overwrite, not pass on,
# what the client sent), and login throttling reads the client address from X-Forwarded-For,
# skipping the TRUSTED_PROXY_COUNT hops our own proxies added (newsroom/security.py).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if BEHIND_TLS_PROXY else "0"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready)?/?$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Cookies: sent over HTTPS only in production, unreadable by JavaScript, not sent on
# cross-site subrequests.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A refused form says what happened and how to keep the work (newsroom/views.py).
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [SITE_URL]

# Response headers (SecurityMiddleware, XFrameOptionsMiddleware, newsroom/middleware.py).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy (django-csp): our own origin only, no inline script or style, no
# plugins, no framing, no <base> rewriting. Static files and media may live on another origin
# (a CDN, an S3 bucket); those origins come from STATIC_URL/MEDIA_URL. Images on other hosts
# are blocked unless listed in CSP_EXTRA_IMG_SRC (no hotlinked trackers). Admin pages add the
# hash of the rich-text editor's import map (newsroom/middleware.py).
_ASSET_ORIGINS = sorted({origin for origin in map(_origin, [STATIC_URL, MEDIA_URL]) if origin})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_ASSET_ORIGINS],
        "style-src": ["'self'", *_ASSET_ORIGINS],
        "img-src": ["'self'", "data:", *_ASSET_ORIGINS, *env_list("CSP_EXTRA_IMG_SRC")],
        "font-src": ["'self'", *_ASSET_ORIGINS],
        "media-src": ["'self'", *_ASSET_ORIGINS],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
        "report-uri": env_list("CSP_REPORT_URI") or None,
    }
}

# Login throttling (django-axes): failures are counted per user name *and* client address,
# so an attacker locks out only themselves, never an editor signing in from elsewhere; a lock
# lifts after the cool-off, so no one can be locked out for good. Unknown user names are
# counted and answered exactly like wrong passwords (no account enumeration).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"
AXES_LOCKOUT_CALLABLE = "newsroom.security.lockout_response"

# Two-factor sign-in (accounts/, django-otp): required for these roles (superusers count as
# Administrator) whenever TWO_FACTOR_REQUIRED is on — by default in production, not in
# development, so the demo's accounts sign in with a password. Anyone else may opt in from
# the admin ("Two-factor sign-in" at the top right).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", "Editor,Administrator")
# How long after the password step the code step may be completed.
TWO_FACTOR_PENDING_SECONDS = int(os.environ.get("TWO_FACTOR_PENDING_SECONDS", 300))
OTP_TOTP_ISSUER = SITE_NAME

# While the database is unreachable pages answer 503 with this Retry-After (seconds).
DATABASE_RETRY_AFTER_SECONDS = int(os.environ.get("DATABASE_RETRY_AFTER_SECONDS", 30))
