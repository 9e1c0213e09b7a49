"""Who needs a second factor, and the devices that give one (django-otp).

A TOTP device (an authenticator app) is the second factor; a static device holds the
one-time recovery codes. Editors and administrators publish to the world, so with
``TWO_FACTOR_REQUIRED`` on they cannot use the admin without one; anyone else may opt in.
"""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


def two_factor_required(user) -> bool:
    """True if this user may not use the admin without a second factor."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    roles = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    # A superuser can do everything an Administrator can, whatever their groups.
    if user.is_superuser and "Administrator" in roles:
        return True
    return user.groups.filter(name__in=roles).exists()


def has_two_factor(user) -> bool:
    """True once the user has confirmed an authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed authenticator device being set up (made on first visit).

    Kept across visits so reloading the setup page does not change the QR code under a user
    who has already scanned it.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps accept it when typed, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def recovery_codes_replace(*, user) -> list[str]:
    """New recovery codes for ``user``; the old ones stop working. Each works once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device if ``code`` is right; return the first recovery codes, else None."""
    if not device.verify_token(_normalise(code)):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=device.user)


def two_factor_remove(*, user) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def code_verify(*, user, code: str) -> Device | None:
    """The device that accepts ``code`` (an app's code or an unused recovery code), if any.

    django-otp's devices refuse replays (a TOTP code once used) and throttle guesses; a
    recovery code is deleted as it is used.
    """
    token = _normalise(code)
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()
