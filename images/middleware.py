"""Upload middleware: the request is the scope in which a failed save's files are removed."""

from django.http import HttpRequest, HttpResponse

from images.uploads import discard_files_on_rollback


class UncommittedUploadsMiddleware:
    """Delete uploads written by a save whose transaction rolled back (images/uploads.py).

    Each request is one ``discard_files_on_rollback()`` scope: by the time the response
    leaves, every transaction the request opened has ended, so an uploaded file its row
    does not name is an orphan of a failed save — an article saved with an image, tags and
    bylines is all or nothing, files included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with discard_files_on_rollback():
            return self.get_response(request)
