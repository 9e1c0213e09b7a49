"""What every kind of edited content shares: workflow state, its audit trail, preview links.

``EditorialModel`` is an abstract mixin (Wagtail's ``DraftStateMixin`` and ``RevisionMixin``
serve every page and snippet type the same way): a model that inherits it gets the workflow
fields, the public gate (``objects.live()``), the audit trail and preview links, and the
services in ``editorial/services.py`` work on it. What differs between kinds of content —
which fields a revision restores, what must be filled in before publishing, who counts as
an owner — is read from the model class through the hooks at the end of the mixin.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from newsroom.sanitize import sanitize_html
from newsroom.slugs import unique_slug


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class EditorialQuerySet(models.QuerySet):
    """The states the code tests for, as queryset methods (no ``filter(status=…)`` elsewhere)."""

    def live(self):
        """The public gate: published, and published at or before now.

        Every public path (pages, search, feeds, sitemaps, archives, Recent Articles, JSON-LD)
        starts here. The time is compared at query time, so a scheduled item becomes public
        at its moment without a cron job.
        """
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published for a moment still to come: hidden from readers until then."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def in_review(self):
        return self.filter(status=Status.REVIEW)

    def unpublished(self):
        return self.filter(status=Status.UNPUBLISHED)

    def published_or_scheduled(self):
        return self.filter(status=Status.PUBLISHED)


class EditorialModel(models.Model):
    """Workflow state of a piece of edited content, with the hooks the machinery reads.

    States: draft → review → published (now, or scheduled for later) → unpublished, and
    review → draft again ("returned"). A scheduled item is ``published`` with a future
    ``published_at``; only the services in ``editorial/services.py`` change these fields.
    """

    Status = Status

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

    objects = EditorialQuerySet.as_manager()

    # --- what the machinery reads from the model class ------------------------------------
    #: Fields a revision restore brings back, in the order a comparison shows them.
    revision_fields: ClassVar[list[str]] = []
    #: The comparison's order when related rows (``revision_related_labels``) go in between.
    revision_compare_order: ClassVar[list[str]] = []
    #: Labels of the related values ``revision_related_display`` returns.
    revision_related_labels: ClassVar[dict[str, str]] = {}
    #: Compared values shown as blocks (line by line) rather than inline.
    revision_block_fields: ClassVar[set[str]] = set()
    #: Rich-text fields compared as rendered text (``<ins>``/``<del>`` in the text, not the
    #: HTML source): revision comparisons, the restore page and the conflict screen.
    revision_html_fields: ClassVar[set[str]] = set()
    #: Dotted path of ``f(request, obj, *, link=None, unsaved=None) -> HttpResponse``
    #: rendering a preview (``unsaved``: the form's values, not saved, to show instead).
    preview_renderer: ClassVar[str] = ""
    #: The pre-publish checklist (``editorial/checklist.py``): (label, problem keys) pairs,
    #: the keys being those ``publication_problems`` uses.
    checklist_items: ClassVar[list[tuple[str, list[str]]]] = []
    #: The field an empty slug is made from (``headline``, ``title``).
    slug_source_field: ClassVar[str] = "title"
    #: The rich-text field sanitised on every save.
    body_field: ClassVar[str] = "body"

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["status", "-published_at"], name="%(class)s_live_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="%(class)s_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="%(class)s_status_valid"
            ),
        ]

    def save(self, *args, **kwargs):
        """Derive this row's own fields: an empty slug from the title (or the model's name),
        the sanitised body, and the version counter the stale-save refusal reads."""
        if not self.slug:
            fallback = slugify(str(self._meta.verbose_name)) or self._meta.model_name
            source = getattr(self, self.slug_source_field) or ""
            self.slug = unique_slug(self, source, fallback=fallback)
        setattr(self, self.body_field, sanitize_html(getattr(self, self.body_field)))
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "version" in update_fields:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    # --- hooks with defaults; a model overrides what differs -------------------------------

    @classmethod
    def owner_filter(cls, user) -> Q:
        """Rows that belong to ``user`` for the contributor rule (their own drafts only)."""
        return Q(created_by=user)

    def owner_ids(self) -> set[int]:
        """The logins this item belongs to: who hears when it is returned or published."""
        return {self.created_by_id} if self.created_by_id else set()

    def publication_problems(self) -> dict[str, list[str]]:
        """What stops this item from going to review or to readers, keyed by form field."""
        return {}

    def slug_problems(self, slug: str) -> list[str]:
        """Why ``slug`` cannot become this item's address; empty when it is free.

        By default slugs are unique per model. Pages are unique per parent and must not
        take an address the site's own routes answer (``pages/addresses.py``).
        """
        others = type(self)._default_manager.exclude(pk=self.pk).filter(slug=slug)
        if others.exists():
            return [f"Another {self._meta.verbose_name} already uses this address."]
        return []

    def address_dependents(self) -> list[models.Model]:
        """Items whose public address is built from this one's, as stored now.

        A page's subpages (``/about/masthead/`` under ``/about/``): when this item moves,
        they move with it, and each of their old addresses must redirect too.
        """
        return []

    def revision_related(self) -> list[models.Model]:
        """Rows saved with each revision besides this one (bylines, tag links…)."""
        return []

    @classmethod
    def revision_related_data(cls, object_id, versions) -> dict:
        """Read this model's related rows back out of one revision's other versions."""
        return {}

    @classmethod
    def revision_related_display(cls, data: dict) -> dict[str, str]:
        """The related rows of a revision as text a person compares, by label key."""
        return {}

    def revision_restore_related(self, data: dict) -> list[str]:
        """Write the revision's related rows back; return what could not be restored."""
        return []

    def preview_related(self, form, formsets) -> dict[str, list[models.Model]]:
        """The related rows as an open (validated) form and its inline formsets have them,
        unsaved, for a preview of the form: by the name the page reads them under.

        By default the inline rows of each related set the revisions carry
        (``revision_related_labels``: an article's bylines); a model adds what its form
        edits besides (an article's tags).
        """
        from editorial.previews import formset_rows

        rows = {}
        for formset in formsets:
            fk = getattr(formset, "fk", None)
            if fk is None:
                continue
            name = fk.remote_field.get_accessor_name()
            if name in self.revision_related_labels:
                rows[name] = formset_rows(formset)
        return rows


#: The workflow permissions every kind of edited content has, written once: ``{name}`` is
#: the model's name (``article``), ``{plural}`` its verbose plural (``articles``). The
#: editorial roles (``editorial/roles.py``) and checks (``editorial/permissions.py``) use them.
WORKFLOW_PERMISSIONS = (
    ("change_any_{name}", "Can edit any {verbose}, in any state"),
    ("publish_{name}", "Can publish, schedule and unpublish {plural}"),
    ("review_{name}", "Can return {plural} in review to their authors"),
)


def workflow_permissions(opts) -> list[tuple[str, str]]:
    """The workflow permissions of the model whose ``_meta`` is ``opts``."""
    names = {
        "name": opts.model_name,
        "verbose": str(opts.verbose_name),
        "plural": str(opts.verbose_name_plural),
    }
    return [(code.format(**names), text.format(**names)) for code, text in WORKFLOW_PERMISSIONS]


@receiver(class_prepared)
def add_workflow_permissions(sender, **kwargs) -> None:
    """Give each concrete ``EditorialModel`` its workflow permissions (before any it lists).

    Abstract ``Meta`` classes cannot name their subclass in ``permissions``, so they are added
    when the class is ready; ``original_attrs`` is what migrations read, so the migration
    state is the same as when each model spelt them out.
    """
    if not issubclass(sender, EditorialModel) or sender._meta.abstract or sender._meta.proxy:
        return  # a proxy shares its model's permissions
    opts = sender._meta
    own = [perm for perm in opts.permissions if perm not in workflow_permissions(opts)]
    opts.permissions = [*workflow_permissions(opts), *own]
    opts.original_attrs["permissions"] = opts.permissions


def admin_item_url(content_type: ContentType, object_id=None) -> str:
    """The admin page of the item ``content_type``/``object_id``: its form, or the form of a
    new one when ``object_id`` is None."""
    opts = content_type.model_class()._meta
    if object_id is None:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])


def new_preview_token() -> str:
    return secrets.token_urlsafe(32)


def hash_preview_token(token: str, secret: str | bytes | None = None) -> str:
    """The stored form of a preview token: an HMAC keyed with the site's secret.

    As with Django's password-reset tokens, a copy of the database alone does not give
    anyone a working preview address. ``secret`` defaults to ``SECRET_KEY``; lookups also
    try ``SECRET_KEY_FALLBACKS``, so rotating the key does not break links at once.
    """
    return salted_hmac(
        "editorial.PreviewLink", token, secret=secret, algorithm="sha256"
    ).hexdigest()


class StatusChange(models.Model):
    """One entry in an item's audit trail: who did what to it, when, and why.

    Every workflow service writes one, so the trail answers "who moved this to which state
    when" without reading revisions. Generic, so articles and pages share one trail.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to the author"
        WITHDRAWN = "withdrawn", "Withdrawn from review"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Unpublished"
        UNSCHEDULED = "unscheduled", "Schedule cancelled"
        CORRECTED = "corrected", "Correction added"
        UPDATED = "updated", "Update note added"
        CORRECTION_CHANGED = "correction_edited", "Correction or update edited"
        CORRECTION_REMOVED = "correction_removed", "Correction or update removed"
        SLUG_CHANGED = "slug_changed", "Address changed"
        RESTORED = "restored", "Revision restored"
        PREVIEW_SHARED = "preview_shared", "Preview link shared"
        PREVIEW_REVOKED = "preview_revoked", "Preview link revoked"
        IMPORTED = "imported", "State taken from an import"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField("from", max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField("to", max_length=12, choices=Status.choices)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="The publication time the item had after this change.",
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
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-at"], name="statuschange_object_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.content_object}"

    def get_absolute_url(self):
        return reverse("admin:editorial_statuschange_change", args=[self.pk])


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open their item: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token: str):
        """The link a token from an address belongs to, whichever secret it was made with."""
        secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return self.filter(token_hash__in=[hash_preview_token(token, s) for s in secrets_])


class PreviewLink(models.Model):
    """A secret, expiring, revocable address that shows an unpublished item to anyone.

    The token is 256 random bits, so the address cannot be guessed; the draft behind it is
    never cached and never indexed. Only an HMAC of the token is stored: the address is
    shown once, when the link is made (``issue``), and cannot be read back later.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
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
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="previewlink_object_idx")
        ]

    def __str__(self):
        return f"Preview of {self.content_object}"

    #: The token itself, known only on the object ``issue`` returned.
    token: str | None = None

    def get_absolute_url(self):
        if not self.token:
            raise ValueError("A stored preview link does not know its token; only issue() does.")
        return reverse("editorial:preview", kwargs={"token": self.token})

    @classmethod
    def issue(cls, **fields) -> PreviewLink:
        """Make a link with a new token; the returned object alone knows the token."""
        token = new_preview_token()
        link = cls.objects.create(token_hash=hash_preview_token(token), **fields)
        link.token = token
        return link

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AutosaveQuerySet(models.QuerySet):
    def of(self, user, model: type[models.Model] | models.Model):
        """``user``'s copies of items of ``model`` (saved items and new ones)."""
        return self.filter(user=user, content_type=ContentType.objects.get_for_model(model))


class Autosave(models.Model):
    """A person's unsaved form, kept every few seconds while they type (``editorial/autosave.py``).

    Not a revision and not the item: nobody else sees it, nothing public reads it (the
    ``editorial`` app is not one of the page cache's content apps, so writing one invalidates
    nothing), and a successful save of the form deletes it. A copy of an item not saved yet
    has no ``object_id``; the browser's ``client_token`` tells that person's new items apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    client_token = models.CharField(max_length=64, blank=True)
    #: The posted form, as {field name: [values]} (what ``QueryDict.lists()`` gives).
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"],
                condition=Q(object_id__isnull=False),
                name="autosave_one_per_item",
            ),
            models.UniqueConstraint(
                fields=["user", "content_type", "client_token"],
                condition=Q(object_id__isnull=True),
                name="autosave_one_per_new_item",
            ),
        ]

    def __str__(self):
        return f"Unsaved changes of {self.user} ({self.saved_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        """The form the copy belongs to, offering to restore it."""
        url = admin_item_url(self.content_type, self.object_id)
        if self.object_id is None:
            return f"{url}?autosave={self.client_token}"
        return f"{url}?autosave=restore"


class EditingPresenceQuerySet(models.QuerySet):
    def current(self):
        """People whose open form pinged within ``EDITORIAL_PRESENCE_SECONDS``."""
        window = getattr(settings, "EDITORIAL_PRESENCE_SECONDS", 90)
        return self.filter(seen_at__gte=timezone.now() - timedelta(seconds=window))

    def on(self, obj: models.Model):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class EditingPresence(models.Model):
    """Someone has an item's form open: since when, and when their page last said so.

    The form's autosave ping renews ``seen_at``; a page closed without saying goodbye is
    forgotten once the ping stops (``EditingPresenceQuerySet.current``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    objects = EditingPresenceQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = "editing presence"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="presence_one_per_item"
            )
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-seen_at"], name="presence_object_idx"
            )
        ]

    def __str__(self):
        return f"{self.user} editing since {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return admin_item_url(self.content_type, self.object_id)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person on the desk should know: their item was returned or published,
    or (for editors) an item was submitted for review.

    Written by the workflow services once the transition has committed, so a refused or
    rolled-back transition leaves none; the email copy is queued then too
    (``editorial/notifications.py``). The item's name is kept as it was, so the list still
    reads well after the item is renamed or deleted.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to you"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    title = models.CharField("item", max_length=300)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="by",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("admin:editorial_notification_open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def item_admin_url(self) -> str:
        """The item's page in the admin, where the person acts on the notification."""
        return admin_item_url(self.content_type, self.object_id)

    def sentence(self) -> str:
        """What happened, as one sentence (the list and the email's subject)."""
        who = self.actor.get_full_name() or self.actor.get_username() if self.actor else "Someone"
        noun = self.content_type.name
        return {
            self.Kind.SUBMITTED: f"{who} submitted the {noun} “{self.title}” for review.",
            self.Kind.RETURNED: f"{who} returned your {noun} “{self.title}” to you.",
            self.Kind.PUBLISHED: f"{who} published your {noun} “{self.title}”.",
            self.Kind.SCHEDULED: f"{who} scheduled your {noun} “{self.title}”.",
        }[self.kind]
