import re

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from editorial.models import EditorialModel, EditorialQuerySet
from images import library, renditions
from images.body import alt_problems as body_alt_problems
from images.storage import originals_storage
from images.validators import alt_text_problems, validate_alt_text, validate_image_file
from newsroom.slugs import unique_slug

EXCERPT_WORDS = 40
# What lists, search engines and share cards show without cutting (the checklist's lengths).
EXCERPT_MAX_CHARS = 300
SEO_TITLE_MAX_CHARS = 70
SEO_DESCRIPTION_MAX_CHARS = 160


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

    def meta_title(self) -> str:
        return self.name

    def share_meta(self):
        from .structured_data import section_share_meta

        return section_share_meta(self)


class ArticleQuerySet(EditorialQuerySet):
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


class Article(EditorialModel):
    """A story: our own, or republished with permission from another publication."""

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
    image = models.ForeignKey(
        "images.Image",
        verbose_name="featured image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Choose one from the image library, or upload a new one into it.",
    )
    # A copy of the library image's file, size and words (images/library.py).
    featured_image = models.ImageField(
        storage=originals_storage,  # private: readers get renditions only
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
        validators=[validate_image_file],
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The file whose renditions are all made (images/tasks.py); until it names the current
    # featured_image, pages show a placeholder of the same size.
    featured_image_rendered = models.CharField(max_length=255, blank=True, editable=False)
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
    search_vector = SearchVectorField(null=True, editable=False)
    status_changes = GenericRelation(
        "editorial.StatusChange", related_query_name="article", content_type_field="content_type"
    )
    preview_links = GenericRelation(
        "editorial.PreviewLink", related_query_name="article", content_type_field="content_type"
    )

    objects = ArticleQuerySet.as_manager()

    # What the editorial machinery reads (editorial/models.py).
    revision_fields = [
        "headline",
        "dek",
        "section",
        "body",
        "excerpt",
        "featured_image",
        "featured_image_alt",
        "featured_image_caption",
        "featured_image_credit",
        "source_name",
        "source_url",
        "permission_note",
        "seo_title",
        "seo_description",
    ]
    revision_compare_order = [*revision_fields[:3], "bylines", "tags", *revision_fields[3:]]
    revision_related_labels = {"bylines": "Bylines", "tags": "Tags"}
    revision_block_fields = {"body", "bylines", "excerpt"}
    revision_html_fields = {"body"}
    preview_renderer = "articles.preview.render_article_preview"
    checklist_items = [
        ("Headline", ["headline"]),
        ("Section", ["section"]),
        ("Byline", [NON_FIELD_ERRORS]),
        ("Body text", ["body"]),
        ("Excerpt length", ["excerpt"]),
        ("Featured image alt text", ["featured_image", "featured_image_alt"]),
        ("Body images' alt text", ["body_images"]),
        ("SEO title and description", ["seo_title", "seo_description"]),
        ("Republication details", ["source_name", "source_url", "permission_note"]),
    ]
    slug_source_field = "headline"

    class Meta(EditorialModel.Meta):
        ordering = ["-published_at", "-pk"]
        indexes = [
            *EditorialModel.Meta.indexes,
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
            # The articles sitemap's lastmod: the newest live edit, one row from this index
            # instead of a scan of the whole table (400 ms at 100,000 articles).
            models.Index(fields=["status", "-modified_at"], name="article_modified_idx"),
        ]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(source_url="") | ~Q(source_name=""),
                name="article_source_url_has_name",
                violation_error_message="Name the publication the original URL belongs to.",
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    # --- what the page tells machines (newsroom/page_meta.py asks) --------------------

    def meta_title(self) -> str:
        return self.seo_title or self.headline

    def share_meta(self):
        from .structured_data import article_share_meta

        return article_share_meta(self)

    # --- editorial hooks ---------------------------------------------------------------

    @classmethod
    def owner_filter(cls, user) -> Q:
        """Articles the user created or is credited on (through their author profile)."""
        credited = Byline.objects.filter(article=models.OuterRef("pk"), author__user=user)
        return Q(created_by=user) | Q(models.Exists(credited))

    def owner_ids(self) -> set[int]:
        """Whoever created the article and every credited author with a login."""
        credited = Byline.objects.filter(article=self, author__user__isnull=False)
        return super().owner_ids() | set(credited.values_list("author__user_id", flat=True))

    def publication_problems(self) -> dict[str, list[str]]:
        """What stops the article from going to review or to readers, by form field.

        Empty when it is ready. The admin form shows these next to the fields; the services
        refuse with them.
        """
        problems: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            problems.setdefault(field, []).append(message)

        if not (self.headline or "").strip():
            add("headline", "Give the article a headline.")
        if not self.section_id:
            add("section", "Choose the section the article belongs to.")
        body = self.body or ""
        if not strip_tags(body).strip() and "<img" not in body:
            add("body", "The article has no text yet.")
        if self.featured_image:
            decorative = bool(self.image_id) and self.image.is_decorative
            for message in alt_text_problems(
                self.featured_image_alt, is_decorative=decorative, what="the featured image"
            ):
                add("featured_image_alt", message)
        for message in body_alt_problems(body):
            add("body_images", message)
        if self.pk is None or not self.bylines.exists():
            add(NON_FIELD_ERRORS, "Credit at least one author in the bylines.")
        for name, limit, what in [
            ("excerpt", EXCERPT_MAX_CHARS, "The excerpt"),
            ("seo_title", SEO_TITLE_MAX_CHARS, "The SEO title"),
            ("seo_description", SEO_DESCRIPTION_MAX_CHARS, "The SEO description"),
        ]:
            length = len((getattr(self, name) or "").strip())
            if length > limit:
                add(
                    name,
                    f"{what} is {length} characters; keep it to {limit} so it is not cut off.",
                )
        if self.source_name or self.source_url:
            if not self.source_name.strip():
                add("source_name", "Name the publication this piece first appeared in.")
            if not self.source_url.strip():
                add("source_url", "Give the address of the original, for the canonical link.")
            if not self.permission_note.strip():
                add("permission_note", "Say how we may republish it (shown to readers).")
        return problems

    def revision_related(self) -> list[models.Model]:
        from . import revisions

        return revisions.related_rows(self)

    @classmethod
    def revision_related_data(cls, object_id, versions) -> dict:
        from . import revisions

        return revisions.related_data(object_id, versions)

    @classmethod
    def revision_related_display(cls, data: dict) -> dict[str, str]:
        from . import revisions

        return revisions.related_display(data)

    def revision_restore_related(self, data: dict) -> list[str]:
        from . import revisions

        return revisions.restore_related(self, data)

    def preview_related(self, form, formsets) -> dict[str, list]:
        """The form's bylines (the inline rows) and its tags, unsaved."""
        from .preview import unsaved_tags

        rows = super().preview_related(form, formsets)
        tags = unsaved_tags(form)
        if tags is not None:
            rows["tags"] = tags
        return rows

    @property
    def is_republished(self) -> bool:
        return bool(self.source_name)

    @property
    def permission_phrase(self) -> str:
        """The permission note as the end of "…originally published at X and is ___."

        Editors type it as a phrase of its own ("Republished under CC BY-ND 4.0."), so a
        capitalised first word is lowered (acronyms such as "CC" stay), and a leading "is"
        and a closing full stop are dropped: the sentence has its own.
        """
        phrase = re.sub(r"^(?:and\s+)?is\s+", "", self.permission_note.strip(), flags=re.I)
        phrase = phrase.rstrip(" .")
        first, _, rest = phrase.partition(" ")
        if first[:1].isupper() and first[1:].islower():
            phrase = f"{first.lower()} {rest}".strip()
        return phrase

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
library.link(
    Article,
    "featured_image",
    label="featured image",
    alt="featured_image_alt",
    caption="featured_image_caption",
    credit="featured_image_credit",
)


# --- Corrections and revisions ------------------------------------------------------------


class Correction(models.Model):
    """A dated correction or update note appended to a published article.

    Notes are added by ``article_add_correction``; editors may fix one's wording or remove
    it (``article_change_correction``, ``article_remove_correction``), and every such act
    keeps the earlier text: as a version of the correction and in the article's audit trail.
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


# Revisions: an article's version carries its bylines; its tags (taggit's generic TaggedItem
# rows) are added explicitly by articles/revisions.py, because taggit's through model is not
# serialised with the article.
reversion.register(Section)
reversion.register(Byline)
# A correction's own history: each edit is a version of it (articles/services.py).
reversion.register(Correction)
reversion.register(TaggedItem)
reversion.register(Article, follow=["bylines"], exclude=["search_vector"])


# --- Summaries for the sitemaps -------------------------------------------------------------


class LiveSummary(models.Model):
    """When the newest live article of one tag or author came out, and when the next one
    scheduled for it will.

    The tag and author sitemaps (and the sitemap index) read these rows instead of asking,
    per tag or author, for its newest live article across the whole archive. They are kept
    current by articles/summaries.py from the signals in articles/signals.py. Scheduling
    needs no cron: ``next_scheduled_at`` says when a row may have gone stale, and the
    sitemaps refresh such rows before reading (``summaries.refresh_due``).
    """

    latest_live_at = models.DateTimeField(null=True, blank=True)
    next_scheduled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class TagSummary(LiveSummary):
    """A tag's live-article dates (a row per tag that has ever been summarised)."""

    tag = models.OneToOneField(
        "taggit.Tag", on_delete=models.CASCADE, primary_key=True, related_name="live_summary"
    )

    class Meta:
        ordering = ["tag"]
        indexes = [
            models.Index(fields=["latest_live_at"], name="tagsummary_latest_idx"),
            models.Index(fields=["next_scheduled_at"], name="tagsummary_next_idx"),
        ]

    def __str__(self):
        return f"Live summary of tag {self.tag_id}"

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.tag.slug})


class AuthorSummary(LiveSummary):
    """An author's live-article dates (a row per author that has ever been summarised)."""

    author = models.OneToOneField(
        "authors.Author", on_delete=models.CASCADE, primary_key=True, related_name="live_summary"
    )

    class Meta:
        ordering = ["author"]
        indexes = [
            models.Index(fields=["latest_live_at"], name="authorsummary_latest_idx"),
            models.Index(fields=["next_scheduled_at"], name="authorsummary_next_idx"),
        ]

    def __str__(self):
        return f"Live summary of author {self.author_id}"

    def get_absolute_url(self):
        return self.author.get_absolute_url()
