from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.sitemaps import (
    ArticleSitemap,
    NewsSitemap,
    PagesSitemap,
    SectionSitemap,
    TagSitemap,
)
from authors.sitemaps import AuthorSitemap
from books.sitemaps import BookSitemap
from caching import includes
from newsroom import health, sitemaps, views
from pages.sitemaps import PageSitemap

# One sitemap per kind of page, in the index's order; each app owns its classes.
SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "books": BookSitemap,
    "webpages": PageSitemap,
}

urlpatterns = [
    # The two-step sign-in and the second factor's setup, ahead of the admin's own login.
    path("admin/", include("accounts.urls")),
    # Uploaded originals, for staff only (images/views.py); readers get renditions.
    path("admin/images/", include("images.urls")),
    path("admin/", admin.site.urls),
    path("authors/", include("authors.urls")),
    path("books/", include("books.urls")),
    # Sitemaps and robots.txt (newsroom/sitemaps.py).
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, {"sitemap": NewsSitemap}, name="sitemap-news"),
    path(
        "sitemaps/<slug:section>.xml",
        sitemaps.section,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("newsletter/", include("newsletters.urls")),
    path("healthz", health.healthz, name="healthz"),  # newsroom/health.py
    path("_parts/<str:token>/", includes.part_view, name="edge-part"),  # caching/includes.py
    path("healthz/ready", health.ready, name="healthz-ready"),
    path("", include("editorial.urls")),
    path("", include("articles.urls")),
]

if (settings.DEBUG or settings.SERVE_MEDIA) and settings.MEDIA_URL.startswith("/"):
    # Local uploads, served by Django in development and by a lone `make serve` machine.
    # Behind deploy/nginx.conf, or with object storage, requests never get here.
    import re

    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Pages (About, Masthead, Contact…) answer every address nothing above does, so they come
# last; pages/addresses.py refuses page addresses that these routes already answer.
urlpatterns += [path("", include("pages.urls"))]

# Error pages in the site's design (newsroom/views.py).
handler400 = "newsroom.views.bad_request"
handler403 = "newsroom.views.permission_denied"
handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Newsroom"
