"""Fixtures for the editorial tests: notifications written at once, real SMTP on loopback."""

import pytest

from tests.pages.conftest import smtp_down, smtp_server  # noqa: F401

_REAL_AFTER_COMMIT = None


@pytest.fixture(autouse=True)
def _notifications_at_once(monkeypatch):
    """Notifications are written after the transition commits; inside a test's transaction
    that never happens, so they are written at once. ``real_after_commit`` undoes this for
    the tests that check the order."""
    from editorial import notifications

    global _REAL_AFTER_COMMIT
    _REAL_AFTER_COMMIT = _REAL_AFTER_COMMIT or notifications.after_commit
    monkeypatch.setattr(notifications, "after_commit", lambda callback: callback())


@pytest.fixture
def real_after_commit(monkeypatch, _notifications_at_once):
    from editorial import notifications

    monkeypatch.setattr(notifications, "after_commit", _REAL_AFTER_COMMIT)
