"""Receiving a tip: store it first, then queue its email; limit how often one address sends.

The order is the point. A tip is written to the database (and its file to private storage)
in one transaction before any mail is attempted, so a mail server that is down, slow or
refusing loses nothing: the tip is in the admin's list either way, and ``emailed_at`` /
``email_error`` say what happened to the copy. The email is a task (``tasks.email_tip``)
queued after the commit: the reader's request never waits for the mail server, a failure is
retried and recorded, and a tip is never emailed twice.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsroom.seo import absolute_url

from .models import Page, Tip

logger = logging.getLogger("newsroom.tips")

RATE_KEY_PREFIX = "tips-rate:"


def email_configured() -> bool:
    """Mail goes out only when a mail server (``EMAIL_URL``) and a recipient are set."""
    return bool(settings.TIPS_EMAIL_TO) and bool(settings.EMAIL_URL)


def _rate_key(address: str) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]  # no raw IPs in the cache
    return f"{RATE_KEY_PREFIX}{digest}"


def rate_limited(address: str | None) -> bool:
    """Whether ``address`` has sent ``TIPS_RATE_LIMIT`` tips in the current window."""
    if not address:
        return False
    return (cache.get(_rate_key(address)) or 0) >= settings.TIPS_RATE_LIMIT


def count_submission(address: str | None) -> None:
    """Count one tip against ``address``; the window starts with its first tip."""
    if not address:
        return
    key = _rate_key(address)
    if cache.add(key, 1, timeout=settings.TIPS_RATE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.TIPS_RATE_WINDOW_SECONDS)


def tip_submit(*, page: Page | None, name: str, email: str, message: str, attachment=None) -> Tip:
    """Store a tip, then (after the commit) email it when email is configured."""
    with transaction.atomic():
        tip = Tip(page=page, name=name, email=email, message=message)
        if attachment:
            tip.attachment_name = (attachment.name or "")[:255]
            tip.attachment.save(attachment.name or "file", attachment, save=False)
        tip.save()
        if email_configured():
            transaction.on_commit(lambda: queue_email(tip))
    return tip


def queue_email(tip: Tip) -> None:
    """Queue the tip's email. The tip is stored already: a queue that fails is logged."""
    from .tasks import email_tip

    try:
        email_tip.enqueue(tip_id=tip.pk)
    except Exception:
        logger.exception("Tip %s stored but its email could not be queued", tip.pk)


def tip_message(tip: Tip) -> EmailMessage:
    """The email telling the newsroom's inbox about ``tip``."""
    admin_url = absolute_url(reverse("admin:pages_tip_change", args=[tip.pk]))
    lines = [
        f"A tip arrived through {tip.page or 'the site'} at "
        f"{timezone.localtime(tip.received_at):%Y-%m-%d %H:%M %Z}.",
        "",
        f"Name: {tip.name or '(not given)'}",
        f"Email: {tip.email or '(not given)'}",
        f"Attachment: {tip.attachment_name or '(none)'}"
        + (" (open it from the admin)" if tip.attachment else ""),
        "",
        tip.message,
        "",
        f"In the admin: {admin_url}",
    ]
    # The attachment stays on the server: it is opened from the admin, where access is
    # checked, rather than copied into mailboxes.
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] New tip",
        body="\n".join(lines),
        to=settings.TIPS_EMAIL_TO,
        reply_to=[tip.email] if tip.email else None,
    )
