"""Write a parsed WordPress export into the newsroom (the service behind ``import_wordpress``).

Order: authors (users, then Co-Authors Plus guest authors), sections (categories), tags,
images (attachments, then files the posts and pages use that no attachment names), articles
(posts), pages (parents first), then the report of what is not imported (menus, other
types, comments). Each step has its module, whose docstring states its rules: ``authors``,
``taxonomy``, ``media``, ``posts``, ``pages``, ``leftovers`` (what is not imported); what
they share is in ``run`` (one record per transaction, dry runs), ``ledger`` (what each
WordPress record became) and ``redirects`` (old addresses).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from . import leftovers
from .authors import Authors
from .media import Media
from .pages import Pages
from .parser import WPItem, WXRExport
from .posts import Posts
from .report import ImportReport, Outcome
from .run import ImportOptions, ImportRun, item_ref
from .taxonomy import Taxonomy

__all__ = ["ImportOptions", "Importer", "wordpress_import"]


def wordpress_import(
    *,
    export: WXRExport,
    options: ImportOptions,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import ``export``; return the report. A dry run is rolled back as a whole."""
    importer = Importer(export, options, progress=progress)
    if options.dry_run:
        with transaction.atomic():
            importer.run()
            transaction.set_rollback(True)
    else:
        importer.run()
    return importer.report


class Importer:
    """One import of one export: the steps, in the order each needs the one before."""

    def __init__(self, export: WXRExport, options: ImportOptions, *, progress=None):
        self.state = ImportRun(export, options, progress=progress)
        self.report = self.state.report
        self.authors = Authors(self.state)
        self.taxonomy = Taxonomy(self.state)
        self.media = Media(self.state)
        self.posts = Posts(
            self.state, authors=self.authors, taxonomy=self.taxonomy, media=self.media
        )
        self.pages = Pages(self.state, media=self.media)

    def run(self) -> None:
        self.state.load_state()
        posts = self.unique_items("post", "articles")
        pages = self.unique_items("page", "pages") if leftovers.imports_pages() else []
        self.authors.import_authors()
        self.authors.import_guest_authors(posts)
        self.taxonomy.import_categories()
        self.taxonomy.import_tags()
        self.media.import_attachments()
        self.media.import_inline_files(posts + pages)
        self.posts.import_posts(posts)
        self.pages.import_pages(pages)
        self.report_not_imported()

    def unique_items(self, post_type: str, kind: str) -> list[WPItem]:
        """The export's items of ``post_type``; a second item with an ID already seen is
        reported under ``kind``."""
        found, seen = [], set()
        for item in self.state.export.items:
            if item.post_type == post_type:
                if item.wp_id in seen:
                    why = f"a second {post_type} with this ID"
                    self.report.add(kind, Outcome.SKIPPED, item_ref(item), why)
                    continue
                seen.add(item.wp_id)
                found.append(item)
        return found

    def report_not_imported(self) -> None:
        leftovers.report_not_imported(self.state.export, self.report)
