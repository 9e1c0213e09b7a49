"""The articles' sitemaps: articles, sections, tags, the fixed pages and Google News.

Only what the public can see is listed: live articles, and tags with live articles.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import Case, F, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from newsroom.sitemaps import SiteUrlSitemap, as_text, latest, path_prefix, url_path

from . import summaries
from .converters import TagSlugConverter
from .models import Article, Section, TagSummary

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap
_TAG_SLUG = re.compile(TagSlugConverter.regex)


def latest_live(**filters):
    """Subquery: the publication time of the newest live article matching ``filters``."""
    return Subquery(
        Article.objects.live()
        .filter(**filters)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class ArticleSitemap(SiteUrlSitemap):
    """Every live article, paged by ranges of ids rather than by OFFSET.

    Page ``p`` holds the live articles with ids in ``((p - 1) * limit, p * limit]``: a range
    scan of the primary key however deep the page, and the number of pages is the highest
    live id over ``limit`` (no count of the archive). A page can hold fewer URLs than
    ``limit`` (drafts and deleted articles leave gaps), never more: 10,000 URLs of about
    150 bytes stay far inside Google's 50,000 URLs and 50 MB.
    """

    def num_pages(self) -> int:
        top = Article.objects.live().aggregate(top=Max("pk"))["top"] or 0
        return max(1, -(-top // self.limit))

    def rows(self, page):
        prefix = path_prefix("articles:detail")
        rows = (
            Article.objects.live()
            .filter(pk__gt=(page - 1) * self.limit, pk__lte=page * self.limit)
            .order_by("pk")
            .values_list("slug", as_text(Greatest("modified_at", "published_at")))
        )
        for slug, lastmod in rows:
            yield url_path(prefix, slug), lastmod

    def get_latest_lastmod(self):
        # Two index scans (status, -published_at) and (status, -modified_at), each stopping
        # at its first live row, instead of one aggregate over the whole table.
        live = Article.objects.live()
        published = live.order_by("-published_at").values_list("published_at", flat=True)
        modified = live.order_by("-modified_at").values_list("modified_at", flat=True)
        return latest(published.first(), modified.first())


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
    """Tags with at least one live article (the others answer 404), from their summaries
    (articles/summaries.py): one row per tag, not a search of the archive per tag."""

    def items(self):
        summaries.refresh_due()
        now = timezone.now()
        return (
            TagSummary.objects.filter(
                Q(latest_live_at__isnull=False) | Q(next_scheduled_at__lte=now)
            )
            .order_by("tag__name", "tag_id")
            .values_list("tag__slug", as_text(live_lastmod(now)))
        )

    def rows(self, page):
        prefix = path_prefix("articles:tag")
        for slug, lastmod in self.paginator.page(page).object_list:
            # A tag whose slug no URL can carry has no page to list.
            if _TAG_SLUG.fullmatch(slug):
                yield url_path(prefix, slug), lastmod

    def get_latest_lastmod(self):
        return newest_summary(TagSummary)


def live_lastmod(now):
    """A summary's newest live publication as of ``now``, in SQL: a scheduled article may
    have come out since the row was stored (``refresh_due`` has refreshed it by the time
    the page is read, but the dates must not depend on that)."""
    return Case(
        When(next_scheduled_at__lte=now, then=F("next_scheduled_at")),
        default=F("latest_live_at"),
    )


def newest_summary(model):
    """The newest live publication across a summary table: an index scan of one row each.

    Read after ``items()`` (the index asks for the number of pages first), so rows that a
    scheduled article made stale have been refreshed.
    """
    newest = (
        model.objects.filter(latest_live_at__isnull=False)
        .order_by("-latest_live_at")
        .values_list("latest_live_at", flat=True)
        .first()
    )
    return newest


class PagesSitemap(SiteUrlSitemap):
    """The fixed pages: front page, the authors' list and the book shelf."""

    def items(self):
        return ["articles:home", "authors:list", "books:list"]

    def location(self, item):
        return reverse(item)

    def get_latest_lastmod(self):
        live = Article.objects.live().order_by("-published_at")
        return live.values_list("published_at", flat=True).first()

    def lastmod(self, item):
        return self.get_latest_lastmod() if item == "articles:home" else None


class NewsSitemap(SiteUrlSitemap):
    """Live articles published in the last 48 hours, newest first (Google News)."""

    limit = NEWS_LIMIT

    def news_rows(self):
        """(path, published_at, headline) of each recent article, from ``values_list``."""
        since = timezone.now() - NEWS_WINDOW
        prefix = path_prefix("articles:detail")
        rows = (
            Article.objects.live()
            .filter(published_at__gte=since)
            .order_by("-published_at", "-pk")
            .values_list("slug", "published_at", "headline")[:NEWS_LIMIT]
        )
        for slug, published_at, headline in rows:
            yield url_path(prefix, slug), published_at, headline
