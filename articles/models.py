import secrets

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from images import renditions
from images.validators import validate_alt_text, validate_image_file
from newsroom.sanitize import sanitize_html
from newsroom.slugs import unique_slug

EXCERPT_WORDS = 40


class Section(models.Model):
    """A part of the publication (Articles, Opinion, News) with its own page and feed."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation; lower comes first."
    )
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="section")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """The public gate: published, and published at or before now.

        Every public path (pages, search, feeds, sitemaps, author archives, Recent Articles,
        JSON-LD) starts here. The time is compared at query time, so a scheduled article
        becomes public at its moment without a cron job.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """What a list of article cards needs, in a fixed number of queries.

        Pages never show the search vector, the largest column after the body: it is left
        in the database.
        """
        return (
            self.select_related("section")
            .defer("search_vector")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            )
        )

    def for_detail(self):
        return self.for_listing().prefetch_related("tags")


class Article(models.Model):
    """A story: our own, or republished with permission from another publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The last part of the article's address. Made from the headline if empty.",
    )
    dek = models.CharField(
        "standfirst", max_length=300, blank=True, help_text="The line under the headline."
    )
    body = models.TextField(blank=True)
    excerpt = models.TextField(
        blank=True,
        help_text="Shown in lists and previews. Left empty, the opening of the body is used.",
    )
    featured_image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
        validators=[validate_image_file],
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        validators=[validate_alt_text],
        help_text="What the image shows, for readers who cannot see it. Required to publish.",
    )
    featured_image_caption = models.CharField("caption", max_length=400, blank=True)
    featured_image_credit = models.CharField("credit", max_length=200, blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    tags = TaggableManager(blank=True)
    authors = models.ManyToManyField(
        "authors.Author", through="Byline", related_name="articles", blank=True
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="A time in the future schedules the article.",
    )
    updated_at = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        help_text="When readers were last told the article changed (shown as “Updated …”).",
    )
    source_name = models.CharField(
        "originally published at",
        max_length=200,
        blank=True,
        help_text="For republished pieces: the publication where it first appeared.",
    )
    source_url = models.URLField(
        "original URL", max_length=500, blank=True, help_text="Used as the canonical link."
    )
    permission_note = models.CharField(
        max_length=200,
        blank=True,
        default="republished with permission",
        help_text="How we may use it, as shown to readers.",
    )
    seo_title = models.CharField(
        "SEO title", max_length=200, blank=True, help_text="Defaults to the headline."
    )
    seo_description = models.CharField(
        "SEO description", max_length=300, blank=True, help_text="Defaults to the excerpt."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts saves; an edit made from an older version is refused (no lost edits).",
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_live_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(
                condition=Q(source_url="") | ~Q(source_name=""),
                name="article_source_url_has_name",
                violation_error_message="Name the publication the original URL belongs to.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "unpublished"]),
                name="article_status_valid",
            ),
        ]
        # The editorial roles (articles/roles.py) are built from these and the model defaults.
        permissions = [
            ("change_any_article", "Can edit any article, in any state"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("review_article", "Can return articles in review to their authors"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.headline, fallback="article")
        self.body = sanitize_html(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "version" in update_fields:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_republished(self) -> bool:
        return bool(self.source_name)

    @property
    def summary(self) -> str:
        """The given excerpt, or the opening words of the body."""
        if self.excerpt:
            return self.excerpt
        return Truncator(strip_tags(self.body).replace("&nbsp;", " ")).words(EXCERPT_WORDS)

    @property
    def was_updated(self) -> bool:
        return bool(self.updated_at and self.published_at and self.updated_at > self.published_at)

    @property
    def byline_authors(self) -> list:
        """Authors in byline order (uses the prefetched bylines of ``for_listing``)."""
        return [byline.author for byline in self.bylines.all()]


class Byline(models.Model):
    """One author's credit on an article, in order, with its role."""

    class Role(models.TextChoices):
        BY = "by", "By"
        REPORTED_BY = "reported_by", "Reported by"
        WRITTEN_BY = "written_by", "Written by"
        TRANSLATED_BY = "translated_by", "Translated by"
        EDITED_BY = "edited_by", "Edited by"
        PHOTOS_BY = "photos_by", "Photographs by"
        ADDITIONAL_REPORTING = "additional_reporting", "Additional reporting by"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.BY)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author", "role"], name="byline_unique_author_role"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.author}"

    def get_absolute_url(self):
        return self.author.get_absolute_url()

    @property
    def is_plain(self) -> bool:
        return self.role == self.Role.BY


# Renditions of the featured image (images/renditions.py), made once when the image is saved:
# ``lead_*`` for the article page, ``card_*`` (3:2) for lists, ``og_image`` (1200×630 JPEG)
# for link previews.
renditions.attach(Article, "featured_image", renditions.LEAD, renditions.CARD, og=True)


# --- Editorial workflow: audit trail, corrections, preview links, revisions -------------------


class StatusChange(models.Model):
    """One entry in an article's audit trail: who did what to it, when, and why.

    Every workflow service (articles/services.py) writes one, so the trail answers "who moved
    this article to which state when" without reading revisions.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to the author"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Unpublished"
        UNSCHEDULED = "unscheduled", "Schedule cancelled"
        CORRECTED = "corrected", "Correction added"
        UPDATED = "updated", "Update note added"
        SLUG_CHANGED = "slug_changed", "Address changed"
        RESTORED = "restored", "Revision restored"
        PREVIEW_SHARED = "preview_shared", "Preview link shared"
        PREVIEW_REVOKED = "preview_revoked", "Preview link revoked"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(
        "from", max_length=12, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField("to", max_length=12, choices=Article.Status.choices)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="The publication time the article had after this change.",
    )
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "status change"
        indexes = [models.Index(fields=["article", "-at"], name="statuschange_article_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"


class Correction(models.Model):
    """A dated correction or update note appended to a published article.

    Notes are only ever added (by ``article_add_correction``), never edited: readers must be
    able to trust that what we said we got wrong stays said.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="Plain text, shown to readers under the article.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"correction-{self.pk}"


def new_preview_token() -> str:
    return secrets.token_urlsafe(32)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open their article: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A secret, expiring, revocable address that shows an unpublished article to anyone.

    The token is 256 random bits, so the address cannot be guessed; the draft behind it is
    never cached and never indexed.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, default=new_preview_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Preview of {self.article}"

    def get_absolute_url(self):
        return reverse("articles:preview", kwargs={"token": self.token})

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


# Revisions: an article's version carries its bylines; its tags (taggit's generic TaggedItem
# rows) are added explicitly by articles/revisions.py, because taggit's through model is not
# serialised with the article.
reversion.register(Section)
reversion.register(Byline)
reversion.register(TaggedItem)
reversion.register(Article, follow=["bylines"], exclude=["search_vector"])
