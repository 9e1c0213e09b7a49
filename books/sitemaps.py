"""The book shelf's sitemap: every book has a public page."""

from __future__ import annotations

from django.db.models import Max

from newsroom.sitemaps import SiteUrlSitemap

from .models import Book


class BookSitemap(SiteUrlSitemap):
    def items(self):
        return Book.objects.only("slug", "modified_at").order_by("shelf_position", "title", "pk")

    def lastmod(self, item):
        return item.modified_at

    def get_latest_lastmod(self):
        return Book.objects.aggregate(m=Max("modified_at"))["m"]
