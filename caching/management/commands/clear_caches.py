"""``manage.py clear_caches``: empty every cache layer — stored pages, fragments, their
tag versions, and the edge caches (a purge of the tag every page carries).

For a database restored from a backup (docs/operations.md): every stored page may show rows
that are no longer there, and no save will tell the caches so. Other app processes drop
their in-memory copies too, since those are checked against the tag versions this raises.
"""

from django.core.management.base import BaseCommand, CommandError

from caching import cache


class Command(BaseCommand):
    help = "Empty every cache layer: pages, fragments (all servers) and Varnish (by tag)."

    def handle(self, *args, **options):
        try:
            cache.deliver_pending()
        except cache.CacheUnavailable as error:
            raise CommandError(f"The cache is unreachable: {error}") from error
        cache.content_changed()
        if cache._distrust.is_set():
            raise CommandError("The cache is unreachable; the invalidation was kept for later.")
        cache.local_pages.clear()
        from caching import fragments

        fragments.local_fragments.clear()
        self.stdout.write("Emptied the page and fragment caches and purged the edge caches.")
