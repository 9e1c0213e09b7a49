"""Sending an issue so that a crash or restart neither repeats nor skips anyone.

How (each step is a committed write, so a worker killed anywhere leaves a true record):

1. **One runner per send.** A worker takes the send's *lease* (``lease_until``, renewed after
   every batch). Whoever holds it is the only one sending; a runner that finds it held by a
   live lease leaves. When the worker dies the lease runs out, and the watchdog task queued
   by every run that has something to send (``run_after`` the lease's end, the task queue's
   own scheduler — no cron) takes over.
2. **Deliveries first.** Before any mail, one ``Delivery`` per active subscriber is made
   (unique per send and subscriber; making them twice adds nothing).
3. **Claim, hand, confirm.** A batch of pending rows is *claimed* (``select_for_update`` with
   ``skip_locked``, marked with this run's token). Each row is marked *handed* just before the
   message's content goes to the SMTP server — after MAIL, RCPT and DATA were accepted — and
   *sent* only after the server's 250 for that content. Refused with a 5xx: *bounced*. A 4xx
   is temporary: the row is *pending* again with ``retry_at`` (``NEWSLETTER_RETRY_SECONDS``,
   doubling), and the run queues ``deliver_send`` for that time (``run_after``, no cron);
   after ``NEWSLETTER_TEMPFAIL_ATTEMPTS`` attempts it is *failed* (with the server's answer).
4. **Resuming.** A new runner returns *claimed* rows of the dead one to *pending* (they never
   reached the server: sending them now repeats nothing) and turns *handed* rows into
   *uncertain*: the content left us but no answer came back, so we cannot know whether the
   server kept it. A connection lost before the content was sent puts that row back to pending;
   lost after, it is uncertain.

The trade-off: at most one message per runner is ever uncertain, and by default it is **not**
resent (at-most-once: nobody gets an issue twice; that one reader may miss it). With
``NEWSLETTER_RESEND_UNCERTAIN=true`` it is resent (at-least-once: nobody misses it; that one
reader may get it twice, with the same Message-ID). No design can do better over SMTP, which
has no way to ask a server whether it already took a message. See docs/newsletters.md.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from .emails import Issue, message_id, render_issue
from .models import Delivery, Send, Subscription

logger = logging.getLogger("newsletters.sending")

State = Delivery.State


class NotHanded(Exception):
    """The connection failed before the message's content was sent: safe to send again."""


class Refused(Exception):
    def __init__(self, code: int, reply: bytes | str):
        self.code = code
        self.reply = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        super().__init__(f"{code} {self.reply}")


# --- the lease ----------------------------------------------------------------------------


def lease_acquire(send_id: int, token: str) -> bool:
    now = timezone.now()
    until = now + timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    # One UPDATE whose own WHERE says "free": of two workers racing, PostgreSQL re-checks the
    # condition on the row the first one wrote, so only one gets the lease.
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return bool(
        Send.objects.unfinished()
        .filter(free, pk=send_id)
        .update(lease_until=until, lease_token=token)
    )


def lease_renew(send_id: int, token: str) -> bool:
    until = timezone.now() + timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    return bool(
        Send.objects.sending().filter(pk=send_id, lease_token=token).update(lease_until=until)
    )


def lease_release(send_id: int, token: str) -> None:
    Send.objects.filter(pk=send_id, lease_token=token).update(lease_until=None, lease_token="")


# --- steps --------------------------------------------------------------------------------


def prepare(send: Send) -> None:
    """Scheduled → sending: one delivery per active subscriber, made once."""
    if send.status != Send.Status.SCHEDULED:
        return
    subscriber_ids = (
        Subscription.objects.active()
        .filter(newsletter_id=send.newsletter_id)
        .values_list("subscriber_id", flat=True)
        .order_by("subscriber_id")
    )
    batch: list[Delivery] = []
    for subscriber_id in subscriber_ids.iterator(chunk_size=2000):
        batch.append(Delivery(send_id=send.pk, subscriber_id=subscriber_id))
        if len(batch) >= 2000:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Delivery.objects.bulk_create(batch, ignore_conflicts=True)
    now = timezone.now()
    Send.objects.scheduled().filter(pk=send.pk).update(status=Send.Status.SENDING, started_at=now)
    send.refresh_from_db()
    recount(send)


def recover(send: Send) -> None:
    """Rows a dead runner left: claimed → pending (never reached the server); handed →
    uncertain, or pending again when ``NEWSLETTER_RESEND_UNCERTAIN`` is on."""
    Delivery.objects.claimed().filter(send=send).update(state=State.PENDING, claim_token="")
    handed = Delivery.objects.handed().filter(send=send)
    if settings.NEWSLETTER_RESEND_UNCERTAIN:
        handed.update(state=State.PENDING, claim_token="", error="resent after an interruption")
    else:
        handed.update(
            state=State.UNCERTAIN,
            error="the worker stopped while handing this message to the mail server; "
            "not resent, so that nobody gets it twice",
        )


def due() -> Q:
    """Pending rows that may go now (a row refused for now waits for its ``retry_at``)."""
    return Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now())


def next_retry(send: Send):
    """When the earliest row refused for now may be tried again (None: nothing waits)."""
    return (
        Delivery.objects.pending()
        .filter(send=send, retry_at__gt=timezone.now())
        .aggregate(at=Min("retry_at"))["at"]
    )


def refused_for_now(row: Delivery, refusal: Refused) -> dict:
    """What a 4xx refusal does to a row: pending again later, or failed after the last try."""
    if row.attempts >= settings.NEWSLETTER_TEMPFAIL_ATTEMPTS:
        return {
            "state": State.FAILED,
            "retry_at": None,
            "error": f"{refusal} (temporary refusal, {row.attempts} attempts; gave up)"[:300],
        }
    delay = settings.NEWSLETTER_RETRY_SECONDS * 2 ** max(row.attempts - 1, 0)
    at = timezone.now() + timedelta(seconds=delay)
    return {
        "state": State.PENDING,
        "claim_token": "",
        "retry_at": at,
        "error": f"{refusal} (temporary; attempt {row.attempts} of "
        f"{settings.NEWSLETTER_TEMPFAIL_ATTEMPTS}, next at {at:%Y-%m-%d %H:%M:%S} UTC)"[:300],
    }


def claim(send: Send, token: str, size: int) -> list[int]:
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .pending()
            .filter(due(), send=send)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Delivery.objects.filter(pk__in=ids).update(
            state=State.CLAIMED,
            claim_token=token,
            attempts=F("attempts") + 1,
            last_attempt_at=timezone.now(),
        )
    return ids


def recount(send: Send) -> None:
    counts = dict(
        Delivery.objects.filter(send=send)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    send.recipients_count = sum(counts.values())
    send.sent_count = counts.get(State.SENT, 0)
    send.failed_count = counts.get(State.FAILED, 0)
    send.bounced_count = counts.get(State.BOUNCED, 0)
    send.skipped_count = counts.get(State.SKIPPED, 0)
    send.uncertain_count = counts.get(State.UNCERTAIN, 0)
    fields = ["recipients_count", "sent_count", "failed_count", "bounced_count"]
    fields += ["skipped_count", "uncertain_count"]
    Send.objects.filter(pk=send.pk).update(**{name: getattr(send, name) for name in fields})


# --- the SMTP hand-off --------------------------------------------------------------------

_LEADING_DOT = re.compile(rb"(?m)^\.")


class Transport:
    """One SMTP connection (opened by Django's backend from ``EMAIL_URL``: TLS, login),
    driven one command at a time so each failure is known to come before or after the
    content was handed over. Other backends (console, locmem) send whole messages."""

    def __init__(self):
        self.backend = None

    def open(self):
        if self.backend is None:
            self.backend = get_connection(fail_silently=False)
            self.backend.open()
        return self.backend

    def close(self):
        if self.backend is not None:
            with contextlib.suppress(Exception):  # the connection is gone already
                self.backend.close()
            self.backend = None

    def send(self, message, mark_handed) -> None:
        try:
            backend = self.open()
        except OSError as error:  # refused, unreachable, TLS or login failed
            self.close()
            raise NotHanded(f"could not reach the mail server: {error}") from error
        if not isinstance(backend, SMTPBackend):
            mark_handed()
            backend.send_messages([message])
            return
        conn = backend.connection
        sender = message.from_email
        recipient = message.to[0]
        data = message.message().as_bytes(linesep="\r\n")
        try:
            conn.ehlo_or_helo_if_needed()
            options = ["BODY=8BITMIME"] if conn.does_esmtp and conn.has_extn("8bitmime") else []
            code, reply = conn.mail(sender, options)
            if code != 250:
                self._reset(conn)
                raise Refused(code, reply)
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                self._reset(conn)
                raise Refused(code, reply)
            code, reply = conn.docmd("data")
            if code != 354:
                self._reset(conn)
                raise Refused(code, reply)
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise NotHanded(str(error)) from error
        mark_handed()
        body = _LEADING_DOT.sub(b"..", data)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        try:
            conn.send(body + b".\r\n")
            code, reply = conn.getreply()
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise
        if code != 250:
            raise Refused(code, reply)

    @staticmethod
    def _reset(conn) -> None:
        with contextlib.suppress(smtplib.SMTPServerDisconnected, OSError):
            conn.rset()


# --- the run ------------------------------------------------------------------------------


class Pacer:
    """At most ``NEWSLETTER_RATE_PER_SECOND`` messages a second (0: as fast as it goes)."""

    def __init__(self, rate: float):
        self.interval = 1 / rate if rate > 0 else 0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def _deliver_batch(send: Send, issue: Issue, ids: list[int], token: str, transport, pacer) -> None:
    rows = list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk"))
    active = set(
        Subscription.objects.active()
        .filter(newsletter_id=send.newsletter_id, subscriber_id__in=[r.subscriber_id for r in rows])
        .values_list("subscriber_id", flat=True)
    )
    mine = Delivery.objects.filter(claim_token=token)
    for row in rows:
        if row.subscriber_id not in active:  # left the list since the send began
            mine.claimed().filter(pk=row.pk).update(
                state=State.SKIPPED, error="unsubscribed before it went"
            )
            continue
        mid = message_id(row.pk, send.pk)
        message = issue.message(row.subscriber, message_id=mid)

        def mark_handed(pk=row.pk, mid=mid):
            if not mine.claimed().filter(pk=pk).update(state=State.HANDED, message_id=mid):
                raise LostClaim(pk)

        pacer.wait()
        try:
            transport.send(message, mark_handed)
        except LostClaim:
            continue
        except NotHanded as error:
            # Nothing of this message reached the server; it and the rest of the batch go
            # back to the queue, and the error ends this run (the watchdog or a retry resumes).
            mine.claimed().filter(pk__in=ids).update(
                state=State.PENDING, claim_token="", error=str(error)[:300]
            )
            raise
        except Refused as refusal:
            if 400 <= refusal.code < 500:
                mine.filter(pk=row.pk).update(**refused_for_now(row, refusal))
            else:
                mine.filter(pk=row.pk).update(state=State.BOUNCED, error=str(refusal)[:300])
            continue
        except (smtplib.SMTPException, OSError) as error:
            # Lost after the content left: the server may or may not have it.
            mine.handed().filter(pk=row.pk).update(
                state=State.PENDING if settings.NEWSLETTER_RESEND_UNCERTAIN else State.UNCERTAIN,
                error=f"connection lost after the message was handed over: {error}"[:300],
            )
            raise NotHanded(str(error)) from error
        mine.handed().filter(pk=row.pk).update(state=State.SENT, sent_at=timezone.now(), error="")


class LostClaim(Exception):
    """Another runner took this send over (our lease ran out): leave the row to it."""


def _relax_commits() -> bool:
    """On PostgreSQL, this connection's commits stop waiting for the disk flush
    (``synchronous_commit = off``) while it sends: two commits per message otherwise cost
    more than the SMTP hand-off. Every commit is still visible to other connections at once
    and survives any crash of the *worker* (the case that matters: each ``handed`` mark is
    committed before the message leaves). Only a crash of the *database server* could lose
    the last fraction of a second of marks, so a message might be sent again; set
    ``NEWSLETTER_SYNCHRONOUS_COMMIT=true`` to pay for the flush instead."""
    if settings.NEWSLETTER_SYNCHRONOUS_COMMIT or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    return True


def _restore_commits() -> None:
    with contextlib.suppress(Exception), connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO DEFAULT")


def run_send(send_id: int, *, token: str | None = None, max_batches: int | None = None) -> str:
    """Send (or resume) one issue; returns what happened, for the task's result."""
    token = token or uuid.uuid4().hex
    send = Send.objects.filter(pk=send_id).select_related("newsletter").first()
    if send is None:
        return "gone"
    if send.status not in {Send.Status.SCHEDULED, Send.Status.SENDING}:
        return send.status
    if (
        send.status == Send.Status.SCHEDULED
        and send.scheduled_at
        and send.scheduled_at > (timezone.now() + timedelta(seconds=1))
    ):
        return "not yet"  # rescheduled later; the task queued for the new time sends it
    if not lease_acquire(send_id, token):
        return "busy"
    transport = Transport()
    relaxed = _relax_commits()
    try:
        from .tasks import queue_watchdog

        send.refresh_from_db()
        prepare(send)
        recover(send)
        issue = render_issue(send)
        pacer = Pacer(settings.NEWSLETTER_RATE_PER_SECOND)
        batches = 0
        while True:
            if not lease_renew(send_id, token):
                return "stopped"  # cancelled, or another runner took over
            ids = claim(send, token, settings.NEWSLETTER_BATCH_SIZE)
            if not ids:
                break
            if batches == 0:
                # Only a run that has something to send needs someone to take over if it
                # dies (a run that only finds rows waiting for their retry_at must not
                # queue a watchdog that queues the next one, and so on until then).
                queue_watchdog(send_id)
            try:
                _deliver_batch(send, issue, ids, token, transport, pacer)
            finally:
                recount(send)
            batches += 1
            if max_batches is not None and batches >= max_batches:
                return "paused"
        retry_at = next_retry(send)
        if retry_at is not None:
            from .tasks import queue_retry

            queue_retry(send_id, retry_at)
            return "waiting"  # some were refused for now; the task queued for then resumes
        finished = (
            Send.objects.sending()
            .filter(pk=send_id)
            .update(status=Send.Status.FINISHED, finished_at=timezone.now())
        )
        recount(send)
        return "finished" if finished else "stopped"
    finally:
        transport.close()
        lease_release(send_id, token)
        if relaxed:
            _restore_commits()
