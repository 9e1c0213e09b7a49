"""Site-wide middleware: browser security policy, and a friendly 503 when the database is away.

``ContentSecurityPolicyMiddleware`` sends django-csp's strict policy on every page, and on admin
pages allows the one inline script the admin needs by its hash (see the class).

``DatabaseUnavailableMiddleware`` answers 503 with a page in the site's words and a
``Retry-After`` header while the database cannot be reached or is not ready (tables missing
during a restore), instead of a 500 that monitoring
and search engines would read as a bug. The database coming back needs no action: with
``CONN_HEALTH_CHECKS`` Django drops a broken persistent connection at the start of the next
request and opens a new one.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import sys

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger("newsroom.availability")

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
# PostgreSQL's words for "this database is not ready": a table or schema that is not there
# (a restore in progress, a database created but not migrated). SQLite says the same with an
# OperationalError ("no such table"), which the errors above already cover.
NOT_READY_SQLSTATES = frozenset({"42P01", "3F000"})


def is_database_unavailable(error: BaseException | None) -> bool:
    """A database that is away or not ready: the reader gets 503 and a retry, not a 500."""
    if isinstance(error, DATABASE_DOWN_ERRORS):
        return True
    if isinstance(error, ProgrammingError):
        return getattr(error.__cause__, "sqlstate", None) in NOT_READY_SQLSTATES
    return False


_IMPORTMAP_RE = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?importmap[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)


def _admin_prefix() -> str | None:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


def inline_importmap_hashes(response) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for each import map in an HTML response."""
    if getattr(response, "streaming", False):
        return []
    if "text/html" not in response.get("Content-Type", ""):
        return []
    charset = getattr(response, "charset", None) or "utf-8"
    html = response.content.decode(charset, errors="replace")
    hashes = []
    for body in _IMPORTMAP_RE.findall(html):
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; on admin pages, the editor's import map is allowed by hash.

    Public pages get ``CONTENT_SECURITY_POLICY`` unchanged: scripts from our own origin only,
    no inline script, no inline style. The admin's rich-text editor (django-prose-editor) is
    loaded through an import map, an inline ``<script type="importmap">`` that Django 5.2's
    admin cannot give a nonce. Instead of allowing ``'unsafe-inline'`` scripts on the admin,
    the SHA-256 of each import map on the page is added to ``script-src`` for that response;
    any other inline script stays blocked. The editor inserts a ``<style>`` element, so admin
    pages allow inline styles (a style cannot run script).

    It also sends ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``): a news site needs
    no camera, microphone or location, so no injected script may ask for them.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponse, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        prefix = _admin_prefix()
        if not prefix or not request.path_info.startswith(prefix):
            return parts
        update = {key: list(value) for key, value in (parts.update or {}).items()}
        update.setdefault("style-src", []).append(UNSAFE_INLINE)
        hashes = inline_importmap_hashes(response)
        if hashes:
            update.setdefault("script-src", []).extend(hashes)
        parts.update = update
        return parts


def database_unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page, rendered without touching the database.

    No request context: context processors and ``request.user`` would query the database
    that just failed. ``templates/503.html`` is self-contained for the same reason.
    """
    retry_after = int(getattr(settings, "DATABASE_RETRY_AFTER_SECONDS", 30))
    context = {"SITE_NAME": settings.SITE_NAME, "retry_after": retry_after}
    try:
        content = render_to_string("503.html", context)
        content_type = "text/html; charset=utf-8"
    except Exception:  # the page must answer even if its template is broken
        logger.exception("Could not render 503.html")
        content = "The site is briefly unavailable. Please try again in a minute.\n"
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(content, status=503, content_type=content_type)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


_REQUEST_ERROR_ATTR = "_newsroom_database_error"


def _remember_database_error(sender, request=None, **kwargs) -> None:
    """Note on the request when an uncaught exception was a lost database connection.

    Exceptions raised by middleware (sessions, redirects fallback…) never reach
    ``process_exception``; Django turns them into a 500 response first. This receiver runs
    inside that ``except`` block, so the outer middleware can tell a 500 that means
    "database away" from any other.
    """
    error = sys.exc_info()[1]
    if request is not None and is_database_unavailable(error):
        setattr(request, _REQUEST_ERROR_ATTR, error)


got_request_exception.connect(_remember_database_error, dispatch_uid="newsroom-db-unavailable")


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a 503 "back soon" page with ``Retry-After``.

    Sits near the top of ``MIDDLEWARE`` so it sees failures in every layer below it:
    ``process_exception`` catches them in views and template rendering; ``__call__`` replaces
    the 500 answer of a failure in middleware further down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        error = getattr(request, _REQUEST_ERROR_ATTR, None)
        if response.status_code == 500 and error is not None:
            return database_unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_database_unavailable(exception):
            return None
        logger.error(
            "Database unavailable while serving %s: %s",
            request.path,
            exception,
            exc_info=exception,
        )
        return database_unavailable_response(request)
