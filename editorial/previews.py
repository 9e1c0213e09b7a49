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
    request: HttpRequest,
    obj: Model,
    *,
    link: PreviewLink | None = None,
    unsaved: Model | None = None,
) -> HttpResponse:
    """The preview page of ``obj``; the caller has already decided who may see it.

    ``unsaved`` is the item as an open form has it (``DeskAdminMixin.preview_view``): the
    page shows those values instead of the saved ones, and nothing is written.
    """
    renderer = import_string(type(obj).preview_renderer)
    extra = {"unsaved": unsaved} if unsaved is not None else {}
    return make_private(renderer(request, obj, link=link, **extra))


def apply_unsaved(target: Model, unsaved: Model | None) -> Model:
    """Give ``target`` (the item as a view read it) the form's values of its content fields.

    The fields are the model's ``revision_fields`` — what an edit changes. Files stay as
    saved: an upload is only kept when the form is saved. Related rows (bylines, tags) are
    read from the database as saved.
    """
    if unsaved is None:
        return target
    from django.db.models import FileField

    for name in type(target).revision_fields:
        field = target._meta.get_field(name)
        if isinstance(field, FileField) or not field.concrete:
            continue
        setattr(target, field.attname, getattr(unsaved, field.attname))
        if field.is_relation:
            target._state.fields_cache.pop(field.name, None)
    return target


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
