"""Emailing a tip, as a background task: the reader's request never waits for SMTP.

``tips.tip_submit`` stores the tip and, after its transaction commits, queues
``email_tip`` (DESIGN.md invariant 7). The task:

- **never sends twice**: it locks the tip's row, does nothing when ``emailed_at`` is set,
  and sets it in the same transaction as the send. (Should the process die between the
  server's "accepted" and the commit, the next attempt sends again: at least once, never
  silently lost, is the trade.)
- **is retried** while the mail server is down or refuses: each failure is written to the
  tip's ``email_error`` (the admin shows it), and the next attempt is queued after a delay
  that doubles from ``TIPS_EMAIL_RETRY_SECONDS``, ``TIPS_EMAIL_RETRIES`` times; the tip
  itself is in the admin's list all along.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("newsroom.tips")


def _retry(tip_id: int, attempt: int) -> None:
    """Queue attempt ``attempt + 1``, after a delay where the backend can defer tasks."""
    delay = settings.TIPS_EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)
    again = email_tip
    if again.get_backend().supports_defer and delay:
        again = again.using(run_after=timezone.now() + timedelta(seconds=delay))
    again.enqueue(tip_id=tip_id, attempt=attempt + 1)


@task()
def email_tip(*, tip_id: int, attempt: int = 1) -> str:
    """Email tip ``tip_id`` to ``TIPS_EMAIL_TO`` unless it was emailed already."""
    from .models import Tip
    from .tips import email_configured, tip_message

    if not email_configured():
        return "no mail server"
    error = None
    with transaction.atomic():
        tip = Tip.objects.select_for_update().filter(pk=tip_id).first()
        if tip is None:
            return "deleted"
        if tip.emailed_at is not None:
            return "already sent"
        try:
            tip_message(tip).send(fail_silently=False)
        except Exception as exc:  # connection refused, timeouts, refusals: retried
            error = exc
            Tip.objects.filter(pk=tip.pk).update(email_error=str(exc)[:300])
        else:
            Tip.objects.filter(pk=tip.pk).update(emailed_at=timezone.now(), email_error="")
            return "sent"
    if attempt <= settings.TIPS_EMAIL_RETRIES:
        logger.warning("Tip %s not emailed (attempt %s): %s; trying again", tip_id, attempt, error)
        _retry(tip_id, attempt)
    else:
        logger.error("Tip %s not emailed after %s attempts: %s", tip_id, attempt, error)
    raise error
