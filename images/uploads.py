"""Uploaded files: safe names on the way in, no orphans when a save is rolled back.

Two rules for every ``FileField``/``ImageField`` in the project, applied by one ``pre_save``
receiver so no model, admin or service has to remember them:

1. **A name we chose, not the uploader's.** An upload's name can hold ``../``, NUL bytes,
   right-to-left overrides that make ``gpj.exe`` read as ``exe.jpg``, 300 characters, or an
   extension that disagrees with the content (a JPEG named ``.pdf`` would be served as a
   PDF). Each new upload is stored as ``<ascii-slug>-<random>.<ext>``: the slug keeps it
   readable, the random part makes unpublished images unguessable and names unique, and for
   images the extension comes from the format Pillow decoded — so the type a server or
   bucket infers from the name always matches the bytes.

2. **No location or device data.** A new image upload is re-encoded without its EXIF, XMP,
   IPTC and comments (orientation applied, colour profile kept) before it is stored, by
   ``images.metadata.clean_image`` — a source's position must not sit in the original.

3. **All or nothing.** Django writes an upload to storage while saving the row, before the
   transaction commits, and never deletes it when the transaction rolls back. Inside
   ``discard_files_on_rollback()`` — which ``UncommittedUploadsMiddleware`` opens around every
   request — each new upload is remembered; when the scope ends, any whose row is not in the
   database (its transaction rolled back) is deleted, with its renditions.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.text import slugify
from PIL import Image

from images.metadata import clean_image

logger = logging.getLogger("images.uploads")

#: Image formats we accept (images/validators.py) and the one extension each is stored with.
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
STEM_MAX_LENGTH = 40
_EXTENSION_RE = re.compile(r"^[a-z0-9]{1,8}$")


def safe_stem(filename: str) -> str:
    """A short ASCII slug of the name's last component, without its extension.

    Control and format characters (NUL, the bidi overrides U+202A–U+202E and U+2066–U+2069)
    are dropped before slugifying, so they cannot reorder or hide what is left.
    """
    name = unicodedata.normalize("NFKC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    slug = slugify(stem)[:STEM_MAX_LENGTH].strip("-_")
    return slug or "upload"


def sniff_image_extension(file) -> str | None:
    """The extension for the image format of ``file``'s bytes, or None if not one we accept."""
    try:
        position = file.tell()
    except (AttributeError, OSError, ValueError):
        position = None
    try:
        file.seek(0)
        with Image.open(file) as image:
            return IMAGE_EXTENSIONS.get(image.format or "")
    except Exception:  # not an image: validation refuses it elsewhere; we only name it
        return None
    finally:
        if position is not None:
            file.seek(position)


def safe_upload_name(filename: str, file=None, *, is_image: bool = False) -> str:
    """The name a new upload is stored under (the folder comes from the field's ``upload_to``)."""
    extension = sniff_image_extension(file) if (is_image and file is not None) else None
    if extension is None:
        original = unicodedata.normalize("NFKC", filename or "").rsplit(".", 1)
        candidate = original[1].lower() if len(original) == 2 else ""
        extension = candidate if _EXTENSION_RE.match(candidate) else "bin"
    return f"{safe_stem(filename)}-{secrets.token_hex(4)}.{extension}"


# --- Rollback cleanup -------------------------------------------------------------------------


@dataclass
class _NewUpload:
    model: type[models.Model]
    field: models.FileField
    file: FieldFile
    using: str


_scope: ContextVar[list[_NewUpload] | None] = ContextVar("newsroom_new_uploads", default=None)


@contextmanager
def discard_files_on_rollback() -> Iterator[None]:
    """Delete, at the end of the block, uploads whose database row did not survive.

    Use it *outside* the transaction: ``with discard_files_on_rollback(): with atomic(): …``.
    At the end every transaction opened inside has committed or rolled back, so a file whose
    name is not in its column was written for a row that no longer exists. Nested scopes
    join the outermost one. If the database cannot be asked (it went away), files are kept:
    an orphan file is a nuisance, a deleted live image is a loss.
    """
    if _scope.get() is not None:
        yield
        return
    token = _scope.set([])
    try:
        yield
    finally:
        uploads = _scope.get() or []
        _scope.reset(token)
        for upload in uploads:
            _discard_if_orphaned(upload)


def _discard_if_orphaned(upload: _NewUpload) -> None:
    name = upload.file.name
    if not upload.file._committed or not name:
        return  # never written
    try:
        referenced = (
            upload.model._default_manager.using(upload.using)
            .filter(**{upload.field.attname: name})
            .exists()
        )
    except DatabaseError:
        logger.warning("Could not check whether upload %s was saved; keeping it", name)
        return
    if referenced:
        return
    logger.info("Deleting %s: the save that wrote it was rolled back", name)
    for storage, rendition in _renditions(upload):
        _delete_quietly(storage, rendition)
    _delete_rendition_folder(name)
    _delete_quietly(upload.file.storage, name)


def _delete_rendition_folder(name: str) -> None:
    """Delete the renditions made from the file ``name`` for any row that showed it.

    A library image's file is shown through the rows that use it (an article's featured
    image keeps a copy of the name, images/library.py), and their renditions are named
    after the source file (``renditions/<name without extension>/…``, images/storage.py):
    when the image's own row did not survive, nothing can show them.
    """
    from django.core.files.storage import default_storage

    folder = f"{settings.IMAGEKIT_CACHEFILE_DIR}/{os.path.splitext(name)[0]}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    for file_name in files:
        _delete_quietly(default_storage, f"{folder}/{file_name}")


def _renditions(upload: _NewUpload) -> list[tuple[object, str]]:
    """(storage, name) of the imagekit renditions made from this upload, if any."""
    try:
        from imagekit.models.fields import ImageSpecFileDescriptor
    except ImportError:  # pragma: no cover - imagekit is a dependency
        return []
    instance = upload.file.instance
    found = []
    for attname, descriptor in vars(upload.model).items():
        if not isinstance(descriptor, ImageSpecFileDescriptor):
            continue
        if descriptor.source_field_name != upload.field.name:
            continue
        try:
            cachefile = getattr(instance, attname)
            found.append((cachefile.storage, cachefile.name))
        except Exception:  # a rendition we cannot even name was never written
            continue
    return found


def _delete_quietly(storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:
        logger.exception("Could not delete orphaned file %s", name)


@receiver(pre_save, dispatch_uid="newsroom-uploads-pre-save")
def _prepare_new_uploads(sender, instance, raw=False, using=None, **kwargs) -> None:
    """Rename each new upload safely, strip an image's metadata, and remember the upload
    for the rollback check."""
    if raw:  # loaddata: files are not being uploaded
        return
    scope = _scope.get()
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.FileField):
            continue
        file = getattr(instance, field.attname)
        if not file or file._committed:
            continue
        content = getattr(file, "file", None)
        file.name = safe_upload_name(
            os.path.basename(file.name or ""),
            content,
            is_image=isinstance(field, models.ImageField),
        )
        if isinstance(field, models.ImageField) and content is not None:
            _strip_metadata(instance, field, file, content)
        if scope is not None:
            scope.append(_NewUpload(sender, field, file, using or "default"))


def _strip_metadata(instance, field: models.ImageField, file: FieldFile, content) -> None:
    """Store the upload without location and device data; re-measure it, since applying
    the EXIF orientation may have swapped its width and height."""
    cleaned = clean_image(content)
    if cleaned is None:
        return
    file.file = ContentFile(cleaned, name=file.name)
    if hasattr(file, "_dimensions_cache"):
        del file._dimensions_cache
    field.update_dimension_fields(instance, force=True)
