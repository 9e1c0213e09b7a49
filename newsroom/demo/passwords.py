"""The published demo password must never open a production site.

``make run`` gives the demo accounts the documented password ``newsroom-demo``; a database
that later serves with ``DEBUG=false`` (``make serve`` on the same file, a copied database)
would let anyone sign in as ``admin``. Only the demo's own user names are tried, so the check
costs a handful of hash verifications, not one per account.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db import transaction

from .loader import DEMO_USERNAMES, DEV_PASSWORD


def demo_password_accounts() -> list[str]:
    """User names of active accounts whose password is still the demo's, in name order."""
    users = (
        get_user_model()
        .objects.filter(username__in=DEMO_USERNAMES, is_active=True)
        .order_by("username")
        .values_list("username", "password")
    )
    # hashers.check_password, not User.check_password: a check must never re-hash and save.
    return [name for name, encoded in users if check_password(DEV_PASSWORD, encoded)]


def demo_passwords_reset(*, disable: bool = False) -> dict[str, str | None]:
    """Give every account still on the demo password a new random one (or none at all).

    Returns ``{username: new password}``; the value is None for a disabled account. The
    passwords are not stored anywhere else: the caller shows them once.
    """
    User = get_user_model()
    changed: dict[str, str | None] = {}
    with transaction.atomic():
        for user in User.objects.filter(username__in=demo_password_accounts()):
            if disable:
                user.set_unusable_password()
                changed[user.username] = None
            else:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                changed[user.username] = password
            user.save(update_fields=["password"])
    return changed
