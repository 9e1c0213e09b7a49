"""Sitemaps, the Google News sitemap and robots.txt.

``/sitemap.xml`` is an index of one sitemap per kind of page (articles, sections, authors,
tags, books, fixed pages), each with ``lastmod``. ``/sitemap-news.xml`` lists live articles of
the last 48 hours in Google News format. Only what the public can see is listed: live
articles, authors and tags with live articles. Every location is absolute from SITE_URL.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from books.models import Book

from . import seo
from .page_meta import tag_url

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap


def _latest(*values):
    present = [value for value in values if value is not None]
    return max(present) if present else None


class SiteUrlSitemap(Sitemap):
    """A Sitemap whose locations start with SITE_URL, whatever Host the request named."""

    limit = 10_000

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[-1]


def _latest_live(**filters):
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
        return _latest(item.modified_at, item.published_at)

    def get_latest_lastmod(self):
        dates = Article.objects.live().aggregate(p=Max("published_at"), m=Max("modified_at"))
        return _latest(dates["p"], dates["m"])


class SectionSitemap(SiteUrlSitemap):
    """Every section: each has a page (it is in the navigation), even before its first story."""

    def items(self):
        return Section.objects.annotate(latest=_latest_live(section=OuterRef("pk"))).order_by(
            "position", "name"
        )

    def lastmod(self, item):
        return _latest(item.latest, item.modified_at)

    def get_latest_lastmod(self):
        dates = self.items().aggregate(p=Max("latest"), m=Max("modified_at"))
        return _latest(dates["p"], dates["m"])


class AuthorSitemap(SiteUrlSitemap):
    """Authors with a public page, i.e. at least one live article."""

    def items(self):
        return (
            Author.objects.with_live_articles()
            .annotate(latest=_latest_live(bylines__author=OuterRef("pk")))
            .only("slug", "modified_at")
            .order_by("name", "pk")
        )

    def lastmod(self, item):
        return _latest(item.latest, item.modified_at)

    def get_latest_lastmod(self):
        dates = self.items().aggregate(p=Max("latest"), m=Max("modified_at"))
        return _latest(dates["p"], dates["m"])


class TagSitemap(SiteUrlSitemap):
    """Tags with at least one live article (the others answer 404)."""

    def items(self):
        return (
            Tag.objects.annotate(latest=_latest_live(tags=OuterRef("pk")))
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


class BookSitemap(SiteUrlSitemap):
    def items(self):
        return Book.objects.only("slug", "modified_at").order_by("shelf_position", "title", "pk")

    def lastmod(self, item):
        return item.modified_at

    def get_latest_lastmod(self):
        return Book.objects.aggregate(m=Max("modified_at"))["m"]


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


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "books": BookSitemap,
}


@require_GET
@sitemap_views.x_robots_tag
def index(request):
    """The sitemap index, with absolute locations from SITE_URL (Django's own index view
    builds them from the request's Host)."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = seo.absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(location, lastmod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            entries.append(sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_GET
def section(request, section):
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    return sitemap_views.sitemap(
        request, sitemaps=SITEMAPS, section=section, template_name="sitemaps/sitemap.xml"
    )


@require_GET
def news(request):
    return sitemap_views.sitemap(
        request,
        sitemaps={"news": NewsSitemap},
        section="news",
        template_name="sitemaps/news.xml",
    )


@require_GET
def robots_txt(request):
    """robots.txt: keep crawlers out of the admin and point them at the sitemaps."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "",
        f"Sitemap: {seo.absolute_url(reverse('sitemap'))}",
        f"Sitemap: {seo.absolute_url(reverse('sitemap-news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
