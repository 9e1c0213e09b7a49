"""Page-cache hits answered before Django's handler (as WordPress's advanced-cache.php).

A hit through the middleware still builds a request object and passes Django's handler and
the middleware above the page cache; this WSGI wrapper reads the same store with the same
rules and answers hits itself. It sends a page whose parts are all valid as stored
(caching/assembly.py). A page whose stale parts can be made from stored fragments alone —
Recent Articles after a publication, on 2,000 pages — is assembled and stored again here
too (``PARTIAL``), with no template of the page, view or query; one with a part to render
goes to the middleware, which renders only that part. Anything it is unsure about — a
cookie that may be a session or messages, a query string it would have to normalise, a
conditional request other than ``If-None-Match``, a cache error — goes to Django, which
decides exactly as before. The host is validated first (``ALLOWED_HOSTS``), so a bad Host
never gets a page.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from caching import cache, fragments, includes, middleware, mirror

logger = logging.getLogger("newsroom.cache")


def _allowed_host(environ) -> bool:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _port = split_domain_port(host)
    hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, hosts)


def _simple(environ) -> str | None:
    """The cache path of a request the wrapper may answer, or None to let Django decide."""
    if not settings.PAGE_CACHE_ENABLED or environ.get("REQUEST_METHOD") not in cache.SAFE_METHODS:
        return None
    if environ.get("QUERY_STRING") or environ.get("HTTP_COOKIE"):
        return None
    if "HTTP_AUTHORIZATION" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
        return None
    path = environ.get("PATH_INFO", "/")
    if environ.get("SCRIPT_NAME") or middleware.is_excluded_path(path):
        return None
    return path


class PageCacheApplication:
    """Wrap Django's WSGI application: answer page-cache hits, pass everything else on."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        with mirror.request_scope():
            return self._respond(environ, start_response)

    def _respond(self, environ, start_response):
        path = _simple(environ)
        if path is None or not _allowed_host(environ):
            return self.application(environ, start_response)
        key = middleware.page_key_for_path(path)
        state = _State()
        try:
            entry, upcoming, fired, stale = middleware.lookup(key, cache.now_ts(), state)
        except Exception:
            cache.cache_failed()
            return self.application(environ, start_response)
        label = "HIT"
        if entry is not None and stale and not includes.servable(environ, entry, stale):
            state.cache_schedule = (upcoming, fired)
            entry, label = self.assembled(state, key, entry, stale, upcoming), "PARTIAL"
        if entry is None:
            # A miss, or a part to render: the middleware renders only what changed.
            return self.application(environ, start_response)
        status, content = entry.status, entry.content
        headers = middleware.capped_headers(entry.headers, entry.tags, upcoming)
        if includes.wanted(environ) and includes.has_edge_parts(entry.parts):
            content, headers = includes.variant(content, entry.parts, entry.own_tags, headers)
        headers = [*headers, (cache.STATUS_HEADER, label)]
        etag = {name.lower(): value for name, value in headers}.get("etag")
        if etag and environ.get("HTTP_IF_NONE_MATCH") == etag:
            kept = {"etag", "cache-control", "last-modified", "vary", "xkey", "surrogate-key"}
            start_response(
                "304 Not Modified",
                [(n, v) for n, v in headers if n.lower() in kept | {cache.STATUS_HEADER.lower()}],
            )
            return [b""]
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        headers.append(("Content-Length", str(len(content))))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [content]

    @staticmethod
    def assembled(state, key: str, entry, stale: list[int], upcoming):
        """The page with its stale parts made again from stored fragments (and stored), or
        None when one would have to be rendered (the middleware does that)."""
        if state.cache_version is None:
            return None
        try:
            with fragments.stored_only():
                return middleware.refresh(state, key, entry, stale, upcoming)
        except fragments.RenderNeeded:
            return None
        except Exception:
            logger.warning("Could not assemble %s in the front layer", key, exc_info=True)
            return None


class _State:
    """What ``lookup`` and ``refresh`` keep on a Django request, for a request Django has not
    seen: the counter a render starts from, the schedule, when content last changed."""

    cache_version = None
    cache_schedule = None
    content_changed_at = None
