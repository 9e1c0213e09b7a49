from django.db import models


class PendingInvalidation(models.Model):
    """Tags a committed change could not invalidate because the cache was unreachable.

    Kept in the database so that every process (not only the one that saved) delivers them
    before it serves from the cache again (caching/cache.py, ``deliver_pending``).
    """

    tags = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{len(self.tags)} tags kept at {self.created_at:%Y-%m-%d %H:%M:%S}"
