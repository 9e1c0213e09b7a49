"""Preview links: a secret, expiring address that shows a draft to someone without a login.

Creating and revoking one are workflow acts like the others (``services.py``): the
permission is checked on the server, the row is locked, and the audit trail records who
shared or withdrew the draft.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from . import permissions
from .models import PreviewLink, StatusChange
from .services import User, record, when

Action = StatusChange.Action
DEFAULT_PREVIEW_DAYS = 7


def _require_sharer(by: User, obj: Model, message: str) -> None:
    if not permissions.can_share_preview(by, obj):
        raise PermissionDenied(message)


@transaction.atomic
def preview_link_create(*, obj: Model, by: User, days: int | None = None) -> PreviewLink:
    """A secret address showing the item as it is saved, to anyone, until it expires.

    The returned link knows its address (``link.url``); nothing stored does, so show it now.
    """
    _require_sharer(by, obj, "You may not share previews.")
    days = days or getattr(settings, "PREVIEW_LINK_DAYS", DEFAULT_PREVIEW_DAYS)
    link = PreviewLink.issue(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        obj=obj,
        by=by,
        action=Action.PREVIEW_SHARED,
        from_status=obj.status,
        note=f"Expires {when(link.expires_at)}.",
    )
    return link


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, by: User) -> PreviewLink:
    """Stop a preview link from working, at once."""
    obj = link.content_object
    _require_sharer(by, obj, "You may not revoke previews.")
    link = PreviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record(
            obj=obj,
            by=by,
            action=Action.PREVIEW_REVOKED,
            from_status=obj.status,
            note=f"Link made {when(link.created_at)}.",
        )
    return link
