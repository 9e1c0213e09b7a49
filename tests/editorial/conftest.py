"""A real SMTP server on loopback for the notification emails (the pages tests' fixtures)."""

from tests.pages.conftest import smtp_down, smtp_server  # noqa: F401
