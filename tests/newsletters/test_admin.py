"""Editors in the admin: compose (defaults to articles since the last send), preview, test
send, send now or schedule, the report; export and erase one subscriber's data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters import services
from newsletters.models import Delivery, Send, Subscriber, Subscription
from tests.factories import ArticleFactory, UserFactory

from .conftest import subscribe_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(
        username="editor-in-chief", email="chief@newsroom.test", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return user


def change_url(send):
    return reverse("admin:newsletters_send_change", args=[send.pk])


def form_data(send, **extra):
    data = {
        "newsletter": send.newsletter_id,
        "subject": send.subject,
        "preheader": send.preheader,
        "intro": "",
        "articles": [a.pk for a in send.articles.all()],
        "scheduled_at_0": "",
        "scheduled_at_1": "",
    }
    data.update(extra)
    return data


def test_a_digest_defaults_to_live_articles_since_the_last_send(client, staff, daily):
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    last = Send.objects.create(
        newsletter=daily,
        subject="Last week",
        status=Send.Status.FINISHED,
        started_at=timezone.now() - timedelta(days=2),
    )
    last.articles.set([old])
    new = ArticleFactory(published_at=timezone.now() - timedelta(hours=2))
    ArticleFactory(status="draft", published_at=None)  # not live: never in a digest
    response = client.post(
        reverse("admin:newsletters_send_add"),
        {"newsletter": daily.pk, "subject": "This week", "preheader": "Trams and ferries"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    send = Send.objects.exclude(pk=last.pk).get()
    assert list(send.articles.all()) == [new]
    assert send.created_by == staff


def test_send_an_article_prefills_its_headline(client, staff, daily):
    article = ArticleFactory(headline="Tram line opens", dek="A new line to the harbour.")
    page = client.get(reverse("admin:newsletters_send_add") + f"?articles={article.pk}")
    html = page.content.decode()
    assert 'value="Tram line opens"' in html and "A new line to the harbour." in html


def test_preview_shows_the_email_in_the_browser(client, staff, daily):
    send = services.send_create(newsletter=daily, articles=[ArticleFactory(headline="Ferry")])
    response = client.get(reverse("admin:newsletters_send_preview", args=[send.pk]))
    assert response.status_code == 200
    assert "Ferry" in response.content.decode() and "Read on the site" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_test_send_goes_to_the_editor_only(client, staff, daily, smtp_server):
    subscribe_confirmed(daily, 3)
    send = services.send_create(newsletter=daily, articles=[ArticleFactory()])
    response = client.post(change_url(send), form_data(send, _test_send="1"))
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message.envelope_to == ["chief@newsroom.test"]
    assert message["Subject"].startswith("[Test]")
    assert not Delivery.objects.exists()
    send.refresh_from_db()
    assert send.status == Send.Status.DRAFT


def test_send_now_sends_and_reports(
    client, staff, daily, smtp_server, django_capture_on_commit_callbacks
):
    readers = subscribe_confirmed(daily, 5)
    send = services.send_create(newsletter=daily, articles=[ArticleFactory()])
    services.subscription_unsubscribe(
        subscriber=readers[0], newsletter_id=daily.pk, send_id=send.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(send), form_data(send, _send_now="1"))
    assert response.status_code == 302
    send.refresh_from_db()
    assert send.status == Send.Status.FINISHED
    assert (send.recipients_count, send.sent_count) == (4, 4)
    page = client.get(change_url(send)).content.decode()
    assert "unsubscribes caused" in page.lower()
    assert f"?send__id__exact={send.pk}" in page
    deliveries = client.get(
        reverse("admin:newsletters_delivery_changelist") + f"?send__id__exact={send.pk}"
    )
    assert deliveries.content.decode().count("reader") >= 4
    # A finished issue cannot be sent again.
    client.post(change_url(send), form_data(send, _send_now="1"))
    assert len(smtp_server.messages) == 4


def test_schedule_needs_a_future_time_then_waits_for_it(
    client, staff, daily, smtp_server, django_capture_on_commit_callbacks
):
    subscribe_confirmed(daily, 2)
    send = services.send_create(newsletter=daily, articles=[ArticleFactory()])
    response = client.post(change_url(send), form_data(send, _schedule="1"), follow=True)
    assert "Set a time in the future" in response.content.decode()
    at = timezone.localtime(timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(send),
            form_data(
                send,
                _schedule="1",
                scheduled_at_0=at.strftime("%Y-%m-%d"),
                scheduled_at_1=at.strftime("%H:%M:%S"),
            ),
        )
    send.refresh_from_db()
    assert send.status == Send.Status.SCHEDULED
    assert smtp_server.messages == []  # the immediate test backend ran it: not yet


def test_send_now_without_a_mail_server_says_so(client, staff, daily, settings):
    settings.EMAIL_URL = ""
    send = services.send_create(newsletter=daily, articles=[ArticleFactory()])
    response = client.post(change_url(send), form_data(send, _send_now="1"), follow=True)
    assert "No mail server is configured" in response.content.decode()
    send.refresh_from_db()
    assert send.status == Send.Status.DRAFT


def test_export_one_subscribers_data_as_json_then_erase_it(client, staff, daily, smtp_server):
    [reader] = subscribe_confirmed(daily, 1)
    send = services.send_create(newsletter=daily, articles=[ArticleFactory()])
    Delivery.objects.create(send=send, subscriber=reader, state="sent", message_id="<m@x>")
    changelist = reverse("admin:newsletters_subscriber_changelist")
    response = client.post(changelist, {"action": "export_data", "_selected_action": [reader.pk]})
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["email"] == "reader0@example.org"
    assert data["subscriptions"][0]["newsletter"] == "Daily digest"
    assert data["deliveries"][0]["message_id"] == "<m@x>"

    client.post(changelist, {"action": "erase_data", "_selected_action": [reader.pk]})
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists() and not Delivery.objects.exists()
