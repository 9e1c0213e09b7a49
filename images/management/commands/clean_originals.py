"""``manage.py clean_originals``: make already-stored originals what new uploads are.

Uploads stored before originals became private and metadata-free (issue 15 #1) sit in the
public media storage, under MEDIA_URL, with their EXIF (GPS included). For every image field
with renditions this command

- moves the original into the private originals storage (same name, so rows and rendition
  names are unchanged) and deletes the public copy — except under ``wordpress/``, where the
  public copy is what imported post bodies show;
- strips location and device data (``images.metadata.clean_image``) from the private
  original, and from every public file under ``wordpress/`` the WordPress import copied;
- reports each file it changed and a summary. Run again, it finds nothing to do.
"""

from __future__ import annotations

import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from images.metadata import clean_image
from images.renditions import SOURCES
from images.storage import originals_storage
from newsroom.connections import refresh_connections

#: Where the WordPress import puts the files post bodies show (imports/wordpress/media.py).
PUBLIC_IMPORT_FOLDER = "wordpress"


def _walk(storage, folder: str):
    """Every file name under ``folder`` of ``storage``."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from _walk(storage, posixpath.join(folder, sub))


def _replace(storage, name: str, data: bytes) -> None:
    """Write ``data`` under exactly ``name`` (storages add a suffix to a taken name)."""
    storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    assert saved == name, f"{name} was saved as {saved}"


class Command(BaseCommand):
    help = "Move stored originals to private storage and strip their location/device data."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *, dry_run, **options):
        public, private = default_storage, originals_storage()
        counts = {"moved": 0, "stripped": 0, "missing": 0, "clean": 0}
        seen: set[str] = set()

        def report(action: str, name: str) -> None:
            counts[action] += 1
            if action != "clean":
                self.stdout.write(f"{action}: {name}")

        for model, source in SOURCES:
            names = (
                model._default_manager.exclude(**{source: ""})
                .values_list(source, flat=True)
                .distinct()
            )
            for name in names.iterator():
                refresh_connections()  # a long run survives a dropped connection
                if name in seen:
                    continue
                seen.add(name)
                in_private = private.exists(name)
                if not in_private and not public.exists(name):
                    report("missing", name)
                    continue
                with (private if in_private else public).open(name, "rb") as handle:
                    data = handle.read()
                    cleaned = clean_image(handle)
                if cleaned is not None and not dry_run:
                    self._remeasure(model, source, name, cleaned)
                if not in_private:
                    if not dry_run:
                        private.save(name, ContentFile(cleaned or data))
                        if not name.startswith(f"{PUBLIC_IMPORT_FOLDER}/"):
                            public.delete(name)
                    report("moved", name)
                    if cleaned is not None:
                        counts["stripped"] += 1
                elif cleaned is not None:
                    if not dry_run:
                        _replace(private, name, cleaned)
                    report("stripped", name)
                else:
                    report("clean", name)

        for name in _walk(public, PUBLIC_IMPORT_FOLDER):
            with public.open(name, "rb") as handle:
                try:
                    cleaned = clean_image(handle)
                except Exception:  # not an image we can read: not ours to judge here
                    cleaned = None
            if cleaned is None:
                report("clean", name)
                continue
            if not dry_run:
                _replace(public, name, cleaned)
            report("stripped", name)

        prefix = "Would change" if dry_run else "Changed"
        self.stdout.write(
            f"{prefix}: {counts['moved']} original(s) moved to private storage, "
            f"{counts['stripped']} file(s) stripped of location and device data; "
            f"{counts['clean']} already clean, {counts['missing']} missing."
        )

    @staticmethod
    def _remeasure(model, source: str, name: str, data: bytes) -> None:
        """Applying the EXIF orientation may swap width and height: store the new ones."""
        import io

        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        model._default_manager.filter(**{source: name}).update(
            **{f"{source}_width": width, f"{source}_height": height}
        )
