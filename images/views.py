"""The one way to an uploaded original: signed-in staff who may change what it belongs to."""

import mimetypes

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.http import FileResponse, Http404

from images.renditions import SOURCES
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
