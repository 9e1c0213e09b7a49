import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from images import library, renditions
from images.storage import originals_storage
from images.validators import validate_image_file
from newsroom.slugs import unique_slug

from . import social

x_handle_validator = RegexValidator(
    r"^@?[A-Za-z0-9_]{1,15}$", "An X handle is 1–15 letters, digits or underscores, like @name."
)
bluesky_handle_validator = RegexValidator(
    r"^@?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$",
    "A Bluesky handle is a domain name, like name.bsky.social.",
)
mastodon_handle_validator = RegexValidator(
    r"^@?[A-Za-z0-9_]{1,30}@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$",
    "A Mastodon handle names the user and the server, like @name@example.social.",
)


class AuthorQuerySet(models.QuerySet):
    def with_live_articles(self):
        """Authors with at least one public article: only they get a public page."""
        from articles.models import Article

        live = Article.objects.live().filter(bylines__author=models.OuterRef("pk"))
        return self.filter(models.Exists(live))

    def staff(self):
        """Who the masthead lists, in its order: by position, then role, then name."""
        return self.filter(is_staff=True).order_by("staff_position", "staff_role", "name")


class Author(models.Model):
    """A person credited on articles or books. Not a login: guest authors have no account."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, blank=True, allow_unicode=False)
    job_title = models.CharField(max_length=120, blank=True)
    image = models.ForeignKey(
        "images.Image",
        verbose_name="photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Choose one from the image library, or upload a new one into it.",
    )
    # A copy of the library image's file and size (images/library.py).
    photo = models.ImageField(
        storage=originals_storage,  # private: readers get renditions only
        upload_to="authors/%Y/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        validators=[validate_image_file],
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The file whose renditions are all made (images/tasks.py); until it names the current
    # photo, pages show a placeholder of the same size.
    photo_rendered = models.CharField(max_length=255, blank=True, editable=False)
    short_bio = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences, shown under articles."
    )
    long_bio = models.TextField(blank=True, help_text="Shown on the author's page.")
    x_handle = models.CharField(
        "X (Twitter) handle", max_length=16, blank=True, validators=[x_handle_validator]
    )
    bluesky_handle = models.CharField(
        max_length=253, blank=True, validators=[bluesky_handle_validator]
    )
    mastodon_handle = models.CharField(
        max_length=255, blank=True, validators=[mastodon_handle_validator]
    )
    facebook_url = models.URLField("Facebook URL", blank=True)
    website_url = models.URLField("website", blank=True)
    is_staff = models.BooleanField(
        "on the masthead",
        default=False,
        help_text="Staff are listed on the masthead page, grouped by their masthead role.",
    )
    staff_role = models.CharField(
        "masthead role",
        max_length=80,
        blank=True,
        help_text="The masthead group this person is listed under, e.g. “Editors”.",
    )
    staff_position = models.PositiveSmallIntegerField(
        "masthead order",
        default=0,
        help_text="Lower comes first; the first person of a group places the group.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The login of a staff writer. Guest authors have none.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="author")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    # What the page tells machines (newsroom/page_meta.py asks; authors/structured_data.py).
    def meta_title(self) -> str:
        return self.name

    def share_meta(self):
        from .structured_data import author_share_meta

        return author_share_meta(self)

    def clean(self):
        self.x_handle = social.x_handle_from(self.x_handle)
        self.bluesky_handle = social.bluesky_handle_from(self.bluesky_handle)
        self.mastodon_handle = social.mastodon_handle_from(self.mastodon_handle)
        if self.facebook_url and not re.match(
            r"^https://([a-z0-9-]+\.)?facebook\.com/", self.facebook_url, re.IGNORECASE
        ):
            raise ValidationError({"facebook_url": "Give a facebook.com address."})

    @property
    def photo_alt(self) -> str:
        return f"Portrait of {self.name}"

    @property
    def x_url(self) -> str:
        return f"https://x.com/{self.x_handle}" if self.x_handle else ""

    @property
    def bluesky_url(self) -> str:
        return f"https://bsky.app/profile/{self.bluesky_handle}" if self.bluesky_handle else ""

    @property
    def mastodon_url(self) -> str:
        if not self.mastodon_handle or "@" not in self.mastodon_handle:
            return ""
        user, _, host = self.mastodon_handle.partition("@")
        return f"https://{host}/@{user}"

    @property
    def social_links(self) -> list[dict]:
        """The author's profiles, in display order, each with a label readers understand."""
        links = []
        if self.x_handle:
            links.append(
                {"network": "x", "label": f"Follow on X @{self.x_handle}", "url": self.x_url}
            )
        if self.bluesky_handle:
            links.append(
                {
                    "network": "bluesky",
                    "label": f"Follow on Bluesky @{self.bluesky_handle}",
                    "url": self.bluesky_url,
                }
            )
        if self.mastodon_handle:
            links.append(
                {
                    "network": "mastodon",
                    "label": f"Follow on Mastodon @{self.mastodon_handle}",
                    "url": self.mastodon_url,
                }
            )
        if self.facebook_url:
            links.append({"network": "facebook", "label": "Facebook", "url": self.facebook_url})
        if self.website_url:
            links.append({"network": "website", "label": "Website", "url": self.website_url})
        return links


# Square portraits (``portrait_*``) made once when the photo is saved; see images/renditions.py.
renditions.attach(Author, "photo", renditions.PORTRAIT)
library.link(Author, "photo", label="photo")
