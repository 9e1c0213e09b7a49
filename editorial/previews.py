"""Previews of content that is not public: for staff in the admin, and by shared link.

Each model renders its own preview (``preview_renderer`` on the model class: the real
public template with the gate widened, plus a banner). What every preview shares lives here:
every answer is private and uncacheable, kept out of search engines, and sends no referrer,
so the secret address of a shared preview does not leak to the sites its links point to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class UnsavedForm:
    """An open form as its preview shows it: nothing of it is saved.

    ``instance``: the item with the form's values. ``related``: related rows as the form and
    its inline formsets have them (``EditorialModel.preview_related``: bylines, tags), by the
    name a prefetch would cache them under. ``columns``: values the form's chosen image
    brings (its file name, size and words; ``images.forms.LibraryImageFormMixin``).
    ``pictures``: for an image the page has no renditions of yet (a new upload, another
    library image), what to show instead, by source field: ``(src, width, height)``.
    """

    instance: Model
    related: dict[str, list[Model]] = field(default_factory=dict)
    columns: dict[str, object] = field(default_factory=dict)
    pictures: dict[str, tuple[str, int, int]] = field(default_factory=dict)


def render_preview(
    request: HttpRequest,
    obj: Model,
    *,
    link: PreviewLink | None = None,
    unsaved: UnsavedForm | None = None,
) -> HttpResponse:
    """The preview page of ``obj``; the caller has already decided who may see it.

    ``unsaved`` is the item as an open form has it (``DeskAdminMixin.preview_view``): the
    page shows those values instead of the saved ones, and nothing is written.
    """
    renderer = import_string(type(obj).preview_renderer)
    extra = {"unsaved": unsaved} if unsaved is not None else {}
    return make_private(renderer(request, obj, link=link, **extra))


def apply_unsaved(target: Model, unsaved: UnsavedForm | None) -> Model:
    """Give ``target`` (the item as a view read it) what the open form has.

    Its content fields (the model's ``revision_fields``) take the form's values; its image
    columns the chosen image's; its related rows (bylines, tags) are the form's, put where a
    prefetch would have put them, so the page reads them without asking the database; and
    an image without renditions yet is shown from ``unsaved.pictures``
    (``images/templatetags/pictures.py``).
    """
    if unsaved is None:
        return target
    from django.db.models import FileField

    form_values = unsaved.instance
    for name in type(target).revision_fields:
        model_field = target._meta.get_field(name)
        if isinstance(model_field, FileField) or not model_field.concrete:
            continue  # a file comes with the image's columns below
        setattr(target, model_field.attname, getattr(form_values, model_field.attname))
        if model_field.is_relation:
            target._state.fields_cache.pop(model_field.name, None)
    for name, value in unsaved.columns.items():
        if isinstance(target._meta.get_field(name), FileField):
            # Past the descriptor, which would open the file to measure it: the columns
            # bring its size, and a new upload's name is no stored file.
            target.__dict__[name] = value
        else:
            setattr(target, name, value)
    cache = getattr(target, "_prefetched_objects_cache", None)
    if cache is None:
        cache = target._prefetched_objects_cache = {}
    for name, rows in unsaved.related.items():
        cache[name] = prefetched(target, name, rows)
    target.unsaved_pictures = dict(unsaved.pictures)
    return target


def prefetched(target: Model, name: str, rows: list[Model]):
    """``rows`` as the queryset a prefetch of ``target.<name>`` leaves behind: iterating,
    counting or asking whether it has rows reads the list; nothing asks the database."""
    queryset = getattr(target, name).model._default_manager.none()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    return queryset


def formset_rows(formset) -> list[Model]:
    """The rows an inline formset would leave once saved, unsaved and in the related
    model's order: kept and changed rows and new ones, without rows marked for deletion,
    empty extra forms or rows with an error (they would not be saved either)."""
    rows = []
    for index, form in enumerate(formset.forms):
        if not hasattr(form, "cleaned_data") or form.errors:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        rows.append((index, form.instance))
    ordering = [name.lstrip("-") for name in formset.model._meta.ordering if isinstance(name, str)]

    def key(item):
        index, row = item
        values = []
        for name in ordering:
            value = row.pk if name == "pk" else getattr(row, name, None)
            values.append((value is None, value if value is not None else 0))
        return (*values, index)

    return [row for _, row in sorted(rows, key=key)]


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
