"""What each record of an outside system (a WordPress export) became here.

Importers key their work by the outside system's own identifiers (a WordPress post ID, a user
login, a term ID), not by our slugs or names, so a second run finds what the first one made
even after an editor renamed a slug, and ``--update`` can tell whether the source changed
since (``external_modified_at`` and a fingerprint in ``data``).
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedItem(models.Model):
    """One imported record: its source, kind and outside ID, and the object it became."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        ATTACHMENT = "attachment", "Attachment"
        FILE = "file", "Uploaded file"
        AUTHOR = "author", "Author"
        GUEST_AUTHOR = "guest-author", "Guest author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        PAGE = "page", "Page"

    source = models.CharField(
        max_length=200, help_text="Where the record came from, e.g. the WordPress site's address."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    external_id = models.CharField(
        "ID at the source", max_length=255, help_text="The post ID, user login or term ID there."
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content_object = GenericForeignKey("content_type", "object_id")
    file = models.CharField(
        max_length=500, blank=True, help_text="The stored copy of an imported media file."
    )
    external_modified_at = models.DateTimeField("modified at the source", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "kind", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="imported_item_unique_key"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="imported_item_object_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.external_id} from {self.source}"
