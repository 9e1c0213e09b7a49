"""Old addresses → new ones, as ``django.contrib.redirects`` rows.

Every imported author, section, tag, image and post keeps its old addresses: its permalink
or archive path, and WordPress's query address (``/?p=ID``, ``/?cat=ID``…, keyed by
``articles.legacy.legacy_query_key``, which the legacy middleware answers). A path too long
for the redirect table is stored under ``articles.legacy.redirect_key`` (its start and a
hash), which the middleware answers too, and noted; the query address never depends on it.
An existing redirect to somewhere else is kept unless ``--update`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.db import models
from django.urls import NoReverseMatch
from django.utils.text import Truncator

from articles.legacy import REDIRECT_PATH_MAX_LENGTH, legacy_query_key, redirect_key

from . import mapping
from .report import ImportReport, Outcome


class Redirects:
    """The site's redirects, read once per run and kept current as the import writes."""

    def __init__(self, report: ImportReport, *, base: str, update: bool):
        self.report = report
        self.base = base
        self.update = update
        self.paths: dict[str, str] = {}  # old path → new path, for this site

    def load(self) -> None:
        self.paths = dict(
            Redirect.objects.filter(site_id=settings.SITE_ID).values_list("old_path", "new_path")
        )

    def query_key(self, param: str, value) -> str:
        return legacy_query_key(f"{self.base}/", param, str(value))

    def redirect(self, old_path: str, new_path: str, ref: str) -> None:
        """Make ``old_path`` answer with a permanent redirect to ``new_path``."""
        problem = mapping.usable_old_path(old_path)
        if not problem and len(new_path) > REDIRECT_PATH_MAX_LENGTH:
            problem = "the new address is too long for a redirect"
        shown = Truncator(old_path).chars(80)
        if problem:
            self.report.add("redirects", Outcome.SKIPPED, shown, f"{problem} ({ref})")
            return
        if old_path == new_path:
            return
        if len(old_path) > REDIRECT_PATH_MAX_LENGTH:
            old_path = redirect_key(old_path)
            self.report.note(
                "redirects",
                shown,
                f"longer than {REDIRECT_PATH_MAX_LENGTH} characters: stored under a shortened "
                f"key ({ref})",
            )
        existing = self.paths.get(old_path)
        if existing is None:
            Redirect.objects.create(site_id=settings.SITE_ID, old_path=old_path, new_path=new_path)
            self.report.add("redirects", Outcome.CREATED)
        elif existing == new_path:
            self.report.add("redirects", Outcome.UNCHANGED)
        elif self.update:
            redirect = Redirect.objects.get(site_id=settings.SITE_ID, old_path=old_path)
            redirect.new_path = new_path
            redirect.save(update_fields=["new_path"])
            self.report.add("redirects", Outcome.UPDATED)
        else:
            self.report.add(
                "redirects",
                Outcome.SKIPPED,
                old_path,
                f"kept: it already redirects to {existing} (--update replaces it)",
            )
            return
        self.paths[old_path] = new_path

    def redirect_all(self, old_paths: Iterable[str], obj: models.Model, ref: str) -> None:
        try:
            new_path = obj.get_absolute_url()
        except NoReverseMatch:
            self.report.note("redirects", ref, "it has no address here to redirect to")
            return
        for old_path in dict.fromkeys(old_paths):
            self.redirect(old_path, new_path, ref)
