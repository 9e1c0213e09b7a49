"""The authors' sitemap: authors with a public page."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from articles import summaries
from articles.models import AuthorSummary
from articles.sitemaps import live_lastmod, newest_summary
from newsroom.sitemaps import SiteUrlSitemap, as_text, latest, path_prefix, url_path


class AuthorSitemap(SiteUrlSitemap):
    """Authors with a public page, i.e. at least one live article, from their summaries
    (articles/summaries.py) rather than a search of the bylines per author."""

    def items(self):
        summaries.refresh_due()
        now = timezone.now()
        live = live_lastmod(now)
        # Coalesce: on SQLite, MAX() with a NULL argument is NULL.
        lastmod = Greatest("author__modified_at", Coalesce(live, "author__modified_at"))
        return (
            AuthorSummary.objects.filter(
                Q(latest_live_at__isnull=False) | Q(next_scheduled_at__lte=now)
            )
            .order_by("author__name", "author_id")
            .values_list("author__slug", as_text(lastmod))
        )

    def rows(self, page):
        prefix = path_prefix("authors:detail")
        for slug, lastmod in self.paginator.page(page).object_list:
            yield url_path(prefix, slug), lastmod

    def get_latest_lastmod(self):
        # Authors' own edits count too; the author table is small next to the archive.
        from authors.models import Author

        newest_edit = (
            Author.objects.filter(live_summary__latest_live_at__isnull=False)
            .order_by("-modified_at")
            .values_list("modified_at", flat=True)
            .first()
        )
        return latest(newest_summary(AuthorSummary), newest_edit)
