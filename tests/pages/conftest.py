"""Fixtures for the pages tests: pages, and a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import socket

import pytest

from newsroom.email_url import parse_email_url
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the SMTP server received: one ``email.message.Message`` per mail."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes

        message = message_from_bytes(envelope.content)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def use_mail_server(settings, url: str) -> None:
    settings.EMAIL_URL = url
    for name, value in parse_email_url(url).items():
        setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 5
    settings.TIPS_EMAIL_TO = ["tips@newsroom.test"]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port; the site's EMAIL_URL points at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    use_mail_server(settings, f"smtp://127.0.0.1:{port}")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(settings):
    """EMAIL_URL names a loopback port nothing listens on: connection refused."""
    use_mail_server(settings, f"smtp://127.0.0.1:{free_port()}")
