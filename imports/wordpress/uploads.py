"""The old site's uploads folder: which addresses point into it, and our copies of its files.

WordPress serves every file from ``/wp-content/uploads/<year>/<month>/<name>`` and makes size
variants of each picture (``pic-300x200.jpg``, ``pic-scaled.jpg``). A post may show any
variant; all of them stand for the one original we import, so lookups fall back from a
variant to its original.

Which addresses count: any ``…/wp-content/uploads/<path>`` whatever its host (the site may
have moved domains, served files from a CDN or Jetpack's ``i0.wp.com``), and WordPress.com's
``https://<site>.files.wordpress.com/<year>/<month>/<name>`` (also behind ``i0.wp.com``).
Either way the path under uploads is what is looked up in ``--media-dir``, so a file counts
only when the site's own uploads folder holds it; one that is not there keeps its address
and is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urlsplit

UPLOADS_MARKER = "/wp-content/uploads/"
WPCOM_FILES = ".files.wordpress.com"
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated|e\d{10,})(?=\.[A-Za-z0-9]+$)")


def upload_path(url: str, site_hosts: frozenset[str] = frozenset()) -> str | None:
    """The path of a file under the old uploads folder (``2021/07/pic.jpg``), or None.

    ``site_hosts`` is kept for callers' symmetry with ``links.site_relative``: every host
    counts (see the module docstring), since the file is only used if ``--media-dir`` has it.
    """
    parts = urlsplit(unescape(url or "").strip())
    host = (parts.hostname or "").lower()
    path = unquote(parts.path)
    index = path.find(UPLOADS_MARKER)
    if index >= 0:
        relative = path[index + len(UPLOADS_MARKER) :]
    elif host.endswith(WPCOM_FILES):
        relative = path
    elif f"{WPCOM_FILES}/" in path:  # i0.wp.com/<site>.files.wordpress.com/2008/06/x.jpg
        relative = path.split(f"{WPCOM_FILES}/", 1)[1]
    else:
        return None
    relative = relative.strip("/")
    return relative or None


def original_upload_path(path: str) -> str:
    """The main file of a WordPress size variant (``pic-300x200.jpg`` → ``pic.jpg``)."""
    return _SIZE_SUFFIX.sub("", path)


@dataclass(frozen=True)
class MediaRef:
    """An imported image: where our copy is, and what the media library said about it."""

    url: str
    name: str = ""  # the storage name; '' in a dry run, when nothing was stored
    alt: str = ""
    caption: str = ""
    credit: str = ""


class MediaLookup:
    """Finds our copy of an old upload by attachment ID or by its path under uploads."""

    def __init__(self):
        self.by_id: dict[int, MediaRef] = {}
        self.by_path: dict[str, MediaRef] = {}
        self.by_original: dict[str, MediaRef] = {}
        self.children: dict[int, list[int]] = {}

    def add(self, ref: MediaRef, *, wp_id: int | None = None, path: str = "", parent: int = 0):
        if wp_id is not None:
            self.by_id[wp_id] = ref
            if parent:
                self.children.setdefault(parent, []).append(wp_id)
        if path:
            self.by_path[path] = ref
            self.by_original.setdefault(original_upload_path(path), ref)

    def find_path(self, path: str | None) -> MediaRef | None:
        """Our copy of ``path``, or of the original a size variant was made from."""
        if not path:
            return None
        original = original_upload_path(path)
        return (
            self.by_path.get(path)
            or self.by_path.get(original)
            or self.by_original.get(path)
            or self.by_original.get(original)
        )
