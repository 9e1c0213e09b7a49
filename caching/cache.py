"""The page cache: anonymous pages served from the cache, and never stale.

Why it is built this way:

- **Dependency tags, recorded as the page renders** (caching/tags.py). A stored page carries
  the tags of everything it read (``article:42``, ``articles:list:section:2``…); a change
  invalidates the tags it affects and nothing else, so a draft save costs readers nothing and
  publishing one story does not throw away two thousand others. No hand-kept map says which
  page shows what: the ORM hooks record it.
- **A tag's version is a number from one counter.** Invalidating a tag sets it to a fresh
  value of a shared counter (``INCR``); a render reads the counter *before* it reads the
  database and its page is served only while every tag's version is at most that value. An
  invalidation that lands during the render (the classic race) therefore discards the page,
  and no clock has to agree between servers. A tag whose version is missing (never seen, or
  evicted) makes the page a miss, and the next store gives it the render's value, so an
  evicted version can never revive an older page.
- **Invalidated when the transaction commits** (and at once, for readers of the same
  connection): a page rendered between the save and the commit would otherwise be stored
  with the old content and valid versions.
- **An invalidation that cannot be delivered never fails the save.** It is kept (in this
  process and in the database, ``PendingInvalidation``) and delivered before this process
  serves anything from the cache again; a process that saw the cache fail serves nothing
  from it until every kept invalidation is delivered. Meanwhile pages are rendered.
- **Scheduled articles need no cron.** The cache remembers the next publication time and the
  tags that publication invalidates; the first request at or after it invalidates them, and
  shared caches (Varnish, a CDN) are told not to keep an affected page past that moment.
- **One small read per hit.** A page's tag versions and the schedule come from the cache in
  one ``get_many`` (one Redis ``MGET``); each process keeps the pages it served last in
  memory, checked against those versions on every request, so it cannot serve a stale one.
- **Staff never share a cached page.** A request with a *valid* session (only staff log in),
  an ``Authorization`` header or a preview is never answered from, nor stored in, the cache;
  its response is marked ``private, no-store``. A stale session or messages cookie in an
  anonymous reader's browser still gets the cached page.
- **HTTP caching for browsers, Varnish and CDNs.** Public pages get ``Cache-Control``, an
  ``ETag`` and ``Last-Modified``, and their tags in ``xkey`` and ``Surrogate-Key`` headers so
  an edge cache can be purged by tag (caching/edge.py).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
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

from caching import tags as cache_tags
from newsroom.lru import BoundedLRU

logger = logging.getLogger("newsroom.cache")

COUNTER_KEY = "tags:counter"
TAG_KEY_PREFIX = "tag:"
CHANGED_AT_KEY = "content-changed-at"
NEXT_PUBLICATION_KEY = "next-publication"
PAGE_KEY_PREFIX = "page:"

# The response header that says what the page cache did (for operators, tests and bench/).
STATUS_HEADER = "X-Page-Cache"
# Where a page's tags travel: Varnish's xkey vmod reads one, Fastly-style CDNs the other.
TAG_HEADERS = ("xkey", "Surrogate-Key")

SAFE_METHODS = frozenset({"GET", "HEAD"})
M2M_ACTIONS = frozenset({"post_add", "post_remove", "post_clear"})
# Response headers never stored with a page.
UNSTORED_HEADERS = frozenset({"set-cookie", STATUS_HEADER.lower()})
# A ``Vary`` on anything else means the page differs by request, which one key cannot hold.
STORABLE_VARY = frozenset({"cookie", "accept-encoding"})


class CacheUnavailable(Exception):
    """The cache cannot be trusted now (unreachable, or invalidations not yet delivered)."""


def state_cache():
    return caches[settings.PAGE_CACHE_STATE_ALIAS]


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def now_ts() -> float:
    # timezone.now(), not time.time(): the public gate (Article.objects.live()) compares
    # with timezone.now(), and the two must agree about when a scheduled article is due.
    return timezone.now().timestamp()


def tag_key(tag: str) -> str:
    return TAG_KEY_PREFIX + tag


# --- delivering invalidations ---------------------------------------------------------------

_pending: set[str] = set()
_pending_lock = threading.Lock()
# Set when this process saw the cache fail: nothing is served from the cache until every
# kept invalidation (this process's and the database's) has been delivered.
_distrust = threading.Event()


def _counter_start() -> int:
    # Microseconds: larger than any value an evicted counter could have reached, so versions
    # never go backwards after an eviction or a flush.
    return int(time.time() * 1_000_000)


def next_version() -> int:
    store = state_cache()
    try:
        return store.incr(COUNTER_KEY)
    except ValueError:  # missing (first use, evicted, flushed)
        store.add(COUNTER_KEY, _counter_start(), timeout=None)
        return store.incr(COUNTER_KEY)


def current_version() -> int:
    """The counter now: a render that reads it first may be served while no tag passes it."""
    value = state_cache().get(COUNTER_KEY)
    if value is None:
        state_cache().add(COUNTER_KEY, _counter_start(), timeout=None)
        value = state_cache().get(COUNTER_KEY)
    return int(value)


def _deliver(tags: set[str]) -> None:
    version = next_version()
    values: dict[str, Any] = {tag_key(tag): version for tag in tags}
    values[CHANGED_AT_KEY] = now_ts()
    state_cache().set_many(values, timeout=None)
    from caching import edge

    edge.purge(tags)


def _keep(tags: set[str]) -> None:
    """Remember undelivered tags here and in the database (for other processes)."""
    _distrust.set()
    with _pending_lock:
        _pending.update(tags)
    try:
        from caching.models import PendingInvalidation

        PendingInvalidation.objects.create(tags=sorted(tags))
    except Exception:
        logger.exception("Could not record an undelivered invalidation in the database")


def deliver_pending() -> None:
    """Deliver every kept invalidation, or raise CacheUnavailable; then trust the cache."""
    from caching.models import PendingInvalidation

    with _pending_lock:
        tags = set(_pending)
    try:
        rows = list(PendingInvalidation.objects.all())
    except DatabaseError as error:
        raise CacheUnavailable("kept invalidations cannot be read") from error
    for row in rows:
        tags.update(row.tags)
    if tags:
        try:
            _deliver(tags)
        except Exception as error:
            raise CacheUnavailable("the cache is still unreachable") from error
        PendingInvalidation.objects.filter(pk__in=[row.pk for row in rows]).delete()
        with _pending_lock:
            _pending.difference_update(tags)
    _distrust.clear()


def forget_pending() -> None:
    """Drop this process's kept invalidations and trust the cache (tests start clean)."""
    with _pending_lock:
        _pending.clear()
    _distrust.clear()


def ensure_trusted() -> None:
    if _distrust.is_set():
        deliver_pending()


def cache_failed() -> None:
    """Note that the cache failed: serve nothing from it until kept invalidations are out."""
    _distrust.set()


def invalidate(tags: Iterable[str], *, using: str | None = None) -> None:
    """Invalidate ``tags`` now, and again once the current transaction commits.

    The immediate delivery covers readers on this connection (tests, the editor's own next
    request); the one on commit covers pages other requests render between now and the
    commit, which still show the old content. Never raises: an undelivered invalidation is
    kept and delivered when the cache is back (see the module docstring).
    """
    tags = set(tags)
    if not tags:
        return

    def deliver() -> None:
        try:
            _deliver(tags)
        except Exception:
            logger.warning("Cache unreachable; invalidation of %d tags kept", len(tags))
            _keep(tags)

    deliver()
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if connection.in_atomic_block:
        transaction.on_commit(deliver, using=using, robust=True)


def content_changed(*, using: str | None = None) -> None:
    """Invalidate every page and fragment: for writes that send no signals
    (``QuerySet.update()``, ``bulk_create()``) and for ``clear_caches``."""
    invalidate([cache_tags.ALL], using=using)


def schedule_changed(*, using: str | None = None) -> None:
    """Forget the remembered next publication, now and after commit."""

    def forget() -> None:
        try:
            state_cache().delete(NEXT_PUBLICATION_KEY)
        except Exception:
            _keep({cache_tags.ALL})  # the schedule cannot be trusted: drop everything later

    forget()
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if connection.in_atomic_block:
        transaction.on_commit(forget, using=using, robust=True)


# --- the signals: what a change invalidates (caching/tags.py decides) -----------------------


def is_content_model(model: type) -> bool:
    return cache_tags.is_content_model(model)


def _before(sender, instance, raw=False, using=None, **kwargs) -> None:
    if raw or not is_content_model(sender) or instance._state.adding or instance.pk is None:
        instance._cache_before = None
        return
    instance._cache_before = sender._base_manager.using(using).filter(pk=instance.pk).first()


def _schedule_affected(*rows) -> bool:
    return any(getattr(row, "is_scheduled", False) for row in rows if row is not None)


def _on_save(sender, instance, raw=False, using=None, created=False, **kwargs) -> None:
    if raw or not is_content_model(sender):
        return
    before = None if created else getattr(instance, "_cache_before", None)
    if _schedule_affected(before, instance):
        schedule_changed(using=using)
    invalidate(cache_tags.change_tags(sender, before, instance), using=using)


def _on_delete(sender, instance, using=None, **kwargs) -> None:
    if not is_content_model(sender):
        return
    before = getattr(instance, "_cache_before", None) or instance
    if _schedule_affected(before):
        schedule_changed(using=using)
    if getattr(instance, "_cache_before_public", True):
        tags = {cache_tags.object_tag(sender, before.pk)} | cache_tags.membership_tags(before)
        invalidate(tags, using=using)


def _on_pre_delete(sender, instance, using=None, **kwargs) -> None:
    if is_content_model(sender):
        # The row as stored: a cascade or a stale instance may differ from the database.
        instance._cache_before = (
            sender._base_manager.using(using).filter(pk=instance.pk).first() or instance
        )
        try:  # resolve the parent while it still exists (a cascade deletes it next)
            instance._cache_before_public = cache_tags.is_public(instance._cache_before)
        except Exception:
            instance._cache_before_public = True


def _on_m2m_changed(sender, action, instance, model, pk_set, using=None, **kwargs) -> None:
    if action in M2M_ACTIONS and (
        is_content_model(sender) or is_content_model(type(instance)) or is_content_model(model)
    ):
        invalidate(cache_tags.link_tags(sender, instance, model, pk_set), using=using)


def connect_signals() -> None:
    """Listen to every model's saves and deletes; ``is_content_model`` picks the relevant ones.

    Listening without a sender means models added later (corrections, say) are covered as
    soon as their app is listed in ``PAGE_CACHE_CONTENT_APPS``. ``QuerySet.update()`` and
    ``bulk_create()`` send no signals: code that uses them on content calls
    ``content_changed()`` itself.
    """
    cache_tags.install()
    pre_save.connect(_before, dispatch_uid="caching.cache.pre_save")
    post_save.connect(_on_save, dispatch_uid="caching.cache.post_save")
    pre_delete.connect(_on_pre_delete, dispatch_uid="caching.cache.pre_delete")
    post_delete.connect(_on_delete, dispatch_uid="caching.cache.post_delete")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid="caching.cache.m2m_changed")


# --- scheduled publication ------------------------------------------------------------------


def _scheduled_models() -> list[type]:
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if is_content_model(model) and hasattr(model, "is_scheduled")
    ]


def _publication_tags(row) -> set[str]:
    return {cache_tags.object_tag(type(row), row.pk)} | cache_tags.membership_tags(row)


def next_publication() -> tuple[float | None, frozenset[str]]:
    """When the next scheduled item becomes public, and the tags its publication invalidates.

    Read from the primary database: a lagging replica could miss a just-scheduled article.
    """
    first: float | None = None
    tags: set[str] = set()
    for model in _scheduled_models():
        manager = model._default_manager.using(DEFAULT_DB_ALIAS)
        row = manager.scheduled().order_by("published_at").first()
        if row is None:
            continue
        due = row.published_at.timestamp()
        same = manager.scheduled().filter(published_at=row.published_at)
        row_tags = set().union(*(_publication_tags(r) for r in same))
        if first is None or due < first:
            first, tags = due, row_tags
        elif due == first:
            tags |= row_tags
    return first, frozenset(tags)


def check_schedule(
    values: dict[str, Any], now: float
) -> tuple[tuple[float | None, frozenset[str]], frozenset[str]]:
    """Invalidate what a scheduled publication changes once its time has come.

    ``values`` is what the cache returned for ``NEXT_PUBLICATION_KEY``. Returns the next
    publication and the tags just invalidated. Learns the next publication time (one small
    query) when the cache does not know it.
    """
    upcoming = values.get(NEXT_PUBLICATION_KEY)
    fired: frozenset[str] = frozenset()
    if upcoming is not None:
        due, due_tags = upcoming
        if due is None or now < due:
            return upcoming, fired
        # Its time has come: invalidate what its publication would.
        invalidate(due_tags)
        fired = due_tags
    try:
        upcoming = next_publication()
    except DatabaseError:
        # The database is away: nothing renders anyway; the view reports the outage.
        return (None, frozenset()), fired
    state_cache().set(NEXT_PUBLICATION_KEY, upcoming, timeout=None)
    return upcoming, fired


# --- reading versions -----------------------------------------------------------------------


def read_state(tags: Iterable[str] = (), extra_keys: Iterable[str] = ()) -> dict[str, Any]:
    """The schedule, the versions of ``tags`` (and ``extra_keys``) in one read."""
    ensure_trusted()
    keys = [NEXT_PUBLICATION_KEY, *extra_keys, *(tag_key(tag) for tag in tags)]
    return state_cache().get_many(keys)


def tags_valid(version: int, tags: Iterable[str], values: dict[str, Any]) -> bool:
    """Whether something rendered at ``version`` under ``tags`` is still what it would be."""
    for tag in tags:
        current = values.get(tag_key(tag))
        if current is None or current > version:
            return False
    return True


def remember_tags(tags: Iterable[str], version: int, values: dict[str, Any]) -> None:
    """Give tags that have no version yet the render's, one ``add`` each (never lowering one)."""
    store = state_cache()
    for tag in tags:
        if tag_key(tag) not in values:
            store.add(tag_key(tag), version, timeout=None)


class LocalPages(BoundedLRU):
    """The pages this process served last, each checked against its tags' versions.

    A bounded LRU in process memory in front of the shared cache: it saves moving a 50 KB
    page out of Redis on every hit. It can never serve a stale page, since the versions it
    is checked against are read from the shared cache on every request.
    """

    def __init__(self, limit_setting: str = "PAGE_CACHE_LOCAL_ENTRIES"):
        super().__init__(lambda: getattr(settings, limit_setting))


local_pages = LocalPages()


def local_pages_enabled() -> bool:
    """The in-process copy is worth it only in front of a cache in another process."""
    return settings.PAGE_CACHE_LOCAL_ENTRIES > 0 and not isinstance(page_cache(), LocMemCache)


def request_version(request: HttpRequest | None) -> int:
    """The counter as this request's render began (read once per request)."""
    version = getattr(request, "cache_version", None)
    if version is None:
        ensure_trusted()
        version = current_version()
        if request is not None:
            request.cache_version = version
    return version


def request_schedule(request: HttpRequest | None) -> tuple[tuple, frozenset[str]]:
    """The schedule and the tags a publication due now invalidated (once per request)."""
    schedule = getattr(request, "cache_schedule", None)
    if schedule is None:
        schedule = check_schedule(read_state(), now_ts())
        if request is not None:
            request.cache_schedule = schedule
    return schedule


def _start_render(request: HttpRequest) -> None:
    """Read the counter before anything is rendered, for the fragments this request stores:
    a fragment may show objects the page read before it (caching/tags.py, ``Recorder``)."""
    if settings.FRAGMENT_CACHE_ENABLED:
        try:
            request_version(request)
        except Exception:
            cache_failed()


def current_generation(request: HttpRequest | None = None) -> str:
    """A value that changes with every invalidation, for Django's own ``{% cache %}`` tag."""
    return str(request_version(request))


def generation_context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``content_generation``, read only when a template uses it.

    For ``{% cache %}`` blocks that must follow content changes (prefer ``{% fragment %}``,
    which is invalidated by tag)::

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
    return page_key_for_path(cache_path(request))


def page_key_for_path(path: str) -> str:
    digest = hashlib.md5(
        f"{settings.PAGE_CACHE_VERSION}|{path}".encode(), usedforsecurity=False
    ).hexdigest()
    return PAGE_KEY_PREFIX + digest


def _has_session(request: HttpRequest) -> bool:
    """Whether the session cookie names a session with something in it (a signed-in editor,
    messages). A stale or made-up cookie in a reader's browser is no reason to miss the cache.
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    try:
        return bool(engine.SessionStore(key).load())
    except Exception:
        return True  # cannot tell: treat as signed in, never share the page


def _has_messages(request: HttpRequest) -> bool:
    """Whether the messages cookie holds messages we signed (a bogus one holds none)."""
    value = request.COOKIES.get("messages")
    if not value:
        return False
    from django.contrib.messages.storage.cookie import CookieStorage

    try:
        return bool(CookieStorage(request)._decode(value))
    except Exception:
        return True


def may_be_private(request: HttpRequest) -> bool:
    """The cheap half of ``is_private_request``: any session, bypass cookie, credentials or
    preview parameter (the replica router keeps all of these on the primary)."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or any(name in cookies for name in settings.PAGE_CACHE_BYPASS_COOKIES)
        or "HTTP_AUTHORIZATION" in request.META
        or any(name in request.GET for name in settings.PAGE_CACHE_BYPASS_PARAMS)
    )


def is_private_request(request: HttpRequest) -> bool:
    """A request from someone who may see more than the public (staff, previews)."""
    cookies = request.COOKIES
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    if any(name in request.GET for name in settings.PAGE_CACHE_BYPASS_PARAMS):
        return True
    for name in settings.PAGE_CACHE_BYPASS_COOKIES:
        if name in cookies and (name != "messages" or _has_messages(request)):
            return True
    return _has_session(request)


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


def add_public_headers(
    response: HttpResponseBase, changed_at: float | None, tags: Iterable[str] = ()
) -> None:
    """Cache-Control for browsers and shared caches, ETag, Last-Modified and the page's tags.

    A page that a coming scheduled publication changes is kept by shared caches (Varnish, a
    CDN) and browsers only until that moment: nobody purges them then.
    """
    if "Cache-Control" not in response.headers:
        max_age, s_maxage = settings.PAGE_CACHE_MAX_AGE, settings.PAGE_CACHE_S_MAXAGE
        upcoming = getattr(response, "_next_publication", None)
        if upcoming and upcoming[0] is not None and set(tags) & upcoming[1]:
            left = max(0, int(upcoming[0] - now_ts()))
            max_age, s_maxage = min(max_age, left), min(s_maxage, left)
        patch_cache_control(
            response,
            public=True,
            max_age=max_age,
            s_maxage=s_maxage,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
        )
    if "ETag" not in response.headers:
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response.headers["ETag"] = f'"{digest}"'
    if "Last-Modified" not in response.headers and changed_at:
        response.headers["Last-Modified"] = http_date(int(changed_at))
    if tags:
        value = " ".join(sorted(tags))
        for header in TAG_HEADERS:
            response.headers[header] = value


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
    ``newsroom.wsgi`` answers hits even before Django's handler, with the same ``lookup``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED:
            _start_render(request)
            with cache_tags.recording():  # fragments still learn what the page read before them
                return self.get_response(request)
        # The allowed-hosts check, before the cache can answer (DisallowedHost → 400).
        request.get_host()
        if not is_cacheable_request(request):
            _start_render(request)
            with cache_tags.recording():
                response = self.get_response(request)
            if request.method in SAFE_METHODS and (
                is_private_request(request) or _is_authenticated(request)
            ):
                mark_private(response)
                response.headers[STATUS_HEADER] = "BYPASS"
            return response

        key = page_key(request)
        now = now_ts()
        try:
            entry, upcoming, fired = lookup(key, now)
            request.cache_schedule = (upcoming, fired)
            version = request_version(request)
            request.content_changed_at = state_cache().get(CHANGED_AT_KEY)
        except Exception:
            # The cache is away (Redis restarting, say): render every page meanwhile, store none.
            cache_failed()
            logger.warning("Page cache unavailable; rendering %s", request.path, exc_info=True)
            return self.get_response(request)
        if entry is not None:
            return serve(request, entry)

        with cache_tags.recording() as recorder:
            response = self.get_response(request)
        if not is_cacheable_response(request, response):
            if _is_authenticated(request):
                mark_private(response)
            return response
        response._next_publication = upcoming
        add_public_headers(response, request.content_changed_at, recorder.tags)
        self.store(key, version, frozenset(recorder.tags), response)
        response.headers[STATUS_HEADER] = "MISS"
        return conditional(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "page_cache_exempt", False):
            request.page_cache_exempt = True

    @staticmethod
    def store(key: str, version: int, tags: frozenset[str], response: HttpResponseBase) -> None:
        headers = tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        )
        entry = (version, tags, response.status_code, headers, response.content)
        try:
            ensure_trusted()
            remember_tags(tags, version, state_cache().get_many([tag_key(t) for t in tags]))
            if local_pages_enabled():
                local_pages.put(key, entry)
            page_cache().set(key, entry, timeout=settings.PAGE_CACHE_TIMEOUT)
        except Exception:
            cache_failed()
            logger.warning("Could not store a page in the page cache", exc_info=True)


def lookup(key: str, now: float) -> tuple[tuple | None, tuple, frozenset[str]]:
    """The stored page for ``key`` if it is still valid, and the schedule.

    One ``get_many`` when this process holds a copy of the page (the copy says which tags to
    read); otherwise the page is fetched first. Raises when the cache cannot be trusted.
    """
    entry = local_pages.get(key) if local_pages_enabled() else None
    if entry is None:
        ensure_trusted()
        entry = page_cache().get(key)
        if entry is not None and local_pages_enabled():
            local_pages.put(key, entry)
    values = read_state(entry[1] if entry is not None else ())
    upcoming, fired = check_schedule(values, now)
    if entry is not None and fired & entry[1]:
        return None, upcoming, fired  # a publication it shows came due just now
    if entry is not None and not tags_valid(entry[0], entry[1], values):
        entry = None
    return entry, upcoming, fired


def serve(request: HttpRequest, entry: tuple) -> HttpResponseBase:
    _version, _tags, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers[STATUS_HEADER] = "HIT"
    return conditional(request, response)


def conditional(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Answer If-None-Match / If-Modified-Since with 304 when the page is unchanged."""
    last_modified = response.headers.get("Last-Modified")
    result = get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )
    if result is not response:
        result.headers[STATUS_HEADER] = response.headers[STATUS_HEADER]
    return result


def _is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
