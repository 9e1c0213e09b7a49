"""Media: attachments, then the uploads files posts show that no attachment names.

- Files are read from ``--media-dir`` (a copy of the old ``wp-content/uploads``, or of a
  WordPress.com site's media by year and month) and never from the network; which
  addresses count is ``uploads``' business. A size variant WordPress made
  (``pic-300x200.jpg``) is found through its original; on a multisite network the
  ``sites/<n>/`` prefix may be missing. A path leading outside the media folder is refused.
- Every file is checked as an image we accept (``validate_image_file``) before it is copied
  into the media storage under ``wordpress/``, with a safe name and without its location and
  device data (``images.metadata.clean_image``). A dry run checks but does not copy.
- A file an earlier run copied is reused (the ledger keeps its storage name), so a second run
  copies nothing. Files are copied before any post needs them; a copy whose record cannot be
  written is deleted again (``ImportRun.attempt``).
- Alt text comes from the media library, else the attachment's title or caption when they
  describe the picture (a file name is not alt text); an image without any is reported.
- Partial exports ("Posts" only) carry no attachments, yet the files are in the uploads
  folder; they are imported as files so the post keeps its pictures.
- The old file address, the attachment page and ``/?attachment_id=ID`` redirect to our copy.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify

from images.metadata import clean_image
from images.storage import originals_storage
from images.uploads import safe_upload_name
from images.validators import validate_image_file
from imports.models import ImportedItem

from . import mapping
from .links import site_relative
from .parser import WPItem
from .report import Outcome
from .run import ImportRun, Step, item_ref
from .text import clean_text, usable_alt
from .uploads import MediaLookup, MediaRef, original_upload_path, upload_path

Kind = ImportedItem.Kind
MEDIA_FOLDER = "wordpress"
_UPLOAD_URL = re.compile(
    r"""(?:https?:)?(?://[^\s"'<>()]+)?/wp-content/uploads/[^\s"'<>()\[\]]+"""
    r"""|(?:https?:)?//[^\s"'<>()/]*\.files\.wordpress\.com/[^\s"'<>()\[\]]+"""
)


class Media(Step):
    def __init__(self, run: ImportRun):
        super().__init__(run)
        self.media_root = run.media_root
        self.lookup = MediaLookup()  # what post bodies and featured images point at
        self.problems: dict[int, str] = {}  # attachment ID → why it was not imported

    # --- attachments -----------------------------------------------------------------------

    def import_attachments(self) -> None:
        items = [item for item in self.run.export.items if item.post_type == "attachment"]
        if items and self.media_root is None:
            self.report.warnings.append(
                "No --media-dir was given: no image could be imported. Copy the site's "
                "wp-content/uploads folder here and name it with --media-dir."
            )
        for item in items:
            if not self.run.attempt(
                "images", item_ref(item), lambda i=item: self.import_attachment(i)
            ):
                self.problems[item.wp_id] = "its import failed (see above)"

    def attachment_path(self, item: WPItem) -> str:
        attached = item.meta_value("_wp_attached_file").strip().lstrip("/")
        return attached or upload_path(item.attachment_url, self.hosts) or ""

    def attachment_alt(self, item: WPItem, path: str) -> str:
        """The media library's alt text; else its title or caption, if they describe it."""
        alt = usable_alt(item.meta_value("_wp_attachment_image_alt"))
        if alt:
            return alt
        stem = posixpath.splitext(posixpath.basename(path))[0].lower()
        title = usable_alt(item.title)
        generated = re.fullmatch(r"[\w-]+", title) and re.search(r"[-_]", title)
        if title and title.lower() != stem and not generated:
            return title
        return usable_alt(item.excerpt)

    def import_attachment(self, item: WPItem) -> None:
        ref = item_ref(item)
        path = self.attachment_path(item)
        alt = self.attachment_alt(item, path)
        caption = clean_text(item.excerpt)[:400]
        credit = clean_text(item.meta_value("_media_credit") or item.meta_value("credit"))[:200]
        stored, problem = self.stored_image(
            Kind.ATTACHMENT, item.wp_id, path, ref, data={"path": path}
        )
        if problem:
            self.problems[item.wp_id] = problem
            self.report.add("images", Outcome.SKIPPED, ref, problem)
            return
        url = default_storage.url(stored or f"{MEDIA_FOLDER}/{path}")
        if not alt:
            self.report.note("images", ref, "no usable alt text in the media library")
        old = [mapping.path_key(p) for p in [self.uploads_path(item, path)] if p]
        old += mapping.old_paths(item.link, self.hosts, self.base)
        old.append(self.redirects.query_key("attachment_id", item.wp_id))
        if stored:
            for old_path in dict.fromkeys(old):
                self.redirects.redirect(old_path, url, ref)
        media = MediaRef(url=url, name=stored, alt=alt, caption=caption, credit=credit)
        self.lookup.add(media, wp_id=item.wp_id, path=path, parent=item.post_parent)

    def uploads_path(self, item: WPItem, path: str) -> str:
        """The old file's own address path (``/wp-content/uploads/2021/07/pic.jpg``)."""
        url = item.attachment_url
        if url and site_relative(url, self.hosts):
            return urlsplit(url).path
        return f"{self.base}/wp-content/uploads/{path}" if path else ""

    # --- files posts show ------------------------------------------------------------------

    def import_inline_files(self, posts: list[WPItem]) -> None:
        """Images a post shows from the uploads folder that no attachment in the export names.

        Partial exports ("Posts" only) carry no attachments, yet the files are in the
        uploads folder; they are imported here so the post keeps its pictures.
        """
        wanted: dict[str, tuple[str, str]] = {}  # original path → (path, first post)
        for item in posts:
            for url in _UPLOAD_URL.findall(item.content):
                path = upload_path(url, self.hosts)
                if path and self.lookup.find_path(path) is None:
                    # Size variants of one picture share a single copy of the original.
                    wanted.setdefault(original_upload_path(path), (path, item_ref(item)))
        for path, used_by in wanted.values():
            self.run.attempt(
                "images", f"file {path}", lambda p=path, u=used_by: self.inline_file(p, u)
            )

    def inline_file(self, path: str, used_by: str) -> None:
        ref = f"file {path}"
        stored, problem = self.stored_image(Kind.FILE, path, path, ref)
        if problem:
            self.report.add("images", Outcome.SKIPPED, ref, f"{problem} (used by {used_by})")
            return
        url = default_storage.url(stored or f"{MEDIA_FOLDER}/{path}")
        self.lookup.add(MediaRef(url=url, name=stored), path=path)

    # --- copying ---------------------------------------------------------------------------

    def local_file(self, path: str) -> tuple[Path | None, str]:
        """The file under --media-dir for an uploads path, or why there is none."""
        if not path:
            return None, "the export gives no file for it"
        if self.media_root is None:
            return None, "no --media-dir was given"
        # The file itself; for a size variant WordPress made (pic-300x200.jpg), its original;
        # on a multisite network, the path without the sites/<n>/ prefix.
        candidates = [path, original_upload_path(path)]
        multisite = re.match(r"sites/\d+/(.+)", path)
        if multisite:
            candidates += [multisite.group(1), original_upload_path(multisite.group(1))]
        candidates = list(dict.fromkeys(candidates))
        for candidate in candidates:
            if "\x00" in candidate:
                return None, "its file name is not valid"
            resolved = (self.media_root / candidate).resolve()
            if not resolved.is_relative_to(self.media_root):
                return None, f"its path {path} leads outside the media folder; refused"
            if resolved.is_file():
                return resolved, ""
        return None, f"the file {path} is missing from the media folder"

    def stored_image(self, kind: str, key, path: str, ref: str, **fields) -> tuple[str, str]:
        """The copy of an uploads file an earlier run stored, else a new copy, remembered
        under (kind, key): (storage name, '') or ('', problem). Reports unchanged or created;
        a problem is the caller's to report."""
        record = self.ledger.record(kind, key)
        if record is not None and record.file and default_storage.exists(record.file):
            self.report.add("images", Outcome.UNCHANGED)
            return record.file, ""
        stored, problem = self.copy_image(path, ref)
        if problem:
            return "", problem
        if stored:
            self.ledger.remember(kind, key, file=stored, **fields)
        self.report.add("images", Outcome.CREATED)
        return stored, ""

    def private_copy(self, name: str) -> str:
        """A featured image's original, in the private originals storage under the same name.

        The public copy under ``wordpress/`` stays: post bodies show it, and it was stripped
        of location and device data when it was copied. The featured image's original, like
        every uploaded original, is private; readers get its renditions.
        """
        private = originals_storage()
        if not private.exists(name):
            with default_storage.open(name, "rb") as handle:
                # Left in place if the record rolls back: the next run finds and reuses it.
                return private.save(name, handle)
        return name

    def set_featured_image(self, obj, item, *, words: dict[str, str]) -> list[str]:
        """Give ``obj`` (a post's article or a page) the item's featured image; report lines.

        ``words`` maps the media's ``alt``/``caption``/``credit`` to the row's own fields (a
        page has alt text only). No thumbnail clears an earlier run's image on a saved row.
        """
        thumbnail_id = item.meta_value("_thumbnail_id").strip()
        if not thumbnail_id.isdigit():
            if obj.pk and obj.featured_image:
                obj.featured_image = ""
                for field in words.values():
                    setattr(obj, field, "")
            return []
        media = self.lookup.by_id.get(int(thumbnail_id))
        if media is None:
            why = self.problems.get(int(thumbnail_id), "it is not in the export")
            return [f"its featured image (attachment {thumbnail_id}) was not imported: {why}"]
        if not media.name:  # dry run: checked, not copied
            return []
        if obj.featured_image.name != media.name:
            obj.featured_image = self.private_copy(media.name)
        for word, field in words.items():
            setattr(obj, field, getattr(media, word))
        if not media.alt:
            return ["its featured image has no usable alt text; add it before publishing again"]
        return []

    def copy_image(self, path: str, ref: str) -> tuple[str, str]:
        """Check an uploads file and store a copy: (storage name, '') or ('', problem).

        In a dry run the file is checked but not copied: ('', '').
        """
        local, problem = self.local_file(path)
        if local is None:
            return "", problem
        with local.open("rb") as handle:
            upload = File(handle, name=local.name)
            try:
                validate_image_file(upload)
            except ValidationError as exc:
                return "", f"{path} is not an image we accept: {' '.join(exc.messages)}"
            if self.options.dry_run:
                return "", ""
            folder = "/".join(slugify(part) or "x" for part in posixpath.dirname(path).split("/"))
            name = safe_upload_name(local.name, handle, is_image=True)
            cleaned = clean_image(handle)  # no GPS or camera data in our copy
            if cleaned is not None:
                upload = ContentFile(cleaned, name=local.name)
            stored = default_storage.save(posixpath.join(MEDIA_FOLDER, folder, name), upload)
        self.run.new_files.append(stored)  # deleted again if its record is rolled back
        return stored, ""
