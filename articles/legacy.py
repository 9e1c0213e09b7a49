"""Old WordPress addresses keep working after an import (see docs/import-wordpress.md).

The import stores every old address as a ``django.contrib.redirects`` row, and Django's
``RedirectFallbackMiddleware`` answers most of them: it looks a 404's path up in that table.
Two kinds of old address never reach it, so this middleware (listed just before it) handles
them with the same table:

- WordPress's query addresses — ``/?p=123``, ``/?cat=4``, ``/?tag=budget``,
  ``/?author=2``… — are requests for the home page, which answers 200, not 404. They are
  stored under keys made by :func:`legacy_query_key` and looked up before the view runs.
  Only a request that carries one of those parameters costs a query.
- An old path shared with a tracking query (``/2021/07/27/slug/?utm_source=x``) is a 404 that
  the fallback middleware looks up *with* its query string, and misses. After a 404, this
  looks the bare path up and keeps the query string on the way to the new address.
- An old path longer than ``Redirect.old_path`` holds (200 characters: a long slug, or a
  non-ASCII one, which percent-encoding makes up to six times longer) is stored under
  :func:`redirect_key` — its start plus a hash of the whole — and looked up the same way
  after a 404.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponseGone, HttpResponsePermanentRedirect
from django.utils.encoding import escape_uri_path

# WordPress query variables we store redirects for, in the order WordPress itself prefers.
LEGACY_QUERY_PARAMS = ("p", "page_id", "attachment_id", "cat", "tag", "author")
MAX_VALUE_LENGTH = 100
SAFE_METHODS = frozenset({"GET", "HEAD"})
REDIRECT_PATH_MAX_LENGTH = 200  # django.contrib.redirects' Redirect.old_path
_LONG_PATH_PREFIX = REDIRECT_PATH_MAX_LENGTH - 65  # room for "#" and 64 hex digits


def front_path(path: str) -> str | None:
    """The blog's front address a query address was made on (``/`` or ``/news/``), or None.

    WordPress answers its query variables on the blog's root, with or without ``index.php``.
    """
    if path.endswith("/index.php"):
        path = path[: -len("index.php")]
    return path if path.endswith("/") else None


def legacy_query_key(path: str, param: str, value: str) -> str:
    """The ``Redirect.old_path`` for a WordPress query address, e.g. ``/?p=123``."""
    return f"{escape_uri_path(path)}?{param}={quote(str(value), safe='')}"


def redirect_key(path: str) -> str:
    """The ``Redirect.old_path`` for an (escaped) path: itself when it fits, else its first
    135 characters, "#" and the SHA-256 of the whole path.

    "#" never reaches the server in a request path (it starts the fragment, and is
    ``%23`` when escaped), so such a key cannot clash with a real path, and its readable
    start still tells an editor in the admin which address it was.
    """
    if len(path) <= REDIRECT_PATH_MAX_LENGTH:
        return path
    digest = hashlib.sha256(path.encode()).hexdigest()
    return f"{path[:_LONG_PATH_PREFIX]}#{digest}"


class LegacyRedirectMiddleware:
    """Redirect WordPress query addresses, and old paths that arrive with a query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS and request.GET:
            response = self.query_redirect(request)
            if response is not None:
                return response
        response = self.get_response(request)
        if response.status_code == 404 and request.method in SAFE_METHODS:
            query = request.META.get("QUERY_STRING", "")
            if query or len(escape_uri_path(request.path)) > REDIRECT_PATH_MAX_LENGTH:
                response = self.path_redirect(request, query) or response
        return response

    def path_redirect(self, request, query: str):
        # One query for the path with and without its trailing slash, like the fallback.
        paths = [escape_uri_path(request.path)]
        if settings.APPEND_SLASH and not request.path.endswith("/"):
            paths.append(escape_uri_path(request.path + "/"))
        return self.redirect_for(request, [redirect_key(path) for path in paths], query=query)

    def query_redirect(self, request):
        path = front_path(request.path)
        if path is None:
            return None
        for param in LEGACY_QUERY_PARAMS:
            value = request.GET.get(param, "").strip()
            if value:
                if len(value) > MAX_VALUE_LENGTH:
                    return None
                return self.redirect_for(request, [legacy_query_key(path, param, value)])
        return None

    @staticmethod
    def redirect_for(request, old_paths: list[str], *, query: str = ""):
        site = get_current_site(request)
        found = dict(
            Redirect.objects.filter(site=site, old_path__in=old_paths).values_list(
                "old_path", "new_path"
            )
        )
        new_path = next((found[path] for path in old_paths if path in found), None)
        if new_path is None:
            return None
        if new_path == "":
            return HttpResponseGone()
        if query and "?" not in new_path:
            new_path = f"{new_path}?{query}"
        return HttpResponsePermanentRedirect(new_path)
