"""Sending an issue through a real SMTP server on loopback: everyone once, refusals recorded,
a dropped connection or a dead worker resumed without repeating or skipping anyone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsletters import sending, services
from newsletters.models import Delivery, Send, Subscription
from newsletters.tasks import deliver_send
from tests.factories import ArticleFactory

from .conftest import subscribe_confirmed

pytestmark = pytest.mark.django_db
State = Delivery.State


def scheduled_send(newsletter, articles=None) -> Send:
    send = services.send_create(
        newsletter=newsletter, subject="Tuesday", articles=articles or [ArticleFactory()]
    )
    Send.objects.filter(pk=send.pk).update(
        status=Send.Status.SCHEDULED, scheduled_at=timezone.now()
    )
    send.refresh_from_db()
    return send


def states(send) -> dict:
    return {d.subscriber.email: d.state for d in send.deliveries.select_related("subscriber")}


def test_every_active_subscriber_gets_the_issue_once_with_one_click_unsubscribe(
    daily, smtp_server, django_capture_on_commit_callbacks
):
    readers = subscribe_confirmed(daily, 9)
    pending = subscribe_confirmed(daily, 1, prefix="unconfirmed")[0]
    Subscription.objects.filter(subscriber=pending).update(status=Subscription.Status.PENDING)
    article = ArticleFactory(headline="Tram line opens")
    send = services.send_create(newsletter=daily, articles=[article])
    with django_capture_on_commit_callbacks(execute=True):
        services.send_schedule(send=send)

    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED
    assert sorted(smtp_server.recipients) == sorted(r.email for r in readers)
    assert (send.recipients_count, send.sent_count, send.failed_count) == (9, 9, 0)
    message = smtp_server.messages[0]
    assert message["Subject"] == "Tram line opens"
    assert re.fullmatch(
        r"<https?://[^>]+/newsletter/unsubscribe/[^>]+/>",
        " ".join(message["List-Unsubscribe"].split()),
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["Message-ID"]
        == Delivery.objects.get(send=send, subscriber__email=message.envelope_to[0]).message_id
    )
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "Tram line opens" in parts["text/plain"].get_payload(decode=True).decode()
    assert "Read on the site" in parts["text/html"].get_payload(decode=True).decode()


def test_emails_have_no_tracking_pixel_no_rewritten_links_no_external_css(
    daily, smtp_server, settings, django_capture_on_commit_callbacks
):
    subscribe_confirmed(daily, 1)
    article = ArticleFactory(headline="Harbour ferry returns")
    send = services.send_create(newsletter=daily, articles=[article])
    with django_capture_on_commit_callbacks(execute=True):
        services.send_schedule(send=send)
    [message] = smtp_server.messages
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    html = html.get_payload(decode=True).decode()
    links = set(re.findall(r'href="([^"]+)"', html))
    article_url = settings.SITE_URL + article.get_absolute_url()
    allowed = re.compile(
        rf"^({re.escape(article_url)}|{re.escape(settings.SITE_URL)}/"
        rf"|{re.escape(settings.SITE_URL)}/newsletter/(unsubscribe|preferences)/[^/]+/)$"
    )
    assert article_url in links
    assert all(allowed.match(link) for link in links), links
    assert "<img" not in html  # the article has no picture: no image at all, no pixel
    assert "<link" not in html and "<style" not in html and "@import" not in html


def test_refused_recipients_are_bounced_or_retried_and_the_rest_are_sent(
    daily, mail_server_factory
):
    inbox = mail_server_factory(
        refuse={
            "reader1@example.org": "550 5.1.1 No such user here",
            "reader3@example.org": "452 4.2.2 Mailbox full, try later",
        }
    )
    subscribe_confirmed(daily, 6)
    send = scheduled_send(daily)
    assert sending.run_send(send.pk) == "waiting"  # the 4xx is tried again later

    result = states(send)
    assert result["reader1@example.org"] == State.BOUNCED
    assert result["reader3@example.org"] == State.PENDING
    assert sorted(inbox.recipients) == sorted(f"reader{i}@example.org" for i in (0, 2, 4, 5))
    send.refresh_from_db()
    assert send.status == Send.Status.SENDING
    assert (send.sent_count, send.bounced_count, send.failed_count) == (4, 1, 0)
    bounced = Delivery.objects.get(send=send, state=State.BOUNCED)
    assert "550" in bounced.error and "No such user" in bounced.error
    later = Delivery.objects.get(send=send, state=State.PENDING)
    assert "452" in later.error and "temporary; attempt 1 of 5" in later.error


def due_now(send) -> None:
    """Time passes: every row waiting for its retry may go now."""
    send.deliveries.filter(retry_at__isnull=False).update(
        retry_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_4xx_is_retried_later_with_backoff_and_then_delivered_once(
    daily, mail_server_factory, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NEWSLETTER_RETRY_SECONDS = 300
    inbox = mail_server_factory(
        refuse_first={
            "reader1@example.org": ["451 4.7.1 Greylisted, try later", "451 4.7.1 Still busy"]
        }
    )
    subscribe_confirmed(daily, 3)
    send = scheduled_send(daily)

    before = timezone.now()
    assert sending.run_send(send.pk) == "waiting"
    row = Delivery.objects.get(send=send, subscriber__email="reader1@example.org")
    assert row.state == State.PENDING and row.attempts == 1
    assert (
        before + timedelta(seconds=300) <= row.retry_at <= timezone.now() + timedelta(seconds=300)
    )
    assert "451" in row.error
    # The task queue holds a run for that time (run_after: no cron) — one, however many runs
    # find the send waiting.
    queued = DBTaskResult.objects.filter(
        task_path="newsletters.tasks.deliver_send", run_after=row.retry_at
    )
    assert queued.count() == 1
    assert sending.run_send(send.pk) == "waiting"  # too early: nothing claimed, nothing sent
    assert queued.count() == 1 and len(inbox.recipients) == 2

    due_now(send)
    before = timezone.now()
    assert sending.run_send(send.pk) == "waiting"  # refused a second time: twice as long
    row.refresh_from_db()
    assert row.attempts == 2
    assert (
        before + timedelta(seconds=600) <= row.retry_at <= timezone.now() + timedelta(seconds=600)
    )

    due_now(send)
    assert sending.run_send(send.pk) == "finished"
    row.refresh_from_db()
    assert row.state == State.SENT and row.retry_at is not None and row.error == ""
    assert sorted(inbox.recipients) == [f"reader{i}@example.org" for i in range(3)]
    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED and send.sent_count == 3


def test_a_4xx_every_time_fails_after_the_last_attempt_and_a_5xx_never_retries(
    daily, mail_server_factory, settings
):
    settings.NEWSLETTER_TEMPFAIL_ATTEMPTS = 3
    inbox = mail_server_factory(
        refuse={"reader0@example.org": "550 5.1.1 No such user"},
        refuse_first={"reader1@example.org": ["421 4.7.0 Try again later"] * 10},
    )
    subscribe_confirmed(daily, 2)
    send = scheduled_send(daily)
    outcomes = []
    for _ in range(5):
        outcomes.append(sending.run_send(send.pk))
        due_now(send)
    assert outcomes[:3] == ["waiting", "waiting", "finished"]
    result = states(send)
    assert result == {"reader0@example.org": State.BOUNCED, "reader1@example.org": State.FAILED}
    failed = Delivery.objects.get(send=send, state=State.FAILED)
    assert failed.attempts == 3 and "gave up" in failed.error and "421" in failed.error
    assert Delivery.objects.get(send=send, state=State.BOUNCED).attempts == 1
    assert inbox.recipients == []


def test_connection_dropped_mid_batch_resumes_and_sends_the_rest_exactly_once(
    daily, mail_server_factory
):
    inbox = mail_server_factory(drop_after=5)  # batches of 4: drops in the second batch
    subscribe_confirmed(daily, 11)
    send = scheduled_send(daily)

    assert deliver_send.call(send_id=send.pk) == "interrupted"
    assert len(inbox.messages) == 5
    counts = send.deliveries.values_list("state", flat=True)
    assert sorted(set(counts)) == [State.PENDING, State.SENT]
    assert not send.deliveries.in_flight().exists()

    assert sending.run_send(send.pk) == "finished"  # the lease was released: resume at once
    assert sorted(inbox.recipients) == sorted(f"reader{i}@example.org" for i in range(11))
    assert len(inbox.recipients) == len(set(inbox.recipients)) == 11
    assert send.deliveries.filter(state=State.SENT).count() == 11


def test_connection_lost_after_the_content_left_is_uncertain_and_not_resent(
    daily, mail_server_factory
):
    inbox = mail_server_factory(drop_after_data=2)
    subscribe_confirmed(daily, 5)
    send = scheduled_send(daily)
    assert deliver_send.call(send_id=send.pk) == "interrupted"
    assert sending.run_send(send.pk) == "finished"

    [unanswered] = inbox.received_but_unanswered
    uncertain = Delivery.objects.get(send=send, state=State.UNCERTAIN)
    assert uncertain.subscriber.email == unanswered.envelope_to[0]
    assert uncertain.subscriber.email not in inbox.recipients  # at-most-once: not resent
    assert len(inbox.recipients) == len(set(inbox.recipients)) == 4
    send.refresh_from_db()
    assert send.uncertain_count == 1


def worker_died(send, *, claimed: int, handed: int) -> None:
    """What a worker killed mid-batch leaves: its lease, claimed rows, one handed row."""
    ids = list(send.deliveries.order_by("pk").values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids[:claimed]).update(state=State.CLAIMED, claim_token="dead")
    Delivery.objects.filter(pk__in=ids[claimed : claimed + handed]).update(
        state=State.HANDED, claim_token="dead"
    )
    Send.objects.filter(pk=send.pk).update(
        lease_token="dead", lease_until=timezone.now() + timedelta(seconds=60)
    )


@pytest.mark.parametrize("resend_uncertain", [False, True])
def test_a_dead_workers_send_is_resumed_once_its_lease_runs_out(
    daily, smtp_server, settings, resend_uncertain
):
    settings.NEWSLETTER_RESEND_UNCERTAIN = resend_uncertain
    subscribe_confirmed(daily, 6)
    send = scheduled_send(daily)
    sending.prepare(send)
    worker_died(send, claimed=2, handed=1)

    assert sending.run_send(send.pk) == "busy"  # the lease is still the dead worker's
    assert smtp_server.messages == []
    Send.objects.filter(pk=send.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert sending.run_send(send.pk) == "finished"

    handed = send.deliveries.order_by("pk")[2]
    expected = 6 if resend_uncertain else 5
    assert len(smtp_server.recipients) == len(set(smtp_server.recipients)) == expected
    assert (handed.subscriber.email in smtp_server.recipients) is resend_uncertain
    handed.refresh_from_db()
    assert handed.state == (State.SENT if resend_uncertain else State.UNCERTAIN)


def test_unsubscribing_during_a_send_skips_the_reader_at_once(daily, smtp_server):
    readers = subscribe_confirmed(daily, 6)
    send = scheduled_send(daily)
    assert sending.run_send(send.pk, max_batches=1) == "paused"
    leaver = readers[5]
    services.subscription_unsubscribe(subscriber=leaver, newsletter_id=daily.pk)
    assert sending.run_send(send.pk) == "finished"
    assert leaver.email not in smtp_server.recipients
    assert states(send)[leaver.email] == State.SKIPPED
    assert len(smtp_server.recipients) == 5


def test_a_finished_send_is_never_sent_again(daily, smtp_server):
    subscribe_confirmed(daily, 3)
    send = scheduled_send(daily)
    assert sending.run_send(send.pk) == "finished"
    assert sending.run_send(send.pk) == "finished"
    Send.objects.filter(pk=send.pk).update(status=Send.Status.SCHEDULED)  # even if re-queued
    sending.run_send(send.pk)
    assert len(smtp_server.recipients) == 3


def test_scheduled_send_waits_for_its_time(daily, smtp_server):
    subscribe_confirmed(daily, 2)
    send = scheduled_send(daily)
    Send.objects.filter(pk=send.pk).update(scheduled_at=timezone.now() + timedelta(hours=1))
    assert sending.run_send(send.pk) == "not yet"
    assert smtp_server.messages == []


def test_each_run_queues_a_watchdog_for_when_its_lease_runs_out(daily, smtp_server, settings):
    """With the database queue, a run leaves a task due just after its lease: the one that
    resumes the send if this worker dies (no cron: the queue's own ``run_after``)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NEWSLETTER_LEASE_SECONDS = 60
    subscribe_confirmed(daily, 2)
    send = scheduled_send(daily)
    before = timezone.now()
    assert sending.run_send(send.pk) == "finished"
    [watchdog] = DBTaskResult.objects.filter(task_path="newsletters.tasks.deliver_send")
    assert watchdog.args_kwargs["kwargs"] == {"send_id": send.pk}
    assert (
        before + timedelta(seconds=60) < watchdog.run_after < timezone.now() + timedelta(seconds=63)
    )
    # When it runs after the send finished, it does nothing.
    assert deliver_send.call(send_id=send.pk) == Send.Status.FINISHED
    assert len(smtp_server.recipients) == 2


def test_mail_server_down_sends_nothing_loses_nothing(daily, settings):
    from tests.smtp import free_port, use_mail_server

    use_mail_server(settings, f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    subscribe_confirmed(daily, 3)
    send = scheduled_send(daily)
    assert deliver_send.call(send_id=send.pk) == "interrupted"
    assert send.deliveries.pending().count() == 3
    assert "could not reach the mail server" in send.deliveries.first().error
    send.refresh_from_db()
    assert send.status == Send.Status.SENDING and not send.lease_token  # free to resume
