"""The editorial workflow: every write that moves or restores a piece of content.

One function per act, keyword-only, taking the item as ``obj`` (an ``EditorialModel``:
an article, later a page). The admin's buttons and bulk actions, the importers, the
management commands and the tests all call these; none of them sets a workflow field by
hand. Each one

- runs in one transaction and re-reads the item's row under a lock first, so two people
  pressing "Publish" at once cannot both win, and a stale object cannot write old values;
- checks the acting user's permission (``editorial/permissions.py``) and raises
  ``PermissionDenied`` — the server refuses, whatever the page showed. Where no person acts
  (an import, a command), the caller passes ``by=system_user()`` and
  ``skip_permission_checks=True``, so the audit trail still says who did it;
- raises ``ValidationError`` (keyed by form field where there is one) when the item is not
  in a state that allows the act, with a message an editor can act on;
- writes a ``StatusChange`` (the audit trail) and a reversion revision with user and comment.

States: draft → review → published (now, or scheduled for later) → unpublished, and
review → draft again ("returned", with a note). A scheduled item is ``published`` with a
future ``published_at``; ``objects.live()`` hides it until then, so no cron is needed.
Sharing a draft through a preview link is ``editorial/preview_links.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format

from . import addresses, notifications, permissions, revisions
from .models import Status, StatusChange

Action = StatusChange.Action
User = AbstractBaseUser

WORKFLOW_FIELDS = ["status", "published_at", "updated_at", "modified_at", "version"]
SYSTEM_USERNAME = "newsroom-system"


def system_user() -> User:
    """The account that acts where no person does (imports, commands).

    It cannot sign in (inactive, no usable password); it exists so the audit trail and the
    revisions name who made a change.
    """
    user_model = get_user_model()
    user, created = user_model._default_manager.get_or_create(
        **{user_model.USERNAME_FIELD: SYSTEM_USERNAME},
        defaults={"is_active": False, "first_name": "Newsroom", "last_name": "(system)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class EditConflict(ValidationError):
    """The item was saved by someone else after this copy of it was read."""

    def __init__(self, obj: Model):
        change = revisions.last_change(obj)
        when = date_format(timezone.localtime(change.at), "DATETIME_FORMAT") if change.at else ""
        self.last_change = change
        super().__init__(
            "%(who)s saved this %(noun)s at %(when)s, after you opened it. "
            "Your changes have not been saved.",
            code="edit_conflict",
            params={"who": change.by, "when": when, "noun": obj._meta.verbose_name},
        )


# --- helpers ------------------------------------------------------------------------------


def _noun(obj: Model) -> str:
    return str(obj._meta.verbose_name)


def _require(allowed: bool, message: str, *, skip: bool = False) -> None:
    if not (allowed or skip):
        raise PermissionDenied(message)


def lock(obj: Model) -> Model:
    """Re-read the row under a lock and copy its workflow fields onto ``obj``.

    Transitions write only the workflow fields (``update_fields``), so even an object read
    long ago cannot write stale content back.
    """
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    for name in ["status", "published_at", "updated_at", "version", "slug", "created_by_id"]:
        setattr(obj, name, getattr(current, name))
    return current


def save_transition(
    *, obj: Model, by: User, action: str, from_status: str, comment: str, note: str = ""
) -> None:
    """Save a workflow change the one way every transition does: the workflow fields, an
    audit entry and a revision with the user and comment, all in one revision block."""
    with _revision(by=by, comment=comment):
        obj.save(update_fields=WORKFLOW_FIELDS)
        record(obj=obj, by=by, action=action, from_status=from_status, note=note)
        revisions.add_to_revision(obj)


def record(
    *, obj: Model, by: User | None, action: str, from_status: str, note: str = ""
) -> StatusChange:
    """Add an entry to the item's audit trail."""
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        from_status=from_status,
        to_status=obj.status,
        published_at=obj.published_at,
        note=note,
        by=by if by is not None and by.is_authenticated else None,
    )


@contextmanager
def _revision(*, by: User | None, comment: str) -> Iterator[None]:
    """A reversion revision; inside another one (an admin save) it joins it.

    Joined, the comments add up: "Changed body. Published." rather than the last one only.
    """
    with reversion.create_revision():
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        yield
        earlier = reversion.get_comment()
        reversion.set_comment(f"{earlier} {comment}".strip() if earlier else comment)


def when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def content_problems(*, obj: Model) -> dict[str, list[str]]:
    """What stops the item from going to review or to readers, by form field (the model's
    ``publication_problems``); empty when it is ready."""
    return obj.publication_problems()


def _check_ready(obj: Model) -> None:
    problems = content_problems(obj=obj)
    if problems:
        raise ValidationError(problems)


# --- saving content -----------------------------------------------------------------------


@transaction.atomic
def content_save(
    *, obj: Model, by: User, comment: str = "", skip_permission_checks: bool = False
) -> Model:
    """Save an edit of the item's content (new or existing) as ``by``.

    The workflow fields keep their stored values whatever ``obj`` carries: status and
    publication time change only through the transitions below. A changed address of an
    item readers have seen gets a redirect from the old one. Raises ``EditConflict`` when
    the row changed since ``obj`` was read (its ``version`` is behind).
    """
    skip = skip_permission_checks
    if obj.pk is None:
        _require(
            permissions.can_add(by, obj),
            f"You may not write {obj._meta.verbose_name_plural}.",
            skip=skip,
        )
        obj.status = Status.DRAFT
        obj.published_at = None
        obj.updated_at = None
        obj.created_by = by
        with _revision(by=by, comment=comment or "Created."):
            obj.save()
            record(obj=obj, by=by, action=Action.CREATED, from_status="")
            revisions.add_to_revision(obj)
        return obj

    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    _require(permissions.can_edit(by, current), f"You may not edit this {_noun(obj)}.", skip=skip)
    if obj.version != current.version:
        raise EditConflict(current)
    for name in ["status", "published_at", "updated_at", "created_by_id"]:
        setattr(obj, name, getattr(current, name))
    old_url = current.get_absolute_url()
    dependents = addresses.dependent_addresses(current)
    with _revision(by=by, comment=comment or "Changed."):
        obj.save()
        addresses.after_move(obj=obj, by=by, old_url=old_url)
        addresses.after_dependents_moved(by=by, dependents=dependents)
        revisions.add_to_revision(obj)
    return obj


@transaction.atomic
def content_change_slug(*, obj: Model, by: User, slug: str) -> Model:
    """Give the item a new address; the old one redirects once readers may know it."""
    lock(obj)
    _require(permissions.can_edit(by, obj), f"You may not edit this {_noun(obj)}.")
    slug = (slug or "").strip()
    try:
        validate_slug(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error.messages}) from None
    problems = obj.slug_problems(slug)
    if problems:
        raise ValidationError({"slug": problems})
    old_url = obj.get_absolute_url()
    dependents = addresses.dependent_addresses(obj)
    obj.slug = slug
    with _revision(by=by, comment="Changed the address."):
        obj.save(update_fields=["slug", "modified_at", "version"])
        addresses.after_move(obj=obj, by=by, old_url=old_url)
        addresses.after_dependents_moved(by=by, dependents=dependents)
        revisions.add_to_revision(obj)
    return obj


# --- transitions --------------------------------------------------------------------------


@transaction.atomic
def content_submit_for_review(
    *, obj: Model, by: User, note: str = "", skip_permission_checks: bool = False
) -> Model:
    """Draft → in review: the writer says it is ready for an editor."""
    lock(obj)
    if obj.status != Status.DRAFT:
        raise ValidationError(
            "Only a draft can be submitted for review; this %(noun)s is %(status)s.",
            code="not_draft",
            params={"status": obj.get_status_display().lower(), "noun": _noun(obj)},
        )
    _require(
        permissions.can_edit(by, obj),
        f"You may not submit this {_noun(obj)}.",
        skip=skip_permission_checks,
    )
    _check_ready(obj)
    obj.status = Status.REVIEW
    save_transition(
        obj=obj,
        by=by,
        action=Action.SUBMITTED,
        from_status=Status.DRAFT,
        comment="Submitted for review.",
        note=note,
    )
    notifications.notify_submitted(obj=obj, by=by, note=note)
    return obj


@transaction.atomic
def content_return_to_author(*, obj: Model, by: User, note: str) -> Model:
    """In review → draft, with a note telling the writer what to change."""
    lock(obj)
    _require(
        permissions.can_return(by, obj),
        f"You may not return {obj._meta.verbose_name_plural} to their authors.",
    )
    if obj.status != Status.REVIEW:
        raise ValidationError(
            f"Only {_a(obj)} in review can be returned to its author.", code="not_in_review"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ["Say what the author should change: the note is required."]}
        )
    obj.status = Status.DRAFT
    save_transition(
        obj=obj,
        by=by,
        action=Action.RETURNED,
        from_status=Status.REVIEW,
        comment="Returned to the author.",
        note=note,
    )
    notifications.notify_returned(obj=obj, by=by, note=note)
    return obj


@transaction.atomic
def content_withdraw(*, obj: Model, by: User, note: str = "") -> Model:
    """In review → draft, by the writer who submitted it (to fix something) or an editor.

    Unlike returning, no note is needed: nobody is being told to change anything.
    """
    lock(obj)
    if obj.status != Status.REVIEW:
        raise ValidationError(
            f"Only {_a(obj)} in review can be withdrawn to draft.", code="not_in_review"
        )
    _require(permissions.can_withdraw(by, obj), f"You may not withdraw this {_noun(obj)}.")
    obj.status = Status.DRAFT
    save_transition(
        obj=obj,
        by=by,
        action=Action.WITHDRAWN,
        from_status=Status.REVIEW,
        comment="Withdrawn from review to draft.",
        note=(note or "").strip(),
    )
    return obj


def _a(obj: Model) -> str:
    noun = _noun(obj)
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


@transaction.atomic
def content_publish(
    *,
    obj: Model,
    by: User,
    at: datetime | None = None,
    note: str = "",
    skip_permission_checks: bool = False,
    skip_checks: bool = False,
) -> Model:
    """Publish now, or at ``at`` (a future time schedules it; the public gate waits for it).

    Works from draft, review and unpublished, and on a scheduled item (to move its time or
    publish it now). Republishing an unpublished item without ``at`` keeps its original
    publication time. ``skip_checks`` is for importers bringing in what another system
    already published: its readiness is reported by them, not refused here.
    """
    lock(obj)
    _require(
        permissions.can_publish(by, obj),
        f"You may not publish {obj._meta.verbose_name_plural}.",
        skip=skip_permission_checks,
    )
    if obj.is_live:
        raise ValidationError(
            f"This {_noun(obj)} is already published. Unpublish it first to change its "
            "publication time.",
            code="already_live",
        )
    if not skip_checks:
        _check_ready(obj)
    now = timezone.now()
    from_status = obj.status
    if at is not None:
        obj.published_at = at
    elif not (obj.status == Status.UNPUBLISHED and obj.published_at):
        obj.published_at = now
    obj.status = Status.PUBLISHED
    scheduled = obj.published_at > now
    action = Action.SCHEDULED if scheduled else Action.PUBLISHED
    comment = f"Scheduled for {when(obj.published_at)}." if scheduled else "Published."
    save_transition(
        obj=obj, by=by, action=action, from_status=from_status, comment=comment, note=note
    )
    notifications.notify_published(obj=obj, by=by, scheduled=scheduled, note=note)
    return obj


@transaction.atomic
def content_unpublish(
    *, obj: Model, by: User, note: str = "", skip_permission_checks: bool = False
) -> Model:
    """Take a published item down, or cancel a schedule (back to draft)."""
    lock(obj)
    _require(
        permissions.can_publish(by, obj),
        f"You may not unpublish {obj._meta.verbose_name_plural}.",
        skip=skip_permission_checks,
    )
    if obj.status != Status.PUBLISHED:
        raise ValidationError(
            f"Only a published or scheduled {_noun(obj)} can be unpublished.",
            code="not_published",
        )
    if obj.is_scheduled:
        obj.status = Status.DRAFT
        obj.published_at = None
        action, comment = Action.UNSCHEDULED, "Schedule cancelled."
    else:
        obj.status = Status.UNPUBLISHED
        action, comment = Action.UNPUBLISHED, "Unpublished."
    save_transition(
        obj=obj,
        by=by,
        action=action,
        from_status=Status.PUBLISHED,
        comment=comment,
        note=note,
    )
    return obj


@transaction.atomic
def content_adopt_state(
    *,
    obj: Model,
    by: User,
    status: str,
    published_at: datetime | None,
    updated_at: datetime | None = None,
    note: str = "",
) -> Model:
    """Give the item the workflow state another system gave it (a WordPress post's status
    and dates), as one audited transition.

    For imports: what was already public elsewhere is not published anew by our editors,
    and its readiness is the importer's report to make, so no readiness check runs. The
    acting user is the system user or someone who may publish; the audit entry says
    "State taken from an import". Nothing is written when the state is already that one.
    """
    lock(obj)
    _require(
        by is not None
        and (by.get_username() == SYSTEM_USERNAME or permissions.can_publish(by, obj)),
        f"You may not set the state of {obj._meta.verbose_name_plural}.",
    )
    if status not in Status.values:
        raise ValidationError("Unknown status %(status)s.", params={"status": status})
    if status == Status.PUBLISHED and published_at is None:
        raise ValidationError({"published_at": ["A published item needs a publication time."]})
    if (obj.status, obj.published_at, obj.updated_at) == (status, published_at, updated_at):
        return obj
    from_status = obj.status
    obj.status, obj.published_at, obj.updated_at = status, published_at, updated_at
    save_transition(
        obj=obj,
        by=by,
        action=Action.IMPORTED,
        from_status=from_status,
        comment=f"{obj.get_status_display()} (from an import).",
        note=note,
    )
    return obj


@transaction.atomic
def content_restore_revision(*, obj: Model, by: User, version) -> Model:
    """Bring back the content of an earlier version, as a new revision.

    Status, publication time and address stay as they are: restoring the text of a
    published item keeps it published where it is.
    """
    lock(obj)
    _require(permissions.can_edit(by, obj), f"You may not edit this {_noun(obj)}.")
    if str(version.object_id) != str(obj.pk) or version.content_type.model_class() is not type(obj):
        raise ValidationError(
            f"That revision belongs to another {_noun(obj)}.", code="wrong_article"
        )
    snap = revisions.snapshot(version)
    saved = revisions.user_label(version.revision.user)
    note = f"Restored the version saved by {saved} at {when(version.revision.date_created)}."
    with _revision(by=by, comment=note):
        skipped = revisions.apply_snapshot(obj, snap)
        if skipped:
            note += " Not restored: " + ", ".join(skipped) + "."
        obj.save()
        record(obj=obj, by=by, action=Action.RESTORED, from_status=obj.status, note=note)
        revisions.add_to_revision(obj)
    return obj
