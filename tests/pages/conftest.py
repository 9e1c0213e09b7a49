"""Fixtures for the pages tests: pages, and a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import pytest

from tests import smtp
from tests.caching.site import page_cache  # noqa: F401 — the page cache as in production
from tests.factories import PageFactory


@pytest.fixture
def page():
    return PageFactory(title="About us", slug="about")


@pytest.fixture
def contact_page():
    return PageFactory(title="Contact", slug="contact", has_tip_form=True)


@pytest.fixture(autouse=True)
def _private_tips(settings, tmp_path):
    """Tip attachments in this test's own private folder, apart from its media folder."""
    settings.TIPS_ROOT = tmp_path / "private-tips"


def use_mail_server(settings, url: str) -> None:
    smtp.use_mail_server(settings, url)
    settings.TIPS_EMAIL_TO = ["tips@newsroom.test"]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port; the site's EMAIL_URL points at it."""
    server = smtp.MailServer(smtp.Inbox())
    use_mail_server(settings, server.url)
    try:
        yield server.inbox
    finally:
        server.stop()


@pytest.fixture
def smtp_down(settings):
    """EMAIL_URL names a loopback port nothing listens on: connection refused."""
    use_mail_server(settings, f"smtp://127.0.0.1:{smtp.free_port()}")
