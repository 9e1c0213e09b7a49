"""The one way to an uploaded original: signed-in staff who may change what it belongs to."""

import mimetypes

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse

from images.renditions import SOURCES, is_ready
from images.storage import originals_storage


@staff_member_required
def original(request, path: str):
    """Stream an original to an editor (the admin's link to the current image).

    Only for staff who may change a model that stores this file; anyone else gets the login
    page (anonymous) or 403. Sent as an attachment with ``nosniff`` so it is never rendered
    as a page.
    """
    allowed = False
    for model, source in SOURCES:
        perm = f"{model._meta.app_label}.change_{model._meta.model_name}"
        if request.user.has_perm(perm) and model._default_manager.filter(**{source: path}).exists():
            allowed = True
            break
    if not allowed:
        raise PermissionDenied
    storage = originals_storage()
    try:
        handle = storage.open(path, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404("No such original") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        content_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _may_use_library(user) -> bool:
    return user.has_perm("images.view_image") or user.has_perm("images.change_image")


@staff_member_required
def library_image(request, pk: int):
    """A library image as staff see it while editing (the body editor's ``<img src>``).

    The made lead rendition when there is one, else the original, inline (it is shown in
    the editor) with ``nosniff``. Readers never get this address: a page prints the image
    with its renditions (images/body.py).
    """
    from images.models import Image
    from images.renditions import LEAD, picture

    if not _may_use_library(request.user):
        raise PermissionDenied
    image = Image.objects.filter(pk=pk).first()
    if image is None or not image.file:
        raise Http404("No such image in the library")
    if is_ready(image, "file"):
        pic = picture(image, "file", LEAD)
        if pic is not None:
            response = HttpResponseRedirect(pic.src)
            response["Cache-Control"] = "private, no-store"
            return response
    try:
        handle = originals_storage().open(image.file.name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404("The image's file is missing") from None
    response = FileResponse(
        handle, content_type=mimetypes.guess_type(image.file.name)[0] or "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_member_required
def library_search(request):
    """Library images matching ``q`` (title, alt text, caption, credit), as JSON, for the
    body editor's "Insert image" chooser. At most 24, newest first."""
    from images.body import library_src
    from images.models import Image

    if not _may_use_library(request.user):
        raise PermissionDenied
    query = (request.GET.get("q") or "").strip()[:100]
    images = Image.objects.all()
    if query:
        images = images.filter(
            Q(title__icontains=query)
            | Q(alt_text__icontains=query)
            | Q(caption__icontains=query)
            | Q(credit__icontains=query)
        )
    results = [
        {
            "id": image.pk,
            "title": str(image),
            "alt": image.alt,
            "decorative": image.is_decorative,
            "caption": image.caption,
            "credit": image.credit,
            "src": library_src(image.pk),
            "width": image.width,
            "height": image.height,
        }
        for image in images[:24]
    ]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response
