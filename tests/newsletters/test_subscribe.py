"""Readers: sign up (double opt-in), confirm, change preferences, leave — and the abuse
guards: honeypot, rate limits, no way to learn whether an address is subscribed."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from newsletters import tokens
from newsletters.models import Send, Subscriber, Subscription

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Post the sign-up form as a browser on this site would; run what it queues."""

    def post(email, *, newsletters=(), client=client, **extra):
        data = {"email": email, "website": ""}
        if newsletters:
            data["newsletters"] = [n.pk for n in newsletters]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SUBSCRIBE, data, **extra)

    return post


def confirm_link(message) -> str:
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return re.search(
        r"https?://\S+/newsletter/confirm/\S+/", text.get_payload(decode=True).decode()
    )[0]


def test_double_opt_in_nothing_is_active_before_the_link_is_followed(
    client, sign_up, daily, books_list, smtp_server
):
    response = sign_up("Reader@Example.org", newsletters=[daily, books_list])
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/?sent=1#subscribe"
    assert "Check your inbox" in client.get(response["Location"]).content.decode()

    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None
    assert set(subscriber.subscriptions.values_list("status", flat=True)) == {"pending"}
    [message] = smtp_server.messages
    assert message.envelope_to == ["Reader@Example.org"]
    link = confirm_link(message)

    page = client.get(link.split("8000", 1)[1])  # a scanner following the link confirms nothing
    assert page.status_code == 200 and "Confirm" in page.content.decode()
    assert not Subscription.objects.active().exists()

    done = client.post(link.split("8000", 1)[1])
    assert done.status_code == 200
    assert "You are subscribed" in done.content.decode()
    assert Subscription.objects.active().count() == 2
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None


def test_the_same_address_twice_is_one_subscriber_and_the_answer_does_not_tell(
    client, sign_up, daily, smtp_server
):
    first = sign_up("reader@example.org", newsletters=[daily])
    Subscriber.objects.get().subscriptions.update(status=Subscription.Status.ACTIVE)
    again = sign_up("READER@example.org", newsletters=[daily])
    new = sign_up("someone-else@example.org", newsletters=[daily])

    assert first["Location"] == again["Location"] == new["Location"]
    assert Subscriber.objects.count() == 2
    assert Subscriber.objects.with_email("reader@EXAMPLE.org").count() == 1
    # The address's owner, and only they, learn that it is on the list already.
    reminder = smtp_server.messages[1]
    body = reminder.get_payload()[0].get_payload(decode=True).decode()
    assert "already gets" in body and "/newsletter/confirm/" not in body


def test_the_short_form_subscribes_to_the_default_newsletters(
    sign_up, daily, books_list, smtp_server
):
    sign_up("reader@example.org")
    assert list(Subscription.objects.values_list("newsletter__slug", flat=True)) == ["daily-digest"]


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Enter your email address."), ("not-an-address", "Enter a complete email address")],
)
def test_bad_address_gets_a_clear_error_and_stores_nothing(sign_up, daily, email, message):
    response = sign_up(email)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()


def test_honeypot_refuses_and_stores_nothing(client, daily, smtp_server):
    response = client.post(SUBSCRIBE, {"email": "bot@example.org", "website": "http://spam"})
    assert response.status_code == 400
    assert "Leave this empty" in response.content.decode()
    assert not Subscriber.objects.exists() and smtp_server.messages == []


def test_rate_limit_per_address(sign_up, daily, settings, smtp_server):
    settings.NEWSLETTER_RATE_LIMIT_ADDRESS = 2
    assert [sign_up("reader@example.org").status_code for _ in range(3)] == [302, 302, 429]
    assert len(smtp_server.messages) == 2


def test_rate_limit_per_ip(sign_up, daily, settings, smtp_server):
    settings.NEWSLETTER_RATE_LIMIT_IP = 2
    codes = [sign_up(f"reader{i}@example.org").status_code for i in range(3)]
    assert codes == [302, 302, 429]
    other = Client(REMOTE_ADDR="192.0.2.9")
    assert sign_up("reader9@example.org", client=other).status_code == 302


def test_a_post_from_another_site_is_refused(sign_up, daily):
    response = sign_up("reader@example.org", HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    assert "another website" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_sign_up_works_without_a_csrf_token_from_a_cached_page(
    daily, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBSCRIBE, {"email": "reader@example.org"})
    assert response.status_code == 302
    assert Subscriber.objects.count() == 1


def test_expired_or_altered_confirmation_links_say_so(client, daily, monkeypatch, settings):
    subscriber = Subscriber.objects.create(email="reader@example.org")
    url = reverse("newsletters:confirm", args=[tokens.confirm_token(subscriber)])
    later = time.time() + timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS + 1).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    expired = client.post(url)
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    monkeypatch.undo()
    altered = client.get(url[:-3] + "xx/")
    assert altered.status_code == 400 and "not valid" in altered.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


def active_reader(*newsletters) -> Subscriber:
    subscriber = Subscriber.objects.create(email="reader@example.org")
    for newsletter in newsletters:
        Subscription.objects.create(
            subscriber=subscriber, newsletter=newsletter, status=Subscription.Status.ACTIVE
        )
    return subscriber


def test_one_click_unsubscribe_post_needs_no_csrf_and_get_only_asks(daily, books_list):
    subscriber = active_reader(daily, books_list)
    send = Send.objects.create(newsletter=daily, subject="Tuesday")
    url = reverse(
        "newsletters:unsubscribe", args=[tokens.unsubscribe_token(subscriber, daily, send)]
    )
    client = Client(enforce_csrf_checks=True)

    asked = client.get(url)
    assert asked.status_code == 200 and "Stop sending" in asked.content.decode()
    assert Subscription.objects.active().count() == 2

    left = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert left.status_code == 200
    daily_sub = Subscription.objects.get(newsletter=daily)
    assert daily_sub.status == Subscription.Status.UNSUBSCRIBED
    assert daily_sub.unsubscribed_at is not None and daily_sub.unsubscribed_via == send
    assert Subscription.objects.get(newsletter=books_list).status == Subscription.Status.ACTIVE
    assert client.post(url).status_code == 200  # a second click is harmless
    assert send.unsubscribes.count() == 1


def test_preferences_by_signed_link_change_lists_or_leave_all(client, daily, books_list):
    subscriber = active_reader(daily)
    url = reverse("newsletters:preferences", args=[tokens.preferences_token(subscriber)])
    page = client.get(url)
    assert page.status_code == 200 and "reader@example.org" in page.content.decode()

    client.post(url, {"save": "1", "newsletters": [books_list.pk]})
    statuses = dict(Subscription.objects.values_list("newsletter__slug", "status"))
    assert statuses == {"daily-digest": "unsubscribed", "new-books": "active"}

    client.post(url, {"leave": "1"})
    assert not Subscription.objects.active().exists()


def test_links_stop_working_once_the_subscriber_is_erased(client, daily):
    subscriber = active_reader(daily)
    url = reverse("newsletters:preferences", args=[tokens.preferences_token(subscriber)])
    subscriber.delete()
    response = client.get(url)
    assert response.status_code == 400
    assert "no longer on our lists" in response.content.decode()


def test_newsletter_pages_are_never_cached(client, daily):
    response = client.get("/newsletter/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Daily digest" in response.content.decode()
