"""Pagination whose cost does not grow with the archive.

Page N of a list is an OFFSET of N × per-page rows, and Django's paginator counts the whole
list on every page: both grow with the archive (page 8,000 of 100,000 articles read 96,000
index entries). ``BoundedPaginator`` stops a list at ``max_rows`` rows: the count reads at
most that many, the deepest page skips at most that many, and a page past the bound is a 404
that says why and offers search (templates/404.html), the way to reach older articles.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property


class BeyondListBound(Http404):
    """A page number past the bound: the 404 page explains that lists stop there."""


class BoundedPaginator(Paginator):
    """A ``Paginator`` that lists at most ``max_rows`` rows (default: ``LIST_MAX_PAGES``
    pages). ``truncated`` says whether there were more."""

    def __init__(self, object_list, per_page, *args, max_rows: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.max_rows = max_rows or settings.LIST_MAX_PAGES * int(per_page)

    @cached_property
    def _bounded_count(self) -> int:
        # One row past the bound tells whether the list was cut, still in bounded time.
        return self.object_list[: self.max_rows + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.max_rows)

    @property
    def truncated(self) -> bool:
        return self._bounded_count > self.max_rows

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.truncated and int(number) > self.num_pages:
                raise BeyondListBound(
                    f"Lists go back {self.num_pages} pages; search finds older articles."
                ) from None
            raise

    def page_for(self, raw):
        """The page a ``?page=`` value names: a number, or "last" as Django's ListView takes."""
        return self.page(self.num_pages if raw == "last" else raw or 1)
