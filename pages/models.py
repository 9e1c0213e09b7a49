"""Pages (About, Masthead, Contact…) and the tips readers send through a page's form.

A page is edited content like an article: it inherits ``EditorialModel``, so the workflow,
revisions, previews and stale-edit refusal in ``editorial/`` serve it unchanged. What is
its own: a nested address (``/about/masthead/``) that must not clash with the site's routes,
its place in the navigation or footer, and what it shows above its text (the staff list,
the tip form).
"""

from __future__ import annotations

import reversion
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from editorial.models import EditorialModel, EditorialQuerySet
from images import library, renditions
from images.body import alt_problems as body_alt_problems
from images.storage import originals_storage
from images.validators import alt_text_problems, validate_alt_text, validate_image_file

from . import addresses
from .storage import tip_storage

#: How deep pages nest: ``/a/b/c/`` at most. Lookups and links stay one query each.
MAX_DEPTH = 3
ANCESTORS = "__".join(["parent"] * (MAX_DEPTH - 1))


class PageQuerySet(EditorialQuerySet):
    def with_ancestors(self):
        """Pages with their parents loaded, so ``get_absolute_url`` costs no query."""
        return self.select_related(ANCESTORS)

    def at_path(self, path: str):
        """The page whose address is ``/<path>/``: one query, whatever the depth."""
        slugs = [part for part in path.strip("/").split("/") if part]
        if not slugs or len(slugs) > MAX_DEPTH:
            return self.none()
        lookups: dict[str, object] = {}
        prefix = ""
        for slug in reversed(slugs):
            lookups[f"{prefix}slug"] = slug
            prefix += "parent__"
        lookups[f"{prefix.removesuffix('__')}__isnull"] = True
        return self.filter(**lookups)

    def in_navigation(self):
        return self.live().filter(placement=Page.Placement.NAVIGATION)

    def in_footer(self):
        return self.live().filter(placement=Page.Placement.FOOTER)


class Page(EditorialModel):
    """A page of the site that is not an article: About, Masthead, Contact, Privacy…"""

    class Placement(models.TextChoices):
        NONE = "", "Neither (linked from elsewhere)"
        NAVIGATION = "navigation", "Main navigation"
        FOOTER = "footer", "Footer"

    title = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Nest this page under another: /about/masthead/ is “masthead” under About.",
    )
    slug = models.SlugField(
        max_length=100,
        blank=True,
        help_text="The last part of the page's address. Made from the title if empty.",
    )
    body = models.TextField(blank=True)
    image = models.ForeignKey(
        "images.Image",
        verbose_name="image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Choose one from the image library, or upload a new one into it.",
    )
    # A copy of the library image's file, size and alt text (images/library.py).
    featured_image = models.ImageField(
        "image",
        storage=originals_storage,  # private: readers get renditions only
        upload_to="pages/%Y/",
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
        validators=[validate_image_file],
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The file whose renditions are all made (images/renditions.py); a placeholder until then.
    featured_image_rendered = models.CharField(max_length=255, blank=True, editable=False)
    featured_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        validators=[validate_alt_text],
        help_text="What the image shows, for readers who cannot see it. Required to publish.",
    )
    seo_title = models.CharField(
        "SEO title", max_length=200, blank=True, help_text="Defaults to the title."
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=300,
        blank=True,
        help_text="Defaults to the opening of the text.",
    )
    placement = models.CharField(
        max_length=12, choices=Placement.choices, blank=True, default=Placement.NONE
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order within the navigation or footer; lower comes first."
    )
    shows_staff = models.BooleanField(
        "list the staff",
        default=False,
        help_text="Show the authors marked “on the masthead”, grouped by role, above the text.",
    )
    has_tip_form = models.BooleanField(
        "show the tip form",
        default=False,
        help_text="Readers can send a message and a file from this page; tips are listed "
        "under Pages › Tips.",
    )
    status_changes = GenericRelation(
        "editorial.StatusChange", related_query_name="page", content_type_field="content_type"
    )
    preview_links = GenericRelation(
        "editorial.PreviewLink", related_query_name="page", content_type_field="content_type"
    )

    objects = PageQuerySet.as_manager()

    # What the editorial machinery reads (editorial/models.py).
    revision_fields = [
        "title",
        "body",
        "featured_image",
        "featured_image_alt",
        "seo_title",
        "seo_description",
        "placement",
        "position",
        "shows_staff",
        "has_tip_form",
    ]
    revision_block_fields = {"body"}
    revision_html_fields = {"body"}
    preview_renderer = "pages.views.render_page_preview"
    checklist_items = [
        ("Title", ["title"]),
        ("Text", ["body"]),
        ("Image alt text", ["featured_image", "featured_image_alt"]),
        ("Body images' alt text", ["body_images"]),
    ]

    class Meta(EditorialModel.Meta):
        ordering = ["position", "title"]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["parent", "slug"],
                name="page_unique_slug_in_parent",
                violation_error_message="Another page under the same parent has this address.",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(parent__isnull=True),
                name="page_unique_top_level_slug",
                violation_error_message="Another top-level page has this address.",
            ),
            models.CheckConstraint(
                condition=Q(placement__in=["", "navigation", "footer"]),
                name="page_placement_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def path(self) -> str:
        """The slugs from the top page down to this one: ``about/masthead``."""
        return "/".join([*(p.slug for p in self.ancestors()), self.slug])

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"path": self.path})

    # --- what the page tells machines (newsroom/page_meta.py asks) --------------------

    def meta_title(self) -> str:
        from .sharing import title

        return title(self)

    def share_meta(self):
        from .sharing import share_meta

        return share_meta(self)

    def ancestors(self) -> list[Page]:
        """The pages above this one, top first (loaded by ``with_ancestors``)."""
        chain, page = [], self.parent
        # Bounded: an unsaved parent chain that loops (an edit not yet validated) ends too.
        while page is not None and page is not self and len(chain) <= MAX_DEPTH:
            chain.append(page)
            page = page.parent
        return list(reversed(chain))

    def clean(self):
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.parent_id:
            above = _stored_ancestor_ids(self.parent_id)
            if self.pk and self.pk in above:
                errors["parent"] = ["A page cannot be nested under itself or its own subpage."]
            elif len(above) + 1 > MAX_DEPTH:
                errors["parent"] = [f"Pages nest at most {MAX_DEPTH} deep; choose a higher page."]
        if self.slug and not errors:
            problems = self.slug_problems(self.slug)
            if problems:
                errors["slug"] = problems
        if errors:
            raise ValidationError(errors)

    # --- editorial hooks ---------------------------------------------------------------

    def slug_problems(self, slug: str) -> list[str]:
        """Taken by a sibling, or an address the site's own routes answer."""
        siblings = Page.objects.exclude(pk=self.pk).filter(parent_id=self.parent_id, slug=slug)
        if siblings.exists():
            return ["Another page under the same parent already uses this address."]
        prefix = f"{self.parent.path}/" if self.parent_id else ""
        return addresses.clash_problems(f"/{prefix}{slug}/")

    def address_dependents(self) -> list[Page]:
        """Every subpage, at any depth: their addresses start with this page's."""
        if self.pk is None:
            return []
        below = Q(parent_id=self.pk) | Q(parent__parent_id=self.pk)  # MAX_DEPTH is 3
        return list(Page.objects.with_ancestors().filter(below))

    def publication_problems(self) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        if not (self.title or "").strip():
            problems["title"] = ["Give the page a title."]
        body = self.body or ""
        if not (strip_tags(body).strip() or "<img" in body or self.shows_staff):
            problems["body"] = ["The page has no text yet."]
        if self.featured_image:
            decorative = bool(self.image_id) and self.image.is_decorative
            alt = alt_text_problems(self.featured_image_alt, is_decorative=decorative)
            if alt:
                problems["featured_image_alt"] = alt
        if images_in_body := body_alt_problems(body):
            problems["body_images"] = images_in_body
        return problems


def _stored_ancestor_ids(page_id: int) -> list[int]:
    """``page_id`` and the pages above it as stored (one query per level, bounded)."""
    ids: list[int] = []
    while page_id is not None and page_id not in ids and len(ids) <= MAX_DEPTH:
        ids.append(page_id)
        page_id = Page.objects.filter(pk=page_id).values_list("parent_id", flat=True).first()
    return ids


renditions.attach(Page, "featured_image", renditions.LEAD, og=True)
library.link(Page, "featured_image", label="image", alt="featured_image_alt")
reversion.register(Page)


# --- tips ---------------------------------------------------------------------------------


class TipQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def inbox(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def not_emailed(self):
        return self.filter(emailed_at__isnull=True)


def tip_upload_to(tip: Tip, filename: str) -> str:
    """A random name in a dated folder: the sender's file name is kept only as a field."""
    import secrets

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"tips/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension[:5]}"


class Tip(models.Model):
    """A message a reader sent through a page's tip form.

    Stored before anything else is attempted, so nothing is lost when the mail server is
    down; ``emailed_at`` says whether the newsroom's inbox got a copy. The attachment lives
    in a private storage outside MEDIA_ROOT and is only served to editors, through the admin.
    """

    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="tips"
    )
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    message = models.TextField()
    attachment = models.FileField(upload_to=tip_upload_to, storage=tip_storage, blank=True)
    attachment_name = models.CharField("file name sent", max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["archived_at", "-received_at"], name="tip_inbox_idx")]

    def __str__(self):
        sender = self.name or self.email or "anonymous"
        return f"Tip from {sender}, {timezone.localtime(self.received_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("admin:pages_tip_change", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
