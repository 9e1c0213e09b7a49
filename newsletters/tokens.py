"""Signed links: confirm an address, manage preferences, unsubscribe — no account needed.

Each kind has its own salt, so a preferences link cannot be replayed as a confirmation.
Confirmation links expire (``NEWSLETTER_CONFIRM_DAYS``); preferences and unsubscribe links in
old emails keep working, because leaving must always be possible. Every link names the
address it was made for: once a subscriber is deleted, or the row has another address, the
old links stop working.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from newsroom.seo import absolute_url

CONFIRM_SALT = "newsletters.confirm"
PREFERENCES_SALT = "newsletters.preferences"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


class BadLink(Exception):
    """The link was altered, has expired, or names a subscriber who is no longer there."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def _sign(salt: str, data: dict) -> str:
    return signing.TimestampSigner(salt=salt).sign_object(data, compress=True)


def _unsign(salt: str, token: str, max_age: timedelta | None = None) -> dict:
    try:
        data = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink("This link has expired.", expired=True) from None
    except signing.BadSignature:
        raise BadLink("This link is not valid: it may have been cut short or changed.") from None
    if not isinstance(data, dict):
        raise BadLink("This link is not valid.")
    return data


def _subscriber(data: dict):
    from .models import Subscriber

    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or subscriber.email.lower() != str(data.get("e", "")).lower():
        raise BadLink("This link is for an address that is no longer on our lists.")
    return subscriber


def confirm_token(subscriber) -> str:
    return _sign(CONFIRM_SALT, {"s": subscriber.pk, "e": subscriber.email})


def read_confirm_token(token: str):
    max_age = timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    return _subscriber(_unsign(CONFIRM_SALT, token, max_age))


def preferences_token(subscriber) -> str:
    return _sign(PREFERENCES_SALT, {"s": subscriber.pk, "e": subscriber.email})


def read_preferences_token(token: str):
    return _subscriber(_unsign(PREFERENCES_SALT, token))


def unsubscribe_token(subscriber, newsletter, send=None) -> str:
    data = {"s": subscriber.pk, "e": subscriber.email, "n": newsletter.pk}
    if send is not None:
        data["d"] = send.pk
    return _sign(UNSUBSCRIBE_SALT, data)


def read_unsubscribe_token(token: str) -> tuple:
    """``(subscriber, newsletter_id, send_id or None)``."""
    data = _unsign(UNSUBSCRIBE_SALT, token)
    return _subscriber(data), data.get("n"), data.get("d")


def confirm_url(subscriber) -> str:
    return absolute_url(reverse("newsletters:confirm", args=[confirm_token(subscriber)]))


def preferences_url(subscriber) -> str:
    return absolute_url(reverse("newsletters:preferences", args=[preferences_token(subscriber)]))


def unsubscribe_url(subscriber, newsletter, send=None) -> str:
    token = unsubscribe_token(subscriber, newsletter, send)
    return absolute_url(reverse("newsletters:unsubscribe", args=[token]))
