"""Newsletters: the lists, who is on them, what was sent and to whom.

Per-recipient idempotency is the point of ``Delivery``: one row per (send, subscriber), made
before any mail goes out, whose state moves ``pending → claimed → handed → sent`` (or
``bounced``/``failed``/``skipped``/``uncertain``). A mail is handed to the SMTP server only
after its row says so, and counted as sent only after the server accepted it; a worker that
dies mid-send leaves rows that say exactly how far it got (newsletters/sending.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "waiting for confirmation"
    ACTIVE = "active", "active"
    UNSUBSCRIBED = "unsubscribed", "unsubscribed"


class SendStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    SCHEDULED = "scheduled", "scheduled"
    SENDING = "sending", "sending"
    FINISHED = "finished", "finished"
    CANCELLED = "cancelled", "cancelled"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "pending"
    CLAIMED = "claimed", "claimed by a worker"
    HANDED = "handed", "being handed to the mail server"
    SENT = "sent", "sent"
    BOUNCED = "bounced", "bounced (refused by the mail server)"
    FAILED = "failed", "failed"
    SKIPPED = "skipped", "skipped (unsubscribed before it went)"
    UNCERTAIN = "uncertain", "uncertain (interrupted during the hand-off; not resent)"


class Newsletter(models.Model):
    """A list readers can join ("Daily digest", "New books", one per section…)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive newsletters are not offered to readers."
    )
    is_default = models.BooleanField(
        "offered by default",
        default=False,
        help_text="The short sign-up form (article pages, footer) subscribes to these.",
    )
    section = models.ForeignKey(
        "articles.Section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Digests of this newsletter default to this section's articles.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsletters:index") + f"#newsletter-{self.slug}"


class SubscriberQuerySet(models.QuerySet):
    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class Subscriber(models.Model):
    """An address that asked for newsletters. One row per address, whatever its case."""

    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletters_subscriber_email_ci_unique")
        ]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        from .tokens import preferences_url

        return preferences_url(self)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscription.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Subscription.Status.PENDING)

    def unsubscribed(self):
        return self.filter(status=Subscription.Status.UNSUBSCRIBED)


class Subscription(models.Model):
    """One subscriber on one newsletter: pending until confirmed, then active until left."""

    Status = SubscriptionStatus

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(
        max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The send whose email carried the unsubscribe link used (for the send report).
    unsubscribed_via = models.ForeignKey(
        "Send", null=True, blank=True, on_delete=models.SET_NULL, related_name="unsubscribes"
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["newsletter", "subscriber"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="newsletters_subscription_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SubscriptionStatus.values),
                name="newsletters_subscription_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="nl_subscription_list")]

    def __str__(self):
        return f"{self.subscriber} on {self.newsletter} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.subscriber.get_absolute_url()


class SendQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=Send.Status.SCHEDULED)

    def sending(self):
        return self.filter(status=Send.Status.SENDING)

    def finished(self):
        return self.filter(status=Send.Status.FINISHED)

    def unfinished(self):
        return self.filter(status__in=[Send.Status.SCHEDULED, Send.Status.SENDING])


class Send(models.Model):
    """One issue of a newsletter: what it says, when it goes, and how it went."""

    Status = SendStatus

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="sends")
    subject = models.CharField(
        "headline", max_length=200, help_text="The email's subject and its headline."
    )
    preheader = models.CharField(
        max_length=200,
        blank=True,
        help_text="The line mail programs show after the subject; not shown in the email.",
    )
    intro = models.TextField(blank=True, help_text="Plain text above the articles (optional).")
    articles = models.ManyToManyField(
        "articles.Article",
        blank=True,
        related_name="newsletter_sends",
        help_text="Left empty, a digest takes the live articles since the newsletter's last "
        "send (of its section, when it has one).",
    )
    full_text = models.BooleanField(
        default=False, help_text="Include each article's full text, not only its excerpt."
    )
    status = models.CharField(max_length=16, choices=SendStatus.choices, default=SendStatus.DRAFT)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Who is working on it: a worker holds the lease while it sends (newsletters/sending.py).
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    # The report, recounted from the deliveries after every batch.
    recipients_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    bounced_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    uncertain_count = models.PositiveIntegerField(default=0)

    objects = SendQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SendStatus.values),
                name="newsletters_send_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.newsletter}: {self.subject}"

    def get_absolute_url(self):
        return reverse("admin:newsletters_send_change", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.SCHEDULED}


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Delivery.State.PENDING)

    def claimed(self):
        return self.filter(state=Delivery.State.CLAIMED)

    def handed(self):
        return self.filter(state=Delivery.State.HANDED)

    def in_flight(self):
        return self.filter(state__in=[Delivery.State.CLAIMED, Delivery.State.HANDED])


class Delivery(models.Model):
    """One issue to one subscriber: made once, sent at most once."""

    State = DeliveryState

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(
        max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Refused for now (a 4xx answer): pending again, but not claimed before this time.
    retry_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["send", "pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["send", "subscriber"], name="newsletters_delivery_once"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=DeliveryState.values),
                name="newsletters_delivery_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["send", "state"], name="nl_delivery_queue")]

    def __str__(self):
        return f"{self.send} → {self.subscriber} ({self.state})"

    def get_absolute_url(self):
        return reverse("admin:newsletters_delivery_change", args=[self.pk])
