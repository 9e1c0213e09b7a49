"""Telling the desk what happened: notifications written by the workflow services.

A contributor hears when their item is returned or published (or scheduled); the editors
(whoever may return items of that kind) hear when one is submitted. Nobody is told about
their own act. The rows are written once the transition has committed — a refused or
rolled-back transition tells nobody — and their email copies are queued then too
(``django-tasks``), only when a mail server is configured (``EMAIL_URL``). A mail server
that is down loses nothing: the notification is in the admin either way, and
``emailed_at`` / ``email_error`` say what happened to the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django_tasks import task

from .models import Notification

logger = logging.getLogger("editorial.notifications")
Kind = Notification.Kind


def email_configured() -> bool:
    """Mail goes out only when a mail server is named (``EMAIL_URL``)."""
    return bool(getattr(settings, "EMAIL_URL", ""))


def reviewer_ids(model: type[Model]) -> set[int]:
    """Active staff who may return items of ``model`` (its ``review_<model>`` permission)."""
    opts = model._meta
    perm = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"review_{opts.model_name}"
    ).first()
    users = get_user_model()._default_manager.filter(is_active=True, is_staff=True)
    if perm is None:
        users = users.filter(is_superuser=True)
    else:
        users = users.filter(
            Q(is_superuser=True) | Q(groups__permissions=perm) | Q(user_permissions=perm)
        )
    return set(users.values_list("pk", flat=True).distinct())


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction commits (at once outside one).

    A seam for the test suite, whose tests run inside a transaction that never commits
    (as ``images.tasks.after_commit``).
    """
    transaction.on_commit(callback, robust=True)


def notify(*, obj: Model, kind: str, by, recipients: Iterable[int], note: str = "") -> None:
    """After the transition commits, write one notification per recipient (never the actor)
    and queue their email copies.

    After the commit, so a transition that is refused or rolled back tells nobody, and a
    failure here (logged) never undoes the transition itself.
    """
    actor_id = by.pk if by is not None and by.is_authenticated else None
    user_ids = sorted({pk for pk in recipients if pk and pk != actor_id})
    if not user_ids:
        return
    content_type = ContentType.objects.get_for_model(obj)
    object_id, title = obj.pk, str(obj)[:300]

    def create() -> None:
        rows = Notification.objects.bulk_create(
            [
                Notification(
                    user_id=pk,
                    kind=kind,
                    content_type=content_type,
                    object_id=object_id,
                    title=title,
                    note=note,
                    actor_id=actor_id,
                )
                for pk in user_ids
            ]
        )
        if email_configured():
            # bulk_create returns the keys on SQLite and PostgreSQL.
            _queue_emails([row.pk for row in rows])

    after_commit(create)


def _queue_emails(ids: list[int]) -> None:
    for pk in ids:
        try:
            send_notification_email.enqueue(notification_id=pk)
        except Exception:  # the transition has committed; the notification is in the admin
            logger.exception("Could not queue the email for notification %s", pk)


def notify_submitted(*, obj: Model, by, note: str = "") -> None:
    notify(obj=obj, kind=Kind.SUBMITTED, by=by, recipients=reviewer_ids(type(obj)), note=note)


def notify_returned(*, obj: Model, by, note: str) -> None:
    notify(obj=obj, kind=Kind.RETURNED, by=by, recipients=obj.owner_ids(), note=note)


def notify_published(*, obj: Model, by, scheduled: bool, note: str = "") -> None:
    kind = Kind.SCHEDULED if scheduled else Kind.PUBLISHED
    notify(obj=obj, kind=kind, by=by, recipients=obj.owner_ids(), note=note)


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.for_user(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def email_body(notification: Notification) -> str:
    lines = [notification.sentence()]
    if notification.note:
        lines += ["", notification.note]
    lines += ["", f"Open it: {settings.SITE_URL}{notification.item_admin_url()}"]
    return "\n".join(lines)


@task()
def send_notification_email(*, notification_id: int) -> str:
    """Email one notification to its person; idempotent (a sent one is not sent again)."""
    notification = (
        Notification.objects.select_related("user", "actor", "content_type")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "gone"
    if notification.emailed_at is not None:
        return "already sent"
    address = notification.user.email
    if not address:
        return "no address"
    mail = EmailMessage(
        subject=f"[{settings.SITE_NAME}] {notification.sentence()}",
        body=email_body(notification),
        to=[address],
    )
    try:
        mail.send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 — any mail failure is recorded, not raised
        logger.warning("Notification %s not emailed: %s", notification.pk, error)
        Notification.objects.filter(pk=notification.pk).update(email_error=str(error)[:300])
        return "failed"
    Notification.objects.filter(pk=notification.pk).update(
        emailed_at=timezone.now(), email_error=""
    )
    return "sent"
