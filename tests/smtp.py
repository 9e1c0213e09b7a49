"""Real SMTP servers on loopback (aiosmtpd) for tests and benchmarks: one that accepts
everything, one that refuses chosen recipients, one that drops the connection mid-batch.

The pages, editorial and newsletters tests and the e2e tests all use these.
"""

from __future__ import annotations

import socket
from email import message_from_bytes

from newsroom.email_url import parse_email_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every accepted mail (``email.message.Message``).

    ``refuse``: address → SMTP reply for RCPT (e.g. ``"550 5.1.1 No such user"``).
    ``refuse_first``: address → replies given to its first RCPTs, one each, then accepted
    (e.g. ``["451 4.7.1 Greylisted, try later"]``).
    ``drop_after``: after this many accepted mails, the next RCPT gets the connection closed
    in its face (once): the content of that mail never reached us.
    ``drop_after_data``: after this many accepted mails, the next mail's content is read and
    then the connection closed without an answer (once): the sender cannot know.
    """

    def __init__(self, *, refuse=None, drop_after=None, drop_after_data=None, refuse_first=None):
        self.messages = []
        self.refuse = dict(refuse or {})
        self.refuse_first = {
            address: list(replies) for address, replies in (refuse_first or {}).items()
        }
        self.drop_after = drop_after
        self.drop_after_data = drop_after_data
        self.received_but_unanswered = []

    @property
    def recipients(self) -> list[str]:
        return [to for message in self.messages for to in message.envelope_to]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            self.drop_after = None
            server.transport.close()
            return "421 4.3.0 Closing connection"
        if address in self.refuse:
            return self.refuse[address]
        if self.refuse_first.get(address):
            return self.refuse_first[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        message.envelope_to = list(envelope.rcpt_tos)
        if self.drop_after_data is not None and len(self.messages) >= self.drop_after_data:
            self.drop_after_data = None
            self.received_but_unanswered.append(message)
            server.transport.close()
            return "421 4.3.0 Closing connection"
        self.messages.append(message)
        return "250 Message accepted for delivery"


def use_mail_server(settings, url: str) -> None:
    """Point the site's EMAIL_URL (and the settings it stands for) at ``url``."""
    settings.EMAIL_URL = url
    for name, value in parse_email_url(url).items():
        setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 5


class MailServer:
    """A running aiosmtpd server; ``stop()`` when done."""

    def __init__(self, inbox: Inbox, port: int | None = None):
        from aiosmtpd.controller import Controller

        self.inbox = inbox
        self.port = port or free_port()
        self.controller = Controller(inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()
