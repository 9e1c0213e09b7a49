"""Newsletter fixtures: lists, confirmed subscribers, and real SMTP servers on loopback."""

from __future__ import annotations

import pytest

from newsletters.models import Newsletter, Subscriber, Subscription
from tests.caching.site import page_cache  # noqa: F401 — the page cache as in production
from tests.smtp import Inbox, MailServer, use_mail_server


@pytest.fixture
def daily(db):
    return Newsletter.objects.create(
        name="Daily digest", slug="daily-digest", is_default=True, position=1
    )


@pytest.fixture
def books_list(db):
    return Newsletter.objects.create(name="New books", slug="new-books", position=2)


def subscribe_confirmed(newsletter, count: int, prefix: str = "reader") -> list[Subscriber]:
    from django.utils import timezone

    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"{prefix}{i}@example.org", confirmed_at=now) for i in range(count)
    )
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=s, newsletter=newsletter, status=Subscription.Status.ACTIVE, confirmed_at=now
        )
        for s in subscribers
    )
    return subscribers


@pytest.fixture
def mail_server_factory(settings):
    """Start an SMTP server with the given behaviour and point EMAIL_URL at it."""
    servers = []

    def start(**behaviour) -> Inbox:
        inbox = Inbox(**behaviour)
        server = MailServer(inbox)
        servers.append(server)
        use_mail_server(settings, server.url)
        return inbox

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_server(mail_server_factory):
    return mail_server_factory()


@pytest.fixture(autouse=True)
def _fast_sending(settings):
    settings.NEWSLETTER_RATE_PER_SECOND = 0
    settings.NEWSLETTER_BATCH_SIZE = 4
