"""Addresses of edited content: keeping an old address working when an item moves.

Called by the saving services in ``editorial/services.py`` inside their transaction and
revision; an item's subpages (``address_dependents``) move with it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.redirects.models import Redirect
from django.db.models import Model

from .models import Status, StatusChange

User = AbstractBaseUser


def dependent_addresses(obj: Model) -> list[tuple[Model, str]]:
    """The items whose address follows ``obj``'s, each with its address before the move."""
    return [(item, item.get_absolute_url()) for item in obj.address_dependents()]


def after_dependents_moved(*, by: User, dependents: list[tuple[Model, str]]) -> None:
    """Redirect the old address of every item that moved along with its parent.

    Each is read again, so its address is worked out from the parent's new one.
    """
    for item, old_url in dependents:
        fresh = type(item)._default_manager.get(pk=item.pk)
        after_move(obj=fresh, by=by, old_url=old_url)


def after_move(*, obj: Model, by: User, old_url: str) -> None:
    """Keep an old address working when an item readers may have seen moves.

    The redirect goes through django.contrib.redirects (served on 404 by its fallback
    middleware). Redirects that pointed at the old address now point at the new one, so a
    chain A → B → C becomes A → C and B → C; a redirect away from the new address is dropped
    (it would loop when an item takes back an earlier address).
    """
    from .services import record  # services import this module

    new_url = obj.get_absolute_url()
    if new_url == old_url:
        return
    record(
        obj=obj,
        by=by,
        action=StatusChange.Action.SLUG_CHANGED,
        from_status=obj.status,
        note=f"{old_url} → {new_url}",
    )
    Redirect.objects.filter(site_id=settings.SITE_ID, old_path=new_url).delete()
    if obj.status not in {Status.PUBLISHED, Status.UNPUBLISHED}:
        return
    Redirect.objects.filter(site_id=settings.SITE_ID, new_path=old_url).update(new_path=new_url)
    Redirect.objects.update_or_create(
        site_id=settings.SITE_ID, old_path=old_url, defaults={"new_path": new_url}
    )
