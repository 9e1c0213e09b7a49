"""Error pages in the site's design.

The 404 page is an ordinary page (navigation, recent articles). The 400 and 500 pages are
rendered without the request and without the database, because either may be what failed;
if even that fails, a plain-text answer still goes out.
"""

import logging

from django.conf import settings
from django.http import (
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def page_not_found(request, exception):
    # Same context keys as Django's own handler; the page-metadata code reads them (noindex).
    context = {"request_path": request.path, "exception": exception.__class__.__name__}
    return render(request, "404.html", context, status=404)


def _standalone(template_name: str, fallback: str) -> str:
    try:
        return loader.get_template(template_name).render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # the error page itself must never raise
        logger.exception("Could not render %s", template_name)
        return fallback


def _in_admin(request) -> bool:
    from django.urls import reverse

    return request.path.startswith(reverse("admin:index"))


def permission_denied(request, exception=None, *, reason: str = "", csrf: bool = False):
    """403 as a page that says why and what to do, in the admin's design inside the admin.

    Django's default is a bare "403 Forbidden". The services' refusals carry a sentence
    ("You may not publish articles."), shown here; a contributor learns whom to ask.
    """
    message = str(exception or "") if not csrf else ""
    context = {"message": message, "reason": reason, "csrf": csrf, "back": _safe_referer(request)}
    if _in_admin(request):
        from django.contrib import admin

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["role_names"] = ", ".join(user.groups.values_list("name", flat=True))
        context.update(admin.site.each_context(request))
        context["title"] = "You can’t do that here"
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", context, status=403)


def csrf_failure(request, reason=""):
    """A refused form (expired page, cookies blocked): say so and how to get the work back."""
    return permission_denied(request, reason=reason, csrf=True)


def _safe_referer(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def server_error(request):
    return HttpResponseServerError(
        _standalone(
            "500.html",
            "<!doctype html><title>Server error</title><p>Please try again later.</p>",
        ),
        content_type="text/html; charset=utf-8",
    )


def bad_request(request, exception):
    return HttpResponseBadRequest(
        _standalone("400.html", "<!doctype html><title>Bad request</title><p>Bad request.</p>"),
        content_type="text/html; charset=utf-8",
    )


@require_GET
def favicon(request):
    """``/favicon.ico``, which browsers and feed readers ask for whatever the page links."""
    return HttpResponsePermanentRedirect(static("img/favicon.png"))
