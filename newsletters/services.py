"""What readers and editors do to newsletters; views, admin, tasks and tests call these."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article

from .models import Delivery, Newsletter, Send, Subscriber, Subscription


def _enqueue_after_commit(task, **kwargs) -> None:
    transaction.on_commit(lambda: task.enqueue(**kwargs), robust=True)


# --- readers ------------------------------------------------------------------------------


def subscriber_subscribe(*, email: str, newsletters: Iterable[Newsletter]) -> Subscriber:
    """Ask to join ``newsletters``: a pending subscription each, and one email to the address.

    The email goes whatever the address's state, so the form answers the same for a new
    address, a pending one and a confirmed one (nobody learns who is subscribed): a new or
    pending address gets a confirmation link; an address already on every list asked for
    gets a note with its preferences link. A list left earlier needs a new confirmation.
    """
    from .tasks import send_confirmation

    email = email.strip()
    with transaction.atomic():
        subscriber = Subscriber.objects.with_email(email).select_for_update().first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(email=email)
            except IntegrityError:  # the same address, at the same moment
                subscriber = Subscriber.objects.with_email(email).get()
        for newsletter in newsletters:
            subscription, created = Subscription.objects.get_or_create(
                subscriber=subscriber, newsletter=newsletter
            )
            if not created and subscription.status == Subscription.Status.UNSUBSCRIBED:
                subscription.status = Subscription.Status.PENDING
                subscription.unsubscribed_at = None
                subscription.save(update_fields=["status", "unsubscribed_at"])
        _enqueue_after_commit(send_confirmation, subscriber_id=subscriber.pk)
    return subscriber


def subscriber_confirm(*, subscriber: Subscriber) -> list[Subscription]:
    """The confirmation link was followed: every pending subscription becomes active."""
    now = timezone.now()
    with transaction.atomic():
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = now
            subscriber.save(update_fields=["confirmed_at"])
        pending = list(subscriber.subscriptions.pending().select_related("newsletter"))
        subscriber.subscriptions.pending().update(
            status=Subscription.Status.ACTIVE, confirmed_at=now
        )
    return pending


def subscription_unsubscribe(
    *, subscriber: Subscriber, newsletter_id: int, send_id: int | None = None
) -> bool:
    """Leave one list, at once. Sends already under way skip this address from now on.

    Returns whether anything changed (a second click is harmless).
    """
    send = Send.objects.filter(pk=send_id).first() if send_id else None
    changed = (
        Subscription.objects.filter(subscriber=subscriber, newsletter_id=newsletter_id)
        .exclude(status=Subscription.Status.UNSUBSCRIBED)
        .update(
            status=Subscription.Status.UNSUBSCRIBED,
            unsubscribed_at=timezone.now(),
            unsubscribed_via=send,
        )
    )
    return bool(changed)


def subscriber_set_preferences(
    *, subscriber: Subscriber, newsletters: Iterable[Newsletter]
) -> None:
    """Keep exactly ``newsletters``: join the new ones (active: the link proves the address),
    leave the others."""
    wanted = {newsletter.pk for newsletter in newsletters}
    now = timezone.now()
    with transaction.atomic():
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = now
            subscriber.save(update_fields=["confirmed_at"])
        existing = {s.newsletter_id: s for s in subscriber.subscriptions.all()}
        for newsletter_id in wanted:
            subscription = existing.get(newsletter_id)
            if subscription is None:
                Subscription.objects.create(
                    subscriber=subscriber,
                    newsletter_id=newsletter_id,
                    status=Subscription.Status.ACTIVE,
                    confirmed_at=now,
                )
            elif subscription.status != Subscription.Status.ACTIVE:
                subscription.status = Subscription.Status.ACTIVE
                subscription.confirmed_at, subscription.unsubscribed_at = now, None
                subscription.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        for newsletter_id in set(existing) - wanted:
            subscription_unsubscribe(subscriber=subscriber, newsletter_id=newsletter_id)


def subscriber_export(*, subscriber: Subscriber) -> str:
    """Everything stored about one subscriber, as JSON (a data-access request)."""
    data = {
        "email": subscriber.email,
        "created_at": subscriber.created_at,
        "confirmed_at": subscriber.confirmed_at,
        "subscriptions": [
            {
                "newsletter": s.newsletter.name,
                "status": s.status,
                "created_at": s.created_at,
                "confirmed_at": s.confirmed_at,
                "unsubscribed_at": s.unsubscribed_at,
            }
            for s in subscriber.subscriptions.select_related("newsletter")
        ],
        "deliveries": [
            {
                "newsletter": d.send.newsletter.name,
                "subject": d.send.subject,
                "state": d.state,
                "attempts": d.attempts,
                "sent_at": d.sent_at,
                "message_id": d.message_id,
                "error": d.error,
            }
            for d in subscriber.deliveries.select_related("send__newsletter")
        ],
    }
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2)


def subscriber_delete(*, subscriber: Subscriber) -> None:
    """Erase a subscriber with their subscriptions and delivery records. Sends keep their
    totals (counted already), not the address."""
    subscriber.delete()


# --- editors ------------------------------------------------------------------------------


def default_articles(newsletter: Newsletter, *, limit: int = 20) -> list[Article]:
    """Live articles since the newsletter's last finished send (of its section, if any)."""
    articles = Article.objects.live()
    last = newsletter.sends.finished().order_by("-started_at").first()
    if last is not None and last.started_at:
        articles = articles.filter(published_at__gt=last.started_at)
    if newsletter.section_id:
        articles = articles.filter(section_id=newsletter.section_id)
    return list(articles.order_by("-published_at")[:limit])


def send_create(
    *,
    newsletter: Newsletter,
    subject: str = "",
    preheader: str = "",
    articles: Iterable[Article] | None = None,
    by=None,
) -> Send:
    """A draft issue; without articles it takes ``default_articles``; one article gives it
    its headline and dek as subject and preheader unless they were given."""
    chosen = list(articles) if articles is not None else default_articles(newsletter)
    if len(chosen) == 1:
        subject = subject or chosen[0].headline
        preheader = preheader or chosen[0].dek
    subject = subject or f"{newsletter.name}, {timezone.localdate():%-d %B %Y}"
    with transaction.atomic():
        send = Send.objects.create(
            newsletter=newsletter, subject=subject[:200], preheader=preheader[:200], created_by=by
        )
        send.articles.set(chosen)
    return send


class SendRefused(Exception):
    """The send cannot start: say why (no mail server, already sent…)."""


def _check_can_send(send: Send) -> None:
    if not send.is_editable:
        raise SendRefused(f"This issue is {send.get_status_display()}; it cannot be sent again.")
    if not settings.EMAIL_URL:
        raise SendRefused("No mail server is configured: set EMAIL_URL (see docs/newsletters.md).")


def send_schedule(*, send: Send, at=None) -> Send:
    """Send now (``at`` None) or at ``at``: the task queue's scheduler starts it then."""
    from .tasks import deliver_send

    _check_can_send(send)
    at = at or timezone.now()
    with transaction.atomic():
        send.status, send.scheduled_at = Send.Status.SCHEDULED, at
        send.save(update_fields=["status", "scheduled_at"])
        task = deliver_send
        if at > timezone.now() and task.get_backend().supports_defer:
            task = task.using(run_after=at)
        transaction.on_commit(lambda: task.enqueue(send_id=send.pk), robust=True)
    return send


def send_cancel(*, send: Send) -> Send:
    """Stop a scheduled send, or one under way: no further mail goes out."""
    Send.objects.unfinished().filter(pk=send.pk).update(status=Send.Status.CANCELLED)
    Delivery.objects.pending().filter(send=send).update(
        state=Delivery.State.SKIPPED, error="cancelled"
    )
    send.refresh_from_db()
    return send
