import reversion
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse

from images import library, renditions
from images.storage import originals_storage
from images.validators import validate_image_file
from newsroom.slugs import unique_slug

from .isbn import normalize_isbn, validate_isbn


class BookQuerySet(models.QuerySet):
    def on_shelf(self):
        """The "Our Books" shelf, in shelf order, with what a shelf card shows."""
        return (
            self.filter(is_on_shelf=True)
            .order_by("shelf_position", "title")
            .prefetch_related(Prefetch("authors", queryset=_author_model().objects.order_by()))
        )


def _author_model():
    from authors.models import Author

    return Author


class Book(models.Model):
    """A book the newsroom publishes or recommends, shown on the "Our Books" shelf."""

    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    authors = models.ManyToManyField("authors.Author", blank=True, related_name="books")
    author_credit = models.CharField(
        max_length=300,
        blank=True,
        help_text="Free-text credit, e.g. for writers without an author page. "
        "Shown instead of the linked authors when given.",
    )
    image = models.ForeignKey(
        "images.Image",
        verbose_name="cover",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Choose one from the image library, or upload a new one into it.",
    )
    # A copy of the library image's file and size (images/library.py).
    cover = models.ImageField(
        storage=originals_storage,  # private: readers get renditions only
        upload_to="books/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        validators=[validate_image_file],
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The file whose renditions are all made (images/tasks.py); until it names the current
    # cover, pages show a placeholder of the same size.
    cover_rendered = models.CharField(max_length=255, blank=True, editable=False)
    description = models.TextField(blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    isbn = models.CharField("ISBN", max_length=17, blank=True, validators=[validate_isbn])
    shelf_position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the shelf; lower comes first."
    )
    is_on_shelf = models.BooleanField("show on “Our Books”", default=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = BookQuerySet.as_manager()

    class Meta:
        ordering = ["shelf_position", "title"]
        indexes = [models.Index(fields=["is_on_shelf", "shelf_position"], name="book_shelf_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1450, year__lte=2100),
                name="book_year_plausible",
                violation_error_message="Give a year between 1450 and 2100.",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title, fallback="book")
        self.isbn = normalize_isbn(self.isbn)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("books:detail", kwargs={"slug": self.slug})

    # What the page tells machines (newsroom/page_meta.py asks; books/structured_data.py).
    def meta_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    def share_meta(self):
        from .structured_data import book_share_meta

        return book_share_meta(self)

    @property
    def cover_alt(self) -> str:
        return f"Cover of {self.title}"

    @property
    def credit(self) -> str:
        """Who wrote it, as printed: the free-text credit, or the linked authors' names."""
        if self.author_credit:
            return self.author_credit
        names = [author.name for author in self.authors.all()]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " and " + names[-1]
        return names[0] if names else ""


class PurchaseLink(models.Model):
    """Where to buy a book: a shop, the publisher, an e-book store."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="purchase_links")
    label = models.CharField(max_length=80, help_text="e.g. “Buy from the publisher”")
    url = models.URLField("URL", max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.label} ({self.book})"

    def get_absolute_url(self):
        return self.url


# Cover renditions (``cover_*``) made once when the cover is saved; see images/renditions.py.
renditions.attach(Book, "cover", renditions.COVER)
library.link(Book, "cover", label="cover")


reversion.register(PurchaseLink)
reversion.register(Book, follow=["purchase_links"])
