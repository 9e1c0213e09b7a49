"""The page cache: anonymous pages served from the cache, and never stale.

Why it is built this way:

- **One content generation for the whole site.** Nearly every page shows something from
  everywhere (the home page lists articles, an article lists recent ones, feeds and sitemaps
  list all of them, a byline shows an author), so tracking which page depends on which row
  would be fragile. Instead any saved, deleted or re-linked content row (``articles``,
  ``authors``, ``books``, tags, redirects…) starts a new *generation*; every stored page is
  tagged with the generation it was rendered under and is served only while that is still
  the current one. Publishing therefore refreshes every page at once, and no dependency can
  be forgotten. Edits are rare next to reads, so re-rendering after each one is cheap.
- **A generation is a fresh random token, not a counter.** Setting a new unique value is
  atomic on every cache backend and cannot collide with an older one, even after the key
  was evicted; a lost ``incr`` race or a restart from 1 could bring back old pages.
- **Bumped when the transaction commits** (and at once, for readers of the same connection):
  a page rendered between the save and the commit would otherwise be stored under the new
  generation with the old content.
- **Scheduled articles need no cron.** The cache also remembers, per generation, the next
  future publication time; the first request at or after it starts a new generation, so the
  article appears on every page at its time rather than at the next expiry.
- **One small read per request.** The generation, the change time and the next publication
  time come from the cache in one ``get_many`` (one Redis ``MGET``). Each process keeps the
  pages it served last in memory too, checked against that generation, so a popular page
  is not fetched from Redis every time; without that copy the page comes in the same
  ``MGET``. A hit costs no SQL query and no session, template or view work.
- **Shared when it must be.** With ``REDIS_URL`` pages and state live in Redis and every app
  server sees every change. Without it pages live in each process's memory, but the state
  lives in a small file cache (``var/cache``) shared by the processes of the one machine,
  so a save in one gunicorn worker, or in ``manage.py`` beside the server, reaches all.
- **Staff never share a cached page.** A request that carries a session cookie (only staff
  log in) or an ``Authorization`` header is never answered from, nor stored in, the cache;
  its response is marked ``private, no-store`` so no proxy or CDN keeps it either.
- **HTTP caching for browsers and CDNs.** Public pages get ``Cache-Control`` with a short
  ``s-maxage`` and ``stale-while-revalidate`` (the CDN story in docs/deploy.md), an ``ETag``
  (hash of the body) and ``Last-Modified`` (the last content change), and conditional
  requests are answered with 304.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date, parse_http_date_safe, urlencode

from newsroom.lru import BoundedLRU

logger = logging.getLogger("newsroom.cache")

GENERATION_KEY = "content-generation"
CHANGED_AT_KEY = "content-changed-at"
NEXT_PUBLICATION_KEY = "next-publication-at"
PAGE_KEY_PREFIX = "page:"

# The response header that says what the page cache did (for operators, tests and bench/).
STATUS_HEADER = "X-Page-Cache"

SAFE_METHODS = frozenset({"GET", "HEAD"})
M2M_ACTIONS = frozenset({"post_add", "post_remove", "post_clear"})
# Response headers never stored with a page.
UNSTORED_HEADERS = frozenset({"set-cookie", STATUS_HEADER.lower()})
# A ``Vary`` on anything else means the page differs by request, which one key cannot hold.
STORABLE_VARY = frozenset({"cookie", "accept-encoding"})


def state_cache():
    return caches[settings.PAGE_CACHE_STATE_ALIAS]


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def now_ts() -> float:
    # timezone.now(), not time.time(): the public gate (Article.objects.live()) compares
    # with timezone.now(), and the two must agree about when a scheduled article is due.
    return timezone.now().timestamp()


def new_generation() -> str:
    return f"{time.time_ns():x}.{secrets.token_hex(4)}"


# --- invalidation ---------------------------------------------------------------------------


def bump() -> str:
    """Start a new content generation: no page stored before this moment is served again."""
    generation = new_generation()
    state_cache().set_many({GENERATION_KEY: generation, CHANGED_AT_KEY: now_ts()}, timeout=None)
    return generation


def content_changed(*, using: str | None = None) -> None:
    """Invalidate every page now, and again once the current transaction commits.

    The immediate bump covers readers on this connection (tests, the editor's own next
    request); the one on commit covers pages other requests render between now and the
    commit, which still show the old content.
    """
    bump()  # if the cache is unreachable this raises, and the save is rolled back
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if connection.in_atomic_block:
        transaction.on_commit(bump, using=using, robust=True)


def is_content_model(model: type) -> bool:
    """Whether rows of ``model`` can appear on a public page (settings decide)."""
    meta = getattr(model, "_meta", None)
    if meta is None:
        return False
    return (
        meta.app_label in settings.PAGE_CACHE_CONTENT_APPS
        and meta.label not in settings.PAGE_CACHE_IGNORED_MODELS
    )


def _on_save_or_delete(sender, using=None, **kwargs) -> None:
    if is_content_model(sender):
        content_changed(using=using)


def _on_m2m_changed(sender, action, instance, model, using=None, **kwargs) -> None:
    if action in M2M_ACTIONS and (
        is_content_model(sender) or is_content_model(type(instance)) or is_content_model(model)
    ):
        content_changed(using=using)


def connect_signals() -> None:
    """Listen to every model's saves and deletes; ``is_content_model`` picks the relevant ones.

    Listening without a sender means models added later (corrections, say) are covered as
    soon as their app is listed in ``PAGE_CACHE_CONTENT_APPS``. ``QuerySet.update()`` and
    ``bulk_create()`` send no signals: code that uses them on content calls
    ``content_changed()`` itself.
    """
    post_save.connect(_on_save_or_delete, dispatch_uid="caching.cache.post_save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="caching.cache.post_delete")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid="caching.cache.m2m_changed")


# --- the current generation -----------------------------------------------------------------


def next_publication_at() -> float | None:
    """When the next scheduled article becomes public, as a timestamp, or None.

    Read from the primary database: a lagging replica could miss a just-scheduled article.
    """
    from articles.models import Article

    first = (
        Article.objects.using(DEFAULT_DB_ALIAS)
        .filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return first.timestamp() if first else None


def current_state(values: dict[str, Any], now: float) -> tuple[str, float]:
    """The generation pages must carry now, and when content last changed.

    ``values`` is what the cache returned for the state keys. Starts a generation when there
    is none, and a new one when a scheduled article has come due; learns the next
    publication time (one small query) once per generation.
    """
    generation = values.get(GENERATION_KEY)
    changed_at = values.get(CHANGED_AT_KEY) or now
    upcoming = values.get(NEXT_PUBLICATION_KEY)
    if generation is None:
        generation, changed_at, upcoming = bump(), now, None
    if upcoming is not None and upcoming[0] == generation:
        due = upcoming[1]
        if due is None or now < due:
            return generation, changed_at
        # A scheduled article is public from now on: every page that lists it changes.
        generation, changed_at = bump(), now
    try:
        upcoming = (generation, next_publication_at())
    except DatabaseError:
        # The database is away: serve what the cache holds; the view reports the outage.
        return generation, changed_at
    state_cache().set(NEXT_PUBLICATION_KEY, upcoming, timeout=None)
    return generation, changed_at


def read_state(extra_keys: Iterable[str] = ()) -> dict[str, Any]:
    """The state keys (and ``extra_keys`` when pages share the state's cache) in one read."""
    keys = [GENERATION_KEY, CHANGED_AT_KEY, NEXT_PUBLICATION_KEY]
    if settings.PAGE_CACHE_ALIAS == settings.PAGE_CACHE_STATE_ALIAS:
        keys.extend(extra_keys)
        return state_cache().get_many(keys)
    values = state_cache().get_many(keys)
    values.update(page_cache().get_many(list(extra_keys)))
    return values


class LocalPages(BoundedLRU):
    """The pages this process served last, each valid only under its own generation.

    A bounded LRU in process memory in front of the shared cache: it saves moving a 50 KB
    page out of Redis on every hit. It can never serve a stale page, since the generation it
    is checked against is read from the shared cache on every request.
    """

    def __init__(self, limit_setting: str = "PAGE_CACHE_LOCAL_ENTRIES"):
        super().__init__(lambda: getattr(settings, limit_setting))

    def get(self, key: str, generation: str) -> tuple | None:
        entry = super().get(key)
        return entry if entry is not None and entry[0] == generation else None


local_pages = LocalPages()


def local_pages_enabled() -> bool:
    """The in-process copy is worth it only in front of a cache in another process."""
    return settings.PAGE_CACHE_LOCAL_ENTRIES > 0 and not isinstance(page_cache(), LocMemCache)


def current_generation(request: HttpRequest | None = None) -> str:
    """The content generation now (the one the page cache middleware read, if it ran)."""
    generation = getattr(request, "content_generation", None)
    if generation is None:
        generation, _changed_at = current_state(read_state(), now_ts())
        if request is not None:
            request.content_generation = generation
    return generation


def generation_context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``content_generation``, read only when a template uses it.

    For fragments that must follow content changes as pages do, e.g. an article card::

        {% load cache %}{% cache 86400 "card" article.pk content_generation %}…{% endcache %}
    """
    return {"content_generation": SimpleLazyObject(lambda: current_generation(request))}


def content_changed_at() -> float | None:
    """When public content last changed (used by the replica router's lag window)."""
    return state_cache().get(CHANGED_AT_KEY)


# --- requests and responses -----------------------------------------------------------------


def cache_path(request: HttpRequest) -> str:
    """The request's path and query, without the tracking parameters no page reads.

    Links shared on social networks and in newsletters carry ``utm_*``, ``fbclid``,
    ``gclid``… — often a different value per click. No view reads them, so they must not
    make a new page: otherwise every reader arriving from a share would miss the cache.
    """
    if not request.META.get("QUERY_STRING"):
        return request.path
    ignored = settings.PAGE_CACHE_IGNORED_PARAMS
    kept = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in ignored and not name.startswith("utm_")
        for value in values
    ]
    return f"{request.path}?{urlencode(kept)}" if kept else request.path


def page_key(request: HttpRequest) -> str:
    path = cache_path(request)
    digest = hashlib.md5(
        f"{settings.PAGE_CACHE_VERSION}|{path}".encode(), usedforsecurity=False
    ).hexdigest()
    return PAGE_KEY_PREFIX + digest


def is_private_request(request: HttpRequest) -> bool:
    """A request from someone who may see more than the public (staff, previews)."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or any(name in cookies for name in settings.PAGE_CACHE_BYPASS_COOKIES)
        or "HTTP_AUTHORIZATION" in request.META
        or any(name in request.GET for name in settings.PAGE_CACHE_BYPASS_PARAMS)
    )


def is_excluded_path(path: str) -> bool:
    excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)
    if settings.MEDIA_URL.startswith("/"):
        excluded += (settings.MEDIA_URL,)
    return path.startswith(excluded)


def is_cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in SAFE_METHODS
        and not is_excluded_path(request.path_info)
        and not is_private_request(request)
    )


def _cache_control(response: HttpResponseBase) -> set[str]:
    header = response.headers.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in cc_delim_re.split(header) if part}


def is_cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    """A public 200 page that is the same for every anonymous reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "page_cache_exempt", False):
        return False
    if _cache_control(response) & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.headers.get("Vary", "")) if v}
    if vary - STORABLE_VARY:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def add_public_headers(response: HttpResponseBase, changed_at: float) -> None:
    """Cache-Control for browsers and shared caches, ETag and Last-Modified."""
    if "Cache-Control" not in response.headers:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_MAX_AGE,
            s_maxage=settings.PAGE_CACHE_S_MAXAGE,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
        )
    if "ETag" not in response.headers:
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response.headers["ETag"] = f'"{digest}"'
    if "Last-Modified" not in response.headers:
        response.headers["Last-Modified"] = http_date(int(changed_at))


def mark_private(response: HttpResponseBase) -> None:
    """Keep a signed-in or preview response out of every shared cache and the browser's."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie",))


def page_cache_exempt(view):
    """Decorate a view whose anonymous responses must never be stored (e.g. a health check).

    Views can equally send ``Cache-Control: private`` or ``no-store`` (``never_cache``).
    """
    view.page_cache_exempt = True
    return view


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the page cache.

    Place it right after SecurityMiddleware and WhiteNoise, before sessions and
    authentication: a hit then skips them all. Middleware that must see every response
    (adding a per-request header, say) goes before it; what can be stored with the page
    (Content-Security-Policy without nonces, X-Frame-Options) may go after it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if request.method in SAFE_METHODS and (
                is_private_request(request) or _is_authenticated(request)
            ):
                mark_private(response)
                response.headers[STATUS_HEADER] = "BYPASS"
            return response

        key = page_key(request)
        now = now_ts()
        local = local_pages_enabled()
        try:
            values = read_state([] if local else [key])
            generation, changed_at = current_state(values, now)
            if local:
                entry = local_pages.get(key, generation)
                if entry is None:
                    entry = page_cache().get(key)
                    if entry is not None and entry[0] == generation:
                        local_pages.put(key, entry)
            else:
                entry = values.get(key)
        except Exception:
            # The cache is away (Redis restarting, say): render every page meanwhile.
            logger.warning("Page cache unavailable; rendering %s", request.path, exc_info=True)
            return self.get_response(request)
        # The state cache tells the replica router whether the replica may lag behind.
        request.content_changed_at = changed_at
        request.content_generation = generation
        if entry is not None and entry[0] == generation:
            return self.serve(request, entry)

        response = self.get_response(request)
        if not is_cacheable_response(request, response):
            if _is_authenticated(request):
                mark_private(response)
            return response
        add_public_headers(response, changed_at)
        self.store(key, generation, response)
        response.headers[STATUS_HEADER] = "MISS"
        return self.conditional(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "page_cache_exempt", False):
            request.page_cache_exempt = True

    @staticmethod
    def store(key: str, generation: str, response: HttpResponseBase) -> None:
        headers = tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        )
        entry = (generation, response.status_code, headers, response.content)
        if local_pages_enabled():
            local_pages.put(key, entry)
        try:
            page_cache().set(key, entry, timeout=settings.PAGE_CACHE_TIMEOUT)
        except Exception:
            logger.warning("Could not store a page in the page cache", exc_info=True)

    def serve(self, request: HttpRequest, entry: tuple) -> HttpResponseBase:
        _generation, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        response.headers[STATUS_HEADER] = "HIT"
        return self.conditional(request, response)

    @staticmethod
    def conditional(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Answer If-None-Match / If-Modified-Since with 304 when the page is unchanged."""
        last_modified = response.headers.get("Last-Modified")
        conditional = get_conditional_response(
            request,
            etag=response.headers.get("ETag"),
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
            response=response,
        )
        if conditional is not response:
            conditional.headers[STATUS_HEADER] = response.headers[STATUS_HEADER]
        return conditional


def _is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
