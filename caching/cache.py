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
  An assembled page carries its parts' tags too (a hundred, say), so a page this process
  has already checked is checked against one number instead: the *epoch*, raised after every
  delivered invalidation has written its versions. While the epoch is the one read together
  with the tags at the last check, no tag can have changed; when it moves, the tags are read
  again. A missing epoch (evicted, flushed) means a full check. And the tags read again are
  only those an invalidation named: each process keeps the versions it has read and follows
  a log of invalidations kept under the epochs (caching/mirror.py).
- **Staff never share a cached page.** A request with a *valid* session (only staff log in),
  an ``Authorization`` header or a preview is never answered from, nor stored in, the cache;
  its response is marked ``private, no-store``. A stale session or messages cookie in an
  anonymous reader's browser still gets the cached page.
- **HTTP caching for browsers, Varnish and CDNs.** Public pages get ``Cache-Control``, an
  ``ETag`` and ``Last-Modified``, and their tags in ``xkey`` and ``Surrogate-Key`` headers so
  an edge cache can be purged by tag (caching/edge.py).
"""

from __future__ import annotations

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
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from caching import mirror
from caching import tags as cache_tags
from newsroom.lru import BoundedLRU

logger = logging.getLogger("newsroom.cache")

COUNTER_KEY = "tags:counter"
# Raised after every delivered invalidation, once the tags' new versions are written: while it
# has not moved, no tag has changed since a page was checked (``middleware.lookup``).
EPOCH_KEY = "tags:epoch"
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


def _bump_epoch() -> int:
    store = state_cache()
    try:
        return store.incr(EPOCH_KEY)
    except ValueError:  # missing: start above any value it had before (see _counter_start)
        store.add(EPOCH_KEY, _counter_start(), timeout=None)
        return store.incr(EPOCH_KEY)


# With Redis, one script writes an invalidation: the new versions, when content changed, the
# epoch and the log entry the processes' copies of the versions follow (caching/mirror.py),
# so no reader sees the new epoch before its entry, nor the entry before the versions.
_DELIVER_SCRIPT = """
local counter, epoch_key, changed_key = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', counter) == 0 then redis.call('SET', counter, ARGV[1]) end
local version = redis.call('INCR', counter)
for i = 4, #KEYS do redis.call('SET', KEYS[i], version) end
redis.call('SET', changed_key, ARGV[2])
if redis.call('EXISTS', epoch_key) == 0 then redis.call('SET', epoch_key, ARGV[1]) end
local epoch = redis.call('INCR', epoch_key)
redis.call('SET', ARGV[3] .. string.format('%d', epoch), ARGV[4], 'EX', ARGV[5])
return {version, epoch}
"""


def _redis_client(store):
    """The Redis connection behind a django-redis cache (one server), else None."""
    client = getattr(store, "client", None)
    if type(client).__name__ != "DefaultClient" or len(getattr(client, "_server", ())) != 1:
        return None
    return client


def _deliver(tags: set[str], *, purge_edge: bool = True) -> None:
    store = state_cache()
    keys = [tag_key(tag) for tag in tags]
    entry = mirror.log_value(keys)
    client = _redis_client(store)
    if client is not None:
        connection = client.get_client(write=True)
        connection.eval(
            _DELIVER_SCRIPT,
            3 + len(keys),
            *(store.make_key(key) for key in (COUNTER_KEY, EPOCH_KEY, CHANGED_AT_KEY, *keys)),
            _counter_start(),
            client.encode(now_ts()),
            store.make_key(mirror.LOG_KEY_PREFIX),
            client.encode(entry),
            mirror.LOG_TIMEOUT,
        )
    else:
        version = next_version()
        values: dict[str, Any] = dict.fromkeys(keys, version)
        values[CHANGED_AT_KEY] = now_ts()
        store.set_many(values, timeout=None)
        # After the versions: a reader that saw the old epoch read its tags before this
        # write or together with it (one MGET), so it checks them again once it sees the
        # new epoch. A reader that sees the epoch before its log entry drops its copy.
        epoch = _bump_epoch()
        store.set(mirror.log_key(epoch), entry, timeout=mirror.LOG_TIMEOUT)
    if purge_edge:
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
    mirror.mirror.clear()


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

    def deliver(purge_edge: bool = True) -> None:
        try:
            _deliver(tags, purge_edge=purge_edge)
        except Exception:
            logger.warning("Cache unreachable; invalidation of %d tags kept", len(tags))
            _keep(tags)

    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    in_transaction = connection.in_atomic_block
    # Not the edge before the commit: Varnish would fetch the page again at once, from a
    # database that does not show the change yet, and keep that copy (caching/edge.py).
    deliver(purge_edge=not in_transaction)
    if in_transaction:
        transaction.on_commit(deliver, using=using, robust=True)


def content_changed(*, using: str | None = None) -> None:
    """Invalidate every page and fragment: for writes that send no signals
    (``QuerySet.update()``, ``bulk_create()``) and for ``clear_caches``."""
    invalidate([cache_tags.ALL], using=using)


def rows_written(*, created=(), updated=(), fields=(), using: str | None = None) -> None:
    """Invalidate what rows written without signals (``bulk_create`` upserts) affect, as
    their signals would have: code that writes content in bulk calls this, naming the rows
    it created, those it updated and the fields that changed."""
    invalidate(cache_tags.written_tags(created, updated, fields), using=using)


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
    tags = cache_tags.change_tags(sender, before, instance)
    if _newly_scheduled(before, instance):
        # Pages stored before it was scheduled (here, and in Varnish or a CDN, which nobody
        # purges at the publication time) carry a max-age that does not know that time: drop
        # them, so the next copies carry one capped at it (caching/middleware.py).
        tags |= _publication_tags(instance)
    invalidate(tags, using=using)


def _newly_scheduled(before, after) -> bool:
    if not getattr(after, "is_scheduled", False):
        return False
    return not getattr(before, "is_scheduled", False) or before.published_at != after.published_at


def _on_delete(sender, instance, using=None, **kwargs) -> None:
    if not is_content_model(sender):
        return
    before = getattr(instance, "_cache_before", None) or instance
    if _schedule_affected(before):
        schedule_changed(using=using)
    if getattr(instance, "_cache_before_public", True):
        tags = {cache_tags.object_tag(sender, before.pk)} | cache_tags.membership_tags(before)
        tags.add(cache_tags.leave_tag(sender))
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
    tags = {cache_tags.object_tag(type(row), row.pk)} | cache_tags.membership_tags(row)
    return tags | cache_tags.dependent_tags(row)


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
    """The schedule, the versions of ``tags`` (and ``extra_keys``) in one read: the versions
    this process holds for the current epoch come from its copy (caching/mirror.py)."""
    ensure_trusted()
    store = state_cache()
    keys = [NEXT_PUBLICATION_KEY, *extra_keys]
    if not mirror.enabled(store):
        return store.get_many([*keys, *(tag_key(tag) for tag in tags)])
    return mirror.mirror.read(store, [tag_key(tag) for tag in tags], keys, EPOCH_KEY)


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
# The epoch at which each page in ``local_pages`` was last found valid, with that page.
checked_pages = LocalPages()


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
        # The counter comes in the same read: one round trip for both, before any rendering.
        values = read_state((), (COUNTER_KEY,))
        schedule = check_schedule(values, now_ts())
        if request is not None:
            request.cache_schedule = schedule
            if values.get(COUNTER_KEY) is not None and not schedule[1]:
                request.cache_version = getattr(request, "cache_version", None) or int(
                    values[COUNTER_KEY]
                )
    return schedule


def _start_render(request: HttpRequest) -> None:
    """Read the counter before anything is rendered, for the fragments this request stores:
    a fragment may show objects the page read before it (caching/tags.py, ``Recorder``)."""
    if settings.FRAGMENT_CACHE_ENABLED:
        try:
            request_schedule(request)  # brings the counter in the same read
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
