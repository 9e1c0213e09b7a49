"""Newsletter work in the task queue (the one renditions use: django-tasks + db_worker)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from . import emails, sending
from .models import Send, Subscriber

logger = logging.getLogger("newsletters.tasks")


def queue_watchdog(send_id: int) -> None:
    """Queue ``deliver_send`` for just after the current lease would run out: if the worker
    sending now dies, this picks the send up; if it is alive, it finds the send busy and queues
    itself again; once the send is finished it does nothing. Needs a backend that can defer
    (the database queue can; the immediate one, in tests, cannot)."""
    if not deliver_send.get_backend().supports_defer:
        return
    lease_until = Send.objects.filter(pk=send_id).values_list("lease_until", flat=True).first()
    at = lease_until or timezone.now() + timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    deliver_send.using(run_after=at + timedelta(seconds=2)).enqueue(send_id=send_id)


def queue_retry(send_id: int, at) -> None:
    """Queue ``deliver_send`` for when the rows the server refused for now (4xx) may be tried
    again — unless a run is already queued for then or later (each run that ends waiting
    would otherwise add one). Like the watchdog, needs a backend that can defer."""
    backend = deliver_send.get_backend()
    if not backend.supports_defer:
        return
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(
        status="READY",
        task_path=f"{deliver_send.module_path}",
        args_kwargs__kwargs__send_id=send_id,
        run_after__gte=at,
        run_after__lt=at + timedelta(seconds=settings.NEWSLETTER_RETRY_SECONDS),
    )
    if isinstance(backend, DatabaseBackend) and queued.exists():
        return
    deliver_send.using(run_after=at).enqueue(send_id=send_id)


@task()
def deliver_send(*, send_id: int) -> str:
    """Send, or resume, one issue (newsletters/sending.py says how it survives faults)."""
    try:
        outcome = sending.run_send(send_id)
    except sending.NotHanded as error:
        # The mail server went away mid-send. Unsent rows are pending again; the watchdog this
        # run queued resumes once the lease is over.
        logger.warning("Newsletter send %s interrupted: %s; it will resume", send_id, error)
        return "interrupted"
    if outcome == "busy":
        queue_watchdog(send_id)
    return outcome


@task()
def send_confirmation(*, subscriber_id: int) -> str:
    """The double opt-in email (or, for an address on every list already, a reminder)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return "gone"
    emails.confirmation_message(subscriber).send(fail_silently=False)
    return "sent"


@task()
def send_test(*, send_id: int, to: str) -> str:
    """An issue to one editor's own address, as readers will get it."""
    send = Send.objects.filter(pk=send_id).select_related("newsletter").first()
    if send is None:
        return "gone"
    emails.editor_test_message(send, to).send(fail_silently=False)
    return "sent"
