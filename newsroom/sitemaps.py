"""Sitemap machinery shared by the apps' sitemaps, the sitemap views and robots.txt.

``/sitemap.xml`` is an index of one sitemap per kind of page, each with ``lastmod``;
``/sitemap-news.xml`` lists recent articles in Google News format. Each app owns its
``Sitemap`` classes (``articles/sitemaps.py``, ``authors/sitemaps.py``, ``books/sitemaps.py``)
and the URL configuration hands them to these views, as Django's own sitemap views take
them, so this module needs no app. Every location is absolute from SITE_URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import InvalidPage, Paginator
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.html import escape
from django.views.decorators.http import require_GET

from . import seo


def latest(*values):
    """The newest of the given times, ignoring the missing ones."""
    present = [value for value in values if value is not None]
    return max(present) if present else None


def path_prefix(viewname: str, **kwargs) -> tuple[str, str]:
    """The parts of a URL pattern's path around its ``slug``: reverse once, then build each
    location by concatenation (``reverse()`` per row was half the cost of a big sitemap)."""
    marker = "sitemap-slug-marker"
    path = reverse(viewname, kwargs={**kwargs, "slug": marker})
    before, _, after = path.partition(marker)
    return before, after


def url_path(prefix: tuple[str, str], slug: str) -> str:
    """``prefix`` around ``slug``, percent-encoded as ``reverse()`` would encode it."""
    if not _PLAIN_SLUG.fullmatch(slug):
        slug = iri_to_uri(quote(slug, safe=""))
    return f"{prefix[0]}{slug}{prefix[1]}"


_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class SiteUrlSitemap(Sitemap):
    """A Sitemap whose locations start with SITE_URL, whatever Host the request named.

    Pages are written by ``section()`` from ``rows(page)``: (path, lastmod) pairs, as plain
    strings, so a sitemap of thousands of URLs costs no template and, where a subclass
    builds its rows from ``values_list``, no model instances.
    """

    limit = 10_000

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[-1]

    @cached_property
    def paginator(self):
        # Django's is a plain property: a new Paginator, and a new count, on every use.
        return Paginator(self._items(), self.limit)

    def num_pages(self) -> int:
        """How many pages the index lists (one at least, even when empty)."""
        return self.paginator.num_pages

    def rows(self, page: int) -> Iterable[tuple[str, datetime | str | None]]:
        """(path, lastmod) of each URL of ``page`` (1-based); ``EmptyPage`` or
        ``PageNotAnInteger`` when there is no such page. A lastmod may be ``as_text()``."""
        for item in self.paginator.page(page).object_list:
            yield self.location(item), self.lastmod(item)


def as_text(expression) -> Cast:
    """A datetime expression read as the database's text, for ``w3c()``.

    Parsing thousands of timestamps into Python datetimes only to print them again was most
    of a big sitemap's time; the text needs two string edits instead.
    """
    return Cast(expression, output_field=CharField())


def w3c(value: datetime | str | None) -> str:
    """A W3C datetime from a datetime or from ``as_text()``: PostgreSQL writes
    "2026-12-03 10:15:26.5+00" (the connection is in UTC), SQLite "2026-12-03 10:15:26.5"."""
    if value is None or isinstance(value, datetime):
        return value.isoformat() if value else ""
    value = value.replace(" ", "T", 1)
    if value.endswith(("+00", "-00")):
        return value + ":00"
    if "+" in value[10:] or value[10:].count("-") or value.endswith("Z"):
        return value
    return value + "+00:00"


def _w3c(value: datetime | str | None) -> str:
    return f"<lastmod>{w3c(value)}</lastmod>" if value else ""


def urlset_xml(rows: Iterable[tuple[str, datetime | str | None]]) -> str:
    """A sitemap document of absolute locations (SITE_URL + path). Paths from our URL
    patterns carry no XML-special characters except "&", which is escaped."""
    base = settings.SITE_URL.rstrip("/")
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    parts.extend(
        f"<url><loc>{base}{escape(path) if '&' in path else path}</loc>{_w3c(lastmod)}</url>\n"
        for path, lastmod in rows
        if path
    )
    parts.append("</urlset>\n")
    return "".join(parts)


@require_GET
@sitemap_views.x_robots_tag
def index(request, sitemaps):
    """The sitemap index, with absolute locations from SITE_URL (Django's own index view
    builds them from the request's Host)."""
    entries = []
    for section, sitemap_class in sitemaps.items():
        sitemap = sitemap_class()
        location = seo.absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        num_pages = sitemap.num_pages()  # first: it refreshes summaries the lastmod reads
        lastmod = sitemap.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(location, lastmod))
        for page in range(2, num_pages + 1):
            entries.append(sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_GET
@sitemap_views.x_robots_tag
def section(request, section, sitemaps):
    """One page (``?p=N``) of one sitemap, written from its rows without a template."""
    if section not in sitemaps:
        raise Http404("No such sitemap.")
    sitemap = sitemaps[section]()
    try:
        page = int(request.GET.get("p", 1))
        if page < 1 or page > sitemap.num_pages():
            raise InvalidPage
        body = urlset_xml(sitemap.rows(page))
    except (ValueError, InvalidPage) as error:
        raise Http404("No such sitemap page.") from error
    return HttpResponse(body, content_type="application/xml")


@require_GET
@sitemap_views.x_robots_tag
def news(request, sitemap):
    """The Google News sitemap: ``sitemap().news_rows()`` gives (path, published, title)."""
    base = settings.SITE_URL.rstrip("/")
    publication = (
        "<news:publication>"
        f"<news:name>{escape(seo.xml_text(settings.SITE_NAME))}</news:name>"
        f"<news:language>{escape(seo.news_language())}</news:language>"
        "</news:publication>"
    )
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
    ]
    parts.extend(
        f"<url><loc>{base}{escape(path)}</loc><news:news>{publication}"
        f"<news:publication_date>{published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(seo.xml_text(title))}</news:title></news:news></url>\n"
        for path, published, title in sitemap().news_rows()
    )
    parts.append("</urlset>\n")
    return HttpResponse("".join(parts), content_type="application/xml")


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
