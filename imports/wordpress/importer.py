"""Write a parsed WordPress export into the newsroom (the service behind ``import_wordpress``).

Order: authors (users, then Co-Authors Plus guest authors), sections (categories), tags,
images (attachments, then files the posts use that no attachment names), articles (posts),
then the report of what is not imported (pages, menus, other types, comments). Each step
has its module, whose docstring states its rules: ``authors``, ``taxonomy``, ``media``,
``posts``, ``leftovers`` (what is not imported); what they share is in ``run`` (one record
per transaction, dry runs), ``ledger`` (what each WordPress record became) and ``redirects``
(old addresses).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from . import leftovers
from .authors import Authors
from .media import Media
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

    def run(self) -> None:
        self.state.load_state()
        posts = self.unique_posts()
        self.authors.import_authors()
        self.authors.import_guest_authors(posts)
        self.taxonomy.import_categories()
        self.taxonomy.import_tags()
        self.media.import_attachments()
        self.media.import_inline_files(posts)
        self.posts.import_posts(posts)
        self.report_not_imported()

    def unique_posts(self) -> list[WPItem]:
        """The export's posts; a second item with a post ID already seen is reported."""
        posts, seen = [], set()
        for item in self.state.export.items:
            if item.post_type == "post":
                if item.wp_id in seen:
                    self.report.add(
                        "articles", Outcome.SKIPPED, item_ref(item), "a second post with this ID"
                    )
                    continue
                seen.add(item.wp_id)
                posts.append(item)
        return posts

    def report_not_imported(self) -> None:
        leftovers.report_not_imported(self.state.export, self.report)
