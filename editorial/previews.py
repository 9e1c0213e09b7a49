"""Previews of content that is not public: for staff in the admin, and by shared link.

Each model renders its own preview (``preview_renderer`` on the model class: the real
public template with the gate widened, plus a banner). What every preview shares lives here:
every answer is private and uncacheable, kept out of search engines, and sends no referrer,
so the secret address of a shared preview does not leak to the sites its links point to.
"""

from __future__ import annotations

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from .models import PreviewLink

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


def make_private(response: HttpResponse) -> HttpResponse:
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


def render_preview(
    request: HttpRequest, obj: Model, *, link: PreviewLink | None = None
) -> HttpResponse:
    """The preview page of ``obj``; the caller has already decided who may see it."""
    renderer = import_string(type(obj).preview_renderer)
    return make_private(renderer(request, obj, link=link))


def _unavailable(request: HttpRequest, *, status: int, reason: str) -> HttpResponse:
    response = TemplateResponse(
        request, "editorial/preview_unavailable.html", {"reason": reason}, status=status
    )
    return make_private(response)


@require_safe
def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """An item by its preview link: 404 for an unknown address, 410 once it has ended."""
    link = (
        PreviewLink.objects.select_related("content_type").for_token(token).first()
        if len(token) <= 64
        else None
    )
    obj = link.content_object if link is not None else None
    if obj is None:
        return _unavailable(request, status=404, reason="unknown")
    if link.revoked_at is not None:
        return _unavailable(request, status=410, reason="revoked")
    if not link.is_active:
        return _unavailable(request, status=410, reason="expired")
    return render_preview(request, obj, link=link)
