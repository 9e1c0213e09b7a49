"""Media storage: rendition file names worked out once per process, and private originals.

Why: imagekit names each rendition after a hash of its spec (``ImageSpec.get_hash()``: a
pickle of the processors, format and options, then MD5). A page asks for the URLs of a few
hundred renditions (every card has a WebP and a JPEG ``srcset``), and that hashing was most
of the time an uncached article page took. The name depends only on the spec class and the
source file's name, so it is computed once per pair and remembered; the names are exactly
imagekit's, so existing renditions are found as before.

Set as ``IMAGEKIT_SPEC_CACHEFILE_NAMER`` in settings. Specs whose processors are computed per
instance (a ``processors`` property) are not remembered: they get imagekit's own namer.
"""

from __future__ import annotations

import inspect
import os
from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse
from imagekit.cachefiles.namers import source_name_as_path

MAX_REMEMBERED_NAMES = 100_000

_names: dict[tuple[type, str], str] = {}


@cache
def _is_static_spec(spec_class: type) -> bool:
    """Whether the spec's processors, format and options are the same for every instance."""
    return not any(
        isinstance(inspect.getattr_static(spec_class, attr, None), property)
        for attr in ("processors", "format", "options", "autoconvert")
    )


def remembered_source_name_as_path(generator) -> str:
    """imagekit's ``source_name_as_path``, remembered per (spec class, source file name)."""
    source_name = getattr(generator.source, "name", None)
    spec_class = type(generator)
    if not source_name or not _is_static_spec(spec_class):
        return source_name_as_path(generator)
    key = (spec_class, source_name)
    name = _names.get(key)
    if name is None:
        name = source_name_as_path(generator)
        if len(_names) >= MAX_REMEMBERED_NAMES:
            _names.clear()  # a plain bound: a forgotten name is simply computed again
        _names[key] = name
    return name


# --- originals: private ------------------------------------------------------------------------


class OriginalsStorage(FileSystemStorage):
    """Local storage for uploaded originals, outside ``MEDIA_ROOT`` and never under MEDIA_URL.

    Readers and other sites get renditions only (DESIGN invariant 8): an original's address
    used to be worked out from any rendition's, and served with whatever its file still held.
    Its folder is ``PRIVATE_MEDIA_ROOT`` (read when used, so tests can move it), and its URL is
    the staff-only view in images/views.py, which the admin's "Currently:" link uses.
    """

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._location or settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        return reverse("images:original", kwargs={"path": name})


def originals_storage():
    """The storage of every uploaded original image (``STORAGES["originals"]``)."""
    return storages["originals"]
