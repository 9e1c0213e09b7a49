"""The authors' sitemap: authors with a public page."""

from __future__ import annotations

from django.db.models import Max, OuterRef

from articles.sitemaps import latest_live
from newsroom.sitemaps import SiteUrlSitemap, latest

from .models import Author


class AuthorSitemap(SiteUrlSitemap):
    """Authors with a public page, i.e. at least one live article."""

    def items(self):
        return (
            Author.objects.with_live_articles()
            .annotate(latest=latest_live(bylines__author=OuterRef("pk")))
            .only("slug", "modified_at")
            .order_by("name", "pk")
        )

    def lastmod(self, item):
        return latest(item.latest, item.modified_at)

    def get_latest_lastmod(self):
        dates = self.items().aggregate(p=Max("latest"), m=Max("modified_at"))
        return latest(dates["p"], dates["m"])
