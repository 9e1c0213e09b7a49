"""Where tip attachments are kept: private, never under MEDIA_ROOT or MEDIA_URL.

A source's file must not be reachable by guessing an address, so the storage has no public
URL (``url()`` raises) and lives in its own folder (``TIPS_ROOT``), which neither nginx nor
Django's media serving knows about. Editors download attachments through the admin, which
checks their permission (``pages/admin.py``).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """A file storage without public addresses, in ``TIPS_ROOT``.

    The folder is read from the settings on every use, not once, so tests and settings
    overrides can move it.
    """

    @property
    def base_location(self):
        return str(settings.TIPS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Tip attachments have no public address; open them from the admin.")


_storage = PrivateStorage()


def tip_storage() -> PrivateStorage:
    """The storage of tip attachments (a callable, so migrations do not serialise it)."""
    return _storage
