"""One import run: its options, the state every step shares, and how each record is written.

Rules every step keeps:

- **All or nothing per record.** Each record (a post with its bylines, tags, redirects and
  ledger entry; an author; a section; a tag; an image) is written in its own transaction by
  ``ImportRun.attempt``; a failure rolls that record back entirely, is reported with its
  reason, and the import goes on. A file copied for a record that is rolled back is deleted
  again, and what the record counted in the report is taken back, so the report and the media
  folder agree with the database.
- **Nothing existing is overwritten without ``--update``.** Without it, records imported
  before are left alone and an existing redirect is kept; with it, a post whose WordPress
  modification time or content changed is written again (its slug stays, so its address
  does not change) and redirects are pointed at the current addresses.
- **Every record is counted once per run**, created, updated or unchanged, however many
  posts use it (``ImportRun.seen``), so a second run accounts for the same totals as the
  first — authors, sections and tags first met in a post's data included.
- **A dry run writes nothing**: everything runs inside one transaction that is rolled back
  (see ``importer.wordpress_import``), and no file is copied.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from . import mapping
from .ledger import Ledger
from .parser import WPItem, WXRExport
from .redirects import Redirects
from .report import ImportReport, Outcome
from .text import clean_text

logger = logging.getLogger(__name__)


@dataclass
class ImportOptions:
    media_dir: Path | None = None
    update: bool = False
    dry_run: bool = False
    time_zone: str = ""
    category_base: str = "category"
    tag_base: str = "tag"


def source_key(export: WXRExport) -> str:
    """The ``ImportedItem.source`` of an export: the WordPress site's address."""
    url = export.base_blog_url or export.base_site_url or export.link or "wordpress"
    return url.strip().rstrip("/").lower()[:200]


def item_ref(item: WPItem) -> str:
    title = Truncator(clean_text(item.title) or "untitled").chars(60)
    label = "post" if item.post_type == "post" else item.post_type
    return f"{label} {item.wp_id} “{title}”"


class ImportRun:
    """What the steps of one import share: the export, the options, the ledger, the
    redirects and the report, and the transaction each record is written in."""

    def __init__(self, export: WXRExport, options: ImportOptions, *, progress=None):
        self.export = export
        self.options = options
        self.progress = progress
        self.tz = mapping.get_timezone(options.time_zone or settings.TIME_ZONE)
        self.now = timezone.now()
        self.source = source_key(export)
        self.hosts = mapping.site_hosts(export)
        self.base = mapping.blog_path(export)
        self.media_root = options.media_dir.resolve() if options.media_dir else None
        self.report = ImportReport(
            source=self.source, dry_run=options.dry_run, wxr_version=export.wxr_version
        )
        self.report.warnings.extend(export.warnings)
        self.ledger = Ledger(self.source)
        self.redirects = Redirects(self.report, base=self.base, update=options.update)
        self.new_files: list[str] = []  # files copied by the record being imported
        # (kind, WordPress key) of the authors, sections and tags counted in this run's
        # report; one met again in a later post is reused without being counted twice.
        self.seen: set[tuple[str, str]] = set()

    def load_state(self) -> None:
        """Read this site's import records and the redirects once, not once per lookup.

        Both are kept current as the import writes; after a rolled-back record they are
        read again, and the object cache is emptied.
        """
        self.ledger.load()
        self.redirects.load()

    def attempt(self, kind: str, ref: str, work: Callable[[], None]) -> bool:
        """Run ``work`` in its own transaction; on any error roll it back and report why.

        Rolling back also takes back what the work counted in the report and the files it
        copied, so the report and the media folder agree with the database.
        """
        counts = {key: Counter(counter) for key, counter in self.report.counts.items()}
        entries = len(self.report.entries)
        seen = set(self.seen)
        self.new_files = []
        try:
            with transaction.atomic():
                work()
        except Exception as exc:  # one bad record must not stop the import
            logger.warning("WordPress import: %s failed", ref, exc_info=True)
            self.load_state()  # what the rolled-back work added to it is gone
            for name in self.new_files:
                default_storage.delete(name)
            self.report.counts = defaultdict(Counter, counts)
            self.seen = seen
            del self.report.entries[entries:]
            self.report.add(kind, Outcome.FAILED, ref, f"{type(exc).__name__}: {exc}")
            return False
        finally:
            self.new_files = []
        return True


class Step:
    """A part of the import (authors, taxonomy, media, posts) working on one run."""

    def counted(self, kind: str, key) -> bool:
        """Whether this run has counted the record already; marks it counted if not."""
        mark = (kind, str(key))
        if mark in self.run.seen:
            return True
        self.run.seen.add(mark)
        return False

    def known_and_counted(self, kind: str, key):
        """The object this run already imported and counted for (kind, key), else None:
        the caller then imports it, which counts it (as unchanged on a second run)."""
        if (kind, str(key)) not in self.run.seen:
            return None
        return self.ledger.known(kind, key)

    def __init__(self, run: ImportRun):
        self.run = run
        self.options = run.options
        self.report = run.report
        self.ledger = run.ledger
        self.redirects = run.redirects
        self.hosts = run.hosts
        self.base = run.base
