"""Writes that only articles have: dated corrections and update notes.

The workflow every kind of content shares (save, submit, return, publish, schedule,
unpublish, restore, preview links) is ``editorial/services.py``; this adds the one act
that is the article's own, built from the same pieces (row lock, audit entry, revision).
"""

from __future__ import annotations

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from reversion.models import Version

from editorial import permissions
from editorial.models import StatusChange
from editorial.services import lock, save_transition

from .models import Article, Correction

Action = StatusChange.Action


def can_correct(user) -> bool:
    return permissions.has_model_perm(user, Correction, "add")


@transaction.atomic
def article_add_correction(
    *,
    article: Article,
    by: AbstractBaseUser,
    text: str,
    kind: str = Correction.Kind.CORRECTION,
) -> Correction:
    """Append a dated correction or update note to a published article.

    Readers see it under the article, and the article's "Updated" time moves to now.
    """
    lock(article)
    if not can_correct(by):
        raise PermissionDenied("You may not add corrections.")
    if not article.is_live:
        raise ValidationError(
            "Corrections and updates are for published articles; change the text itself "
            "while it is not public.",
            code="not_live",
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the correction readers will see."]})
    if kind not in Correction.Kind.values:
        raise ValidationError({"kind": ["Choose correction or update."]})
    correction = Correction.objects.create(article=article, kind=kind, text=text, created_by=by)
    with reversion.create_revision():  # the first entry of the correction's own history
        reversion.set_user(by)
        reversion.set_comment(f"{correction.get_kind_display()} added.")
        reversion.add_to_revision(correction)
    article.updated_at = correction.created_at
    action = Action.CORRECTED if kind == Correction.Kind.CORRECTION else Action.UPDATED
    save_transition(
        obj=article,
        by=by,
        action=action,
        from_status=article.status,
        comment=f"{correction.get_kind_display()} added.",
        note=text,
    )
    return correction


def _check_correction(*, kind: str, text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the correction readers will see."]})
    if kind not in Correction.Kind.values:
        raise ValidationError({"kind": ["Choose correction or update."]})
    return text


@transaction.atomic
def article_change_correction(
    *, correction: Correction, by: AbstractBaseUser, text: str, kind: str | None = None
) -> Correction:
    """Fix the wording (or the kind) of a correction readers see; the old text is kept.

    The correction gets a new version (its own history) and the article's audit trail
    says who changed it and what it said before. Its date stays: it is the same note.
    """
    article = correction.article
    lock(article)
    if not can_correct(by):
        raise PermissionDenied("You may not edit corrections.")
    stored = Correction.objects.select_for_update().get(pk=correction.pk)
    kind = kind or stored.kind
    text = _check_correction(kind=kind, text=text)
    if (stored.kind, stored.text) == (kind, text):
        return stored
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(f"{stored.get_kind_display()} edited.")
        if not Version.objects.get_for_object(stored).exists():
            # The first edit of a note made before corrections had versions: keep its text.
            reversion.add_to_revision(stored)
    correction.kind, correction.text = kind, text
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(f"{correction.get_kind_display()} edited.")
        correction.save(update_fields=["kind", "text"])
    save_transition(
        obj=article,
        by=by,
        action=Action.CORRECTION_CHANGED,
        from_status=article.status,
        comment=f"{correction.get_kind_display()} edited.",
        note=f"Now: {text}\nWas: {stored.text}",
    )
    return correction


@transaction.atomic
def article_remove_correction(
    *, correction: Correction, by: AbstractBaseUser, reason: str = ""
) -> None:
    """Take a correction off the article (one added by mistake); the trail keeps its text."""
    article = correction.article
    lock(article)
    if not can_correct(by):
        raise PermissionDenied("You may not remove corrections.")
    stored = Correction.objects.select_for_update().get(pk=correction.pk)
    note = f"Removed: {stored.text}"
    if (reason or "").strip():
        note += f"\nWhy: {reason.strip()}"
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(f"{stored.get_kind_display()} removed.")
        reversion.add_to_revision(stored)
    stored.delete()
    save_transition(
        obj=article,
        by=by,
        action=Action.CORRECTION_REMOVED,
        from_status=article.status,
        comment=f"{stored.get_kind_display()} removed.",
        note=note,
    )
