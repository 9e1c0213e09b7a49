"""The page cache's request side: which requests and responses it may serve and store,
the middleware that does it, and the helpers the front layer (caching/front.py) shares.

The state it reads — tag versions, the schedule, kept invalidations — is caching/cache.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe, urlencode

from caching import assembly, cache, edge, fragments, includes, mirror
from caching import tags as cache_tags

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
    return cache.PAGE_KEY_PREFIX + digest


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
        request.method in cache.SAFE_METHODS
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
    if vary - cache.STORABLE_VARY:
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
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_MAX_AGE,
            s_maxage=settings.PAGE_CACHE_S_MAXAGE,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
        )
        left = seconds_to_publication(tags, getattr(response, "_next_publication", None))
        if left is not None:
            cap_cache_control(response, left)
    if "ETag" not in response.headers:
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response.headers["ETag"] = f'"{digest}"'
    if "Last-Modified" not in response.headers and changed_at:
        response.headers["Last-Modified"] = http_date(int(changed_at))
    if tags:
        value = edge.header_value(tags)  # bounded: collapsed when too long (caching/edge.py)
        for header in cache.TAG_HEADERS:
            response.headers[header] = value


def seconds_to_publication(tags: Iterable[str], upcoming) -> int | None:
    """Seconds until the next scheduled publication changes a page with ``tags``, or None."""
    if upcoming and upcoming[0] is not None and set(tags) & upcoming[1]:
        return max(0, int(upcoming[0] - cache.now_ts()))
    return None


def cap_cache_control(response: HttpResponseBase, left: int) -> None:
    """Let no browser or shared cache keep the response more than ``left`` seconds, stale
    copies included: ``stale-while-revalidate`` is Varnish's grace, and a page served in grace
    after the publication would be stale."""
    directives = {}
    for part in cc_delim_re.split(response.headers.get("Cache-Control", "")):
        name, _, value = part.partition("=")
        directives[name.strip().lower()] = value.strip()

    def seconds(name: str) -> int:
        value = directives.get(name, "")
        return min(int(value), left) if value.isdigit() else left

    patch_cache_control(
        response,
        max_age=seconds("max-age"),
        s_maxage=seconds("s-maxage"),
        stale_while_revalidate=0,
    )


def capped_headers(headers: tuple, tags: Iterable[str], upcoming) -> tuple:
    """A stored page's headers, its Cache-Control capped at the next publication that changes
    it: the one stored was computed when the page rendered, maybe before it was scheduled."""
    left = seconds_to_publication(tags, upcoming)
    if left is None:
        return headers
    probe = HttpResponse()
    for name, value in headers:
        if name.lower() == "cache-control":
            probe.headers["Cache-Control"] = value
    cap_cache_control(probe, left)
    kept = tuple((name, value) for name, value in headers if name.lower() != "cache-control")
    return (*kept, ("Cache-Control", probe.headers["Cache-Control"]))


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
        with mirror.request_scope():
            return self._respond(request)

    def _respond(self, request):
        if not settings.PAGE_CACHE_ENABLED:
            cache._start_render(request)
            with cache_tags.recording():  # fragments still learn what the page read before them
                return self.get_response(request)
        # The allowed-hosts check, before the cache can answer (DisallowedHost → 400).
        request.get_host()
        if not is_cacheable_request(request):
            cache._start_render(request)
            with cache_tags.recording():
                response = self.get_response(request)
            if request.method in cache.SAFE_METHODS and (
                is_private_request(request) or _is_authenticated(request)
            ):
                mark_private(response)
                response.headers[cache.STATUS_HEADER] = "BYPASS"
            return response

        key = page_key(request)
        now = cache.now_ts()
        try:
            entry, upcoming, fired, stale = lookup(key, now, request)
            request.cache_schedule = (upcoming, fired)
            if entry is not None and (not stale or includes.servable(request.META, entry, stale)):
                return serve(request, entry)
            version = cache.request_version(request)
            if not hasattr(request, "content_changed_at"):
                request.content_changed_at = cache.state_cache().get(cache.CHANGED_AT_KEY)
        except Exception:
            # The cache is away (Redis restarting, say): render every page meanwhile, store none.
            cache.cache_failed()
            cache.logger.warning(
                "Page cache unavailable; rendering %s", request.path, exc_info=True
            )
            return self.get_response(request)
        if entry is not None:
            try:
                return serve(request, refresh(request, key, entry, stale, upcoming), "PARTIAL")
            except Exception:
                # A part cannot be rendered alone (the database is away, say): render the
                # whole page, which answers as any render would (a 503 page, say).
                cache.logger.warning("Could not refresh the parts of %s", key, exc_info=True)

        with cache_tags.recording() as recorder, collect(recorder) as collector:
            response = self.get_response(request)
        parts = fill(response, collector)
        if not is_cacheable_response(request, response):
            if _is_authenticated(request):
                mark_private(response)
            return response
        response._next_publication = upcoming
        own_tags = frozenset(recorder.tags)
        add_public_headers(response, request.content_changed_at, all_tags(own_tags, parts))
        self.store(key, version, own_tags, response, parts)
        includes.apply(request, response, parts, own_tags)
        response.headers[cache.STATUS_HEADER] = "MISS"
        return conditional(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "page_cache_exempt", False):
            request.page_cache_exempt = True

    @staticmethod
    def store(
        key: str,
        version: int,
        own_tags: frozenset[str],
        response: HttpResponseBase,
        parts: tuple[assembly.PartRef, ...] = (),
    ) -> None:
        tags = all_tags(own_tags, parts)
        entry = assembly.PageEntry(
            version,
            tags,
            response.status_code,
            stored_headers(response),
            response.content,
            own_tags,
            parts,
        )
        try:
            cache.ensure_trusted()
            cache.remember_tags(own_tags, version, cache.read_state(own_tags))
            if cache.local_pages_enabled():
                cache.local_pages.put(key, entry)
            cache.page_cache().set(key, entry, timeout=settings.PAGE_CACHE_TIMEOUT)
        except Exception:
            cache.cache_failed()
            cache.logger.warning("Could not store a page in the page cache", exc_info=True)


def refresh(request, key: str, entry, stale: list[int], upcoming) -> assembly.PageEntry:
    """The stored page with its stale parts replaced by their current copies (rendered
    alone, once for every page that shows them, when no valid copy is stored); stored
    again so the next hit is plain. The page's own part is valid: no view runs."""
    version = cache.request_version(request)
    fired = request.cache_schedule[1]
    refs = [entry.parts[index] for index in stale]
    stored = {ref.key for ref in refs if not fragments.is_derived(ref.name)}
    copies = fragments.fragment_cache().get_many(stored) if stored else {}
    values = cache.read_state(set().union(*(copy[1] for copy in copies.values()))) if copies else {}
    fresh: dict[int, tuple] = {}
    for index, ref in zip(stale, refs, strict=True):
        copy = copies.get(ref.key)
        if fragments.is_derived(ref.name):
            if copy is None:
                build = fragments.part_builder(ref.name)
                copy = fragments.part_entry(request, ref.key, ref.name, ref.args, build)
                copies[ref.key] = copy
        elif copy is None or fired & copy[1] or not cache.tags_valid(copy[0], copy[1], values):
            if fragments.is_stored_only():
                raise fragments.RenderNeeded(ref.name)
            build = fragments.part_builder(ref.name)
            copy = fragments.build_entry(
                ref.key,
                ref.name,
                version,
                lambda b=build, a=ref.args: b(*a),
                isolated=True,
                request=request,
            )
            copies[ref.key] = copy  # a page showing one part twice renders it once
        fresh[index] = copy
    content, parts = assembly.splice(entry.content, entry.parts, fresh)
    response = HttpResponse(content, status=entry.status)
    replaced = {"etag", "last-modified", "cache-control", "content-length"}
    replaced |= {name.lower() for name in cache.TAG_HEADERS}
    for name, value in entry.headers:
        if name.lower() not in replaced:
            response.headers[name] = value
    response._next_publication = upcoming
    add_public_headers(response, request.content_changed_at, all_tags(entry.own_tags, parts))
    PageCacheMiddleware.store(key, entry.version, entry.own_tags, response, parts)
    return assembly.PageEntry(
        entry.version,
        all_tags(entry.own_tags, parts),
        entry.status,
        stored_headers(response),
        content,
        entry.own_tags,
        parts,
    )


def stored_headers(response: HttpResponseBase) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in cache.UNSTORED_HEADERS
    )


def all_tags(own_tags: frozenset[str], parts: Iterable[assembly.PartRef]) -> frozenset[str]:
    """A page's tags for the edge and for a hit's one read: its own and its parts'."""
    tags = set(own_tags)
    for part in parts:
        tags |= part.tags
    return frozenset(tags)


@contextmanager
def collect(recorder: cache_tags.Recorder):
    """Collect the parts of a page rendered for storage (with fragments on; caching/assembly.py)."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        yield None
        return
    with assembly.collecting(recorder) as collector:
        yield collector


def fill(response: HttpResponseBase, collector: assembly.Collector | None) -> tuple:
    """Put the parts into the response in place of their placeholders; where they sit."""
    if collector is None or not collector.parts:
        return ()
    if response.streaming:
        chunks = response.streaming_content
        response.streaming_content = (collector.fill(chunk)[0] for chunk in chunks)
        return ()
    content, parts = collector.fill(response.content)
    response.content = content
    if "Content-Length" in response.headers:
        response.headers["Content-Length"] = str(len(content))
    return parts


def lookup(
    key: str, now: float, request: HttpRequest | None = None
) -> tuple[tuple | None, tuple, frozenset[str], list[int]]:
    """The stored page for ``key`` if its own part is still valid, the schedule, and the
    indexes of its parts that are not (caching/assembly.py).

    One ``get_many`` when this process holds a copy of the page (the copy says which tags to
    read); otherwise the page is fetched first. Raises when the cache cannot be trusted.
    With ``request``, the same read gives the counter a render of this request starts from
    and when content last changed (one round trip fewer each, on a miss).
    """
    local = cache.local_pages_enabled()
    entry = cache.local_pages.get(key) if local else None
    if entry is not None:
        # Checked before, in this process: while no invalidation has been delivered since
        # (the epoch has not moved), it is still valid, and two keys are all a hit reads.
        checked = cache.checked_pages.get(key)
        if checked is not None and checked[1] is entry:
            values = cache.read_state((), (cache.EPOCH_KEY,))
            epoch = values.get(cache.EPOCH_KEY)
            if epoch is not None and epoch == checked[0]:
                upcoming, fired = cache.check_schedule(values, now)
                if not fired:
                    return entry, upcoming, fired, []
    if entry is None:
        cache.ensure_trusted()
        entry = cache.page_cache().get(key)
        if entry is not None and local:
            cache.local_pages.put(key, entry)
    if entry is not None and not isinstance(entry, assembly.PageEntry):
        entry = None  # stored by an older release
    extra = (cache.EPOCH_KEY, cache.COUNTER_KEY, cache.CHANGED_AT_KEY)
    values = cache.read_state(entry.tags if entry is not None else (), extra)
    upcoming, fired = cache.check_schedule(values, now)
    if request is not None and not fired and values.get(cache.COUNTER_KEY) is not None:
        # Read before anything renders; not when a publication just came due (its
        # invalidation raised the counter after this read).
        request.cache_version = int(values[cache.COUNTER_KEY])
        request.content_changed_at = values.get(cache.CHANGED_AT_KEY)
    if entry is None:
        return None, upcoming, fired, []
    own = entry.own_tags
    if fired & own or not cache.tags_valid(entry.version, own, values):
        return None, upcoming, fired, []  # e.g. a publication it shows came due just now
    stale = [
        index
        for index, part in enumerate(entry.parts)
        if fired & part.tags or not cache.tags_valid(part.version, part.tags, values)
    ]
    epoch = values.get(cache.EPOCH_KEY)
    if local and not stale and not fired and epoch is not None:
        cache.checked_pages.put(key, (epoch, entry))
    return entry, upcoming, fired, stale


def serve(request: HttpRequest, entry: assembly.PageEntry, status="HIT") -> HttpResponseBase:
    upcoming = getattr(request, "cache_schedule", (None,))[0]
    headers = capped_headers(entry.headers, entry.tags, upcoming)
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in headers:
        response.headers[name] = value
    if "Content-Length" in response.headers:
        response.headers["Content-Length"] = str(len(entry.content))
    includes.apply(request, response, entry.parts, entry.own_tags)
    response.headers[cache.STATUS_HEADER] = status
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
        result.headers[cache.STATUS_HEADER] = response.headers[cache.STATUS_HEADER]
    return result


def _is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
