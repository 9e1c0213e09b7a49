"""Writes that only articles have: dated corrections and update notes.

The workflow every kind of content shares (save, submit, return, publish, schedule,
unpublish, restore, preview links) is ``editorial/services.py``; this adds the one act
that is the article's own, built from the same pieces (row lock, audit entry, revision).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

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
