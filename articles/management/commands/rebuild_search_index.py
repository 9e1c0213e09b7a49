"""Recompute every article's search vector (PostgreSQL full-text search).

Signals keep vectors current as content changes; this command is for the times they could
not: after a bulk import with raw SQL, a restore from a dump, or a change of SEARCH_CONFIG.
"""

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.search import is_postgresql, update_search_vectors

BATCH_SIZE = 500


class Command(BaseCommand):
    help = "Recompute the full-text search vector of every article (PostgreSQL only)."

    def handle(self, *args, **options):
        if not is_postgresql():
            self.stdout.write(
                "Not on PostgreSQL: search reads the articles directly, nothing to do."
            )
            return
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), BATCH_SIZE):
            done += update_search_vectors(ids[start : start + BATCH_SIZE])
        self.stdout.write(self.style.SUCCESS(f"Search vectors rebuilt for {done} articles."))
