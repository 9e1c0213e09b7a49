"""The articles' sitemaps: articles, sections, tags, the fixed pages and Google News.

Only what the public can see is listed: live articles, and tags with live articles.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from newsroom.sitemaps import SiteUrlSitemap, latest

from .models import Article, Section
from .tag_slugs import tag_url

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap


def latest_live(**filters):
    """Subquery: the publication time of the newest live article matching ``filters``."""
    return Subquery(
        Article.objects.live()
        .filter(**filters)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class ArticleSitemap(SiteUrlSitemap):
    def items(self):
        return (
            Article.objects.live()
            .only("slug", "published_at", "modified_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return latest(item.modified_at, item.published_at)

    def get_latest_lastmod(self):
        dates = Article.objects.live().aggregate(p=Max("published_at"), m=Max("modified_at"))
        return latest(dates["p"], dates["m"])


class SectionSitemap(SiteUrlSitemap):
    """Every section: each has a page (it is in the navigation), even before its first story."""

    def items(self):
        return Section.objects.annotate(latest=latest_live(section=OuterRef("pk"))).order_by(
            "position", "name"
        )

    def lastmod(self, item):
        return latest(item.latest, item.modified_at)

    def get_latest_lastmod(self):
        dates = self.items().aggregate(p=Max("latest"), m=Max("modified_at"))
        return latest(dates["p"], dates["m"])


class TagSitemap(SiteUrlSitemap):
    """Tags with at least one live article (the others answer 404)."""

    def items(self):
        return (
            Tag.objects.annotate(latest=latest_live(tags=OuterRef("pk")))
            .filter(latest__isnull=False)
            .order_by("name", "pk")
        )

    def location(self, item):
        return tag_url(item)

    def _urls(self, page, protocol, domain):
        # A tag whose slug no URL can carry has no page to list.
        return [url for url in super()._urls(page, protocol, domain) if url["location"]]

    def lastmod(self, item):
        return item.latest

    def get_latest_lastmod(self):
        return self.items().aggregate(p=Max("latest"))["p"]


class PagesSitemap(SiteUrlSitemap):
    """The fixed pages: front page, the authors' list and the book shelf."""

    def items(self):
        return ["articles:home", "authors:list", "books:list"]

    def location(self, item):
        return reverse(item)

    def get_latest_lastmod(self):
        return Article.objects.live().aggregate(p=Max("published_at"))["p"]

    def lastmod(self, item):
        return self.get_latest_lastmod() if item == "articles:home" else None


class NewsSitemap(ArticleSitemap):
    """Live articles published in the last 48 hours, newest first (Google News)."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.live()
            .filter(published_at__gte=since)
            .only("slug", "headline", "published_at", "modified_at")
            .order_by("-published_at", "-pk")[:NEWS_LIMIT]
        )
