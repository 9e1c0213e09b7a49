"""Sitemap machinery shared by the apps' sitemaps, the sitemap views and robots.txt.

``/sitemap.xml`` is an index of one sitemap per kind of page, each with ``lastmod``;
``/sitemap-news.xml`` lists recent articles in Google News format. Each app owns its
``Sitemap`` classes (``articles/sitemaps.py``, ``authors/sitemaps.py``, ``books/sitemaps.py``)
and the URL configuration hands them to these views, as Django's own sitemap views take
them, so this module needs no app. Every location is absolute from SITE_URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import seo


def latest(*values):
    """The newest of the given times, ignoring the missing ones."""
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


@require_GET
@sitemap_views.x_robots_tag
def index(request, sitemaps):
    """The sitemap index, with absolute locations from SITE_URL (Django's own index view
    builds them from the request's Host)."""
    entries = []
    for section, sitemap_class in sitemaps.items():
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
def section(request, section, sitemaps):
    if section not in sitemaps:
        raise Http404("No such sitemap.")
    return sitemap_views.sitemap(
        request, sitemaps=sitemaps, section=section, template_name="sitemaps/sitemap.xml"
    )


@require_GET
def news(request, sitemap):
    """The Google News sitemap: one ``Sitemap`` class whose items are the recent articles."""
    return sitemap_views.sitemap(
        request,
        sitemaps={"news": sitemap},
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
