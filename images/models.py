"""The image library: every uploaded picture is one ``Image``, reused wherever it appears.

Alt text, caption and credit belong to the image and travel with it (a featured image, an
author's photo, a book cover, a figure in a body). An article, author, book or page points at
its image (``image``), and keeps a copy of the image's file name, size and words in its own
columns (images/library.py keeps them in step). Why a copy: the renditions machinery, the
public templates, share cards and JSON-LD read those columns, so pages cost no extra query
and render exactly as before; the library stays the one place where an editor changes them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from images import renditions
from images.storage import originals_storage
from images.validators import validate_alt_text, validate_image_file


class ImageQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("uploaded_by")


class Image(models.Model):
    file = models.ImageField(
        storage=originals_storage,  # private: readers get renditions only
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text="A JPEG, PNG, GIF or WebP photograph or illustration.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The file whose renditions are all made (images/tasks.py).
    file_rendered = models.CharField(max_length=255, blank=True, editable=False)
    title = models.CharField(
        max_length=200, blank=True, help_text="For finding it in the library; not shown."
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        validators=[validate_alt_text],
        help_text="What the image shows, for readers who cannot see it. Required to publish "
        "unless the image is marked decorative.",
    )
    is_decorative = models.BooleanField(
        "decorative",
        default=False,
        help_text="Only ornament, saying nothing a reader would miss: shown with empty alt "
        "text, and screen readers skip it.",
    )
    caption = models.CharField(max_length=400, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    focal_point_x = models.PositiveSmallIntegerField(
        "focal point across (%)",
        null=True,
        blank=True,
        help_text="Where the subject is, from the left edge (0–100). Crops keep it in view.",
    )
    focal_point_y = models.PositiveSmallIntegerField(
        "focal point down (%)",
        null=True,
        blank=True,
        help_text="Where the subject is, from the top edge (0–100).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        permissions = [
            # Without it (contributors), only one's own uploads that nothing published shows
            # (images/library.py ``change_refusal``).
            ("change_any_image", "Can change any library image, even one published pages show"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_point_x__isnull=True) | models.Q(focal_point_x__lte=100),
                name="image_focal_point_x_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(focal_point_y__isnull=True) | models.Q(focal_point_y__lte=100),
                name="image_focal_point_y_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.alt_text or self.file.name.rsplit("/", 1)[-1] or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        """Images have no public page: their address is their place in the library."""
        return reverse("admin:images_image_change", args=[self.pk])

    def clean(self) -> None:
        if (self.focal_point_x is None) != (self.focal_point_y is None):
            raise ValidationError("Give both focal point coordinates, or neither.")

    @property
    def alt(self) -> str:
        """The alt attribute as printed: empty for a decorative image."""
        return "" if self.is_decorative else self.alt_text

    # The names the renditions machinery reads (``<source>_width``, images/renditions.py).
    @property
    def file_width(self) -> int | None:
        return self.width

    @property
    def file_height(self) -> int | None:
        return self.height

    @property
    def focal_point(self) -> tuple[int, int] | None:
        if self.focal_point_x is None or self.focal_point_y is None:
            return None
        return self.focal_point_x, self.focal_point_y

    def alt_problems(self) -> list[str]:
        """What stops this image going out in a published page (empty: nothing)."""
        if self.is_decorative:
            return []
        text = (self.alt_text or "").strip()
        if not text:
            return [
                "Describe the image in its alt text (or mark it decorative): readers who "
                "cannot see it rely on it."
            ]
        try:
            validate_alt_text(text)
        except ValidationError as error:
            return list(error.messages)
        return []

    def usage(self) -> list[tuple[str, models.Model]]:
        """Where the image appears: (what, object), for its admin page."""
        from images import library

        return library.usage(self)


# Made only when a body shows the image (images/library.py): as a featured image, photo or
# cover it is printed through its owner's copy, whose renditions are the same files.
renditions.attach(Image, "file", renditions.LEAD, queue=False)
