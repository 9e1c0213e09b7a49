"""The pages' sitemap: every live page, at its nested address."""

from __future__ import annotations

from django.db.models import Max

from newsroom.sitemaps import SiteUrlSitemap, latest

from .models import Page


class PageSitemap(SiteUrlSitemap):
    def items(self):
        return Page.objects.live().with_ancestors().order_by("pk")

    def lastmod(self, item):
        return latest(item.modified_at, item.published_at)

    def get_latest_lastmod(self):
        dates = Page.objects.live().aggregate(p=Max("published_at"), m=Max("modified_at"))
        return latest(dates["p"], dates["m"])
