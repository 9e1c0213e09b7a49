"""The authors' sitemap: authors with a public page."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from articles import summaries
from articles.models import AuthorSummary
from articles.sitemaps import live_lastmod, newest_summary
from newsroom.sitemaps import SiteUrlSitemap, latest, path_prefix, url_path


class AuthorSitemap(SiteUrlSitemap):
    """Authors with a public page, i.e. at least one live article, from their summaries
    (articles/summaries.py) rather than a search of the bylines per author."""

    def items(self):
        summaries.refresh_due()
        now = timezone.now()
        return (
            AuthorSummary.objects.filter(
                Q(latest_live_at__isnull=False) | Q(next_scheduled_at__lte=now)
            )
            .order_by("author__name", "author_id")
            .values_list(
                "author__slug", "author__modified_at", "latest_live_at", "next_scheduled_at"
            )
        )

    def rows(self, page):
        prefix = path_prefix("authors:detail")
        now = timezone.now()
        for slug, modified_at, latest_live_at, next_at in self.paginator.page(page).object_list:
            yield (
                url_path(prefix, slug),
                latest(live_lastmod(latest_live_at, next_at, now), modified_at),
            )

    def get_latest_lastmod(self):
        # Authors' own edits count too: one index scan of Author.modified_at would need an
        # index; the author table is small next to the archive, so its MAX is cheap.
        from authors.models import Author

        newest_edit = (
            Author.objects.filter(live_summary__latest_live_at__isnull=False)
            .order_by("-modified_at")
            .values_list("modified_at", flat=True)
            .first()
        )
        return latest(newest_summary(AuthorSummary), newest_edit)
