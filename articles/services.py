"""The editorial workflow: every write that moves, corrects, restores or shares an article.

One function per act, keyword-only, named ``<thing>_<action>``. The admin's buttons, its bulk
actions and the tests all call these; none of them sets a workflow field by hand. Each one

- runs in one transaction and re-reads the article's row under a lock first, so two people
  pressing "Publish" at once cannot both win, and a stale object cannot write old values;
- checks the acting user's permission (``articles/permissions.py``) and raises
  ``PermissionDenied`` — the server refuses, whatever the page showed;
- raises ``ValidationError`` (keyed by form field where there is one) when the article is
  not in a state that allows the act, with a message an editor can act on;
- writes a ``StatusChange`` (the audit trail) and a reversion revision with user and comment.

States: draft → review → published (now, or scheduled for later) → unpublished, and
review → draft again ("returned", with a note). A scheduled article is ``published`` with a
future ``published_at``; ``Article.objects.live()`` hides it until then, so no cron is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import reversion
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.redirects.models import Redirect
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags

from images.validators import validate_alt_text

from . import permissions, revisions
from .models import Article, Correction, PreviewLink, StatusChange

Status = Article.Status
Action = StatusChange.Action
User = AbstractBaseUser

WORKFLOW_FIELDS = ["status", "published_at", "updated_at", "modified_at", "version"]
DEFAULT_PREVIEW_DAYS = 7


class EditConflict(ValidationError):
    """The article was saved by someone else after this copy of it was read."""

    def __init__(self, article: Article):
        change = revisions.last_change(article)
        when = date_format(timezone.localtime(change.at), "DATETIME_FORMAT") if change.at else ""
        self.last_change = change
        super().__init__(
            "%(who)s saved this article at %(when)s, after you opened it. "
            "Your changes have not been saved.",
            code="edit_conflict",
            params={"who": change.by, "when": when},
        )


# --- helpers ------------------------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock(article: Article) -> Article:
    """Re-read the row under a lock and copy its workflow fields onto ``article``.

    Transitions write only the workflow fields (``update_fields``), so even an ``article``
    object read long ago cannot write stale content back.
    """
    current = Article.objects.select_for_update().get(pk=article.pk)
    for name in ["status", "published_at", "updated_at", "version", "slug", "created_by_id"]:
        setattr(article, name, getattr(current, name))
    return current


def _save_workflow(article: Article) -> None:
    article.save(update_fields=WORKFLOW_FIELDS)


def _save_transition(
    *, article: Article, by: User, action: str, from_status: str, comment: str, note: str = ""
) -> None:
    """Save a workflow change the one way every transition does: the workflow fields, an
    audit entry and a revision with the user and comment, all in one revision block."""
    with _revision(by=by, comment=comment):
        _save_workflow(article)
        _record(article=article, by=by, action=action, from_status=from_status, note=note)
        revisions.add_article(article)


def _record(
    *,
    article: Article,
    by: User | None,
    action: str,
    from_status: str,
    note: str = "",
) -> StatusChange:
    return StatusChange.objects.create(
        article=article,
        action=action,
        from_status=from_status,
        to_status=article.status,
        published_at=article.published_at,
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


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def article_problems(*, article: Article) -> dict[str, list[str]]:
    """What stops the article from going to review or to readers, by form field.

    Empty when it is ready. The admin form shows these next to the fields; the services
    refuse with them.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not (article.headline or "").strip():
        add("headline", "Give the article a headline.")
    if not article.section_id:
        add("section", "Choose the section the article belongs to.")
    body = article.body or ""
    if not strip_tags(body).strip() and "<img" not in body:
        add("body", "The article has no text yet.")
    if article.featured_image:
        alt = (article.featured_image_alt or "").strip()
        if not alt:
            add(
                "featured_image_alt",
                "Describe the featured image in its alt text before it goes out: readers "
                "who cannot see the image rely on it.",
            )
        else:
            try:
                validate_alt_text(alt)
            except ValidationError as error:
                for message in error.messages:
                    add("featured_image_alt", message)
    if article.pk is None or not article.bylines.exists():
        add(NON_FIELD_ERRORS, "Credit at least one author in the bylines.")
    return problems


def _check_ready(article: Article) -> None:
    problems = article_problems(article=article)
    if problems:
        raise ValidationError(problems)


# --- saving content -----------------------------------------------------------------------


@transaction.atomic
def article_save(*, article: Article, by: User, comment: str = "") -> Article:
    """Save an edit of the article's content (new or existing) as ``by``.

    The workflow fields keep their stored values whatever ``article`` carries: status and
    publication time change only through the transitions below. A changed address of an
    article readers have seen gets a redirect from the old one. Raises ``EditConflict``
    when the row changed since ``article`` was read (its ``version`` is behind).
    """
    if article.pk is None:
        _require(permissions.can_add(by), "You may not write articles.")
        article.status = Status.DRAFT
        article.published_at = None
        article.updated_at = None
        article.created_by = by
        with _revision(by=by, comment=comment or "Created."):
            article.save()
            _record(article=article, by=by, action=Action.CREATED, from_status="")
            revisions.add_article(article)
        return article

    current = Article.objects.select_for_update().get(pk=article.pk)
    _require(permissions.can_edit(by, current), "You may not edit this article.")
    if article.version != current.version:
        raise EditConflict(current)
    for name in ["status", "published_at", "updated_at", "created_by_id"]:
        setattr(article, name, getattr(current, name))
    old_url = current.get_absolute_url()
    with _revision(by=by, comment=comment or "Changed."):
        article.save()
        _after_move(article=article, by=by, old_url=old_url)
        revisions.add_article(article)
    return article


def _after_move(*, article: Article, by: User, old_url: str) -> None:
    """Keep an old address working when an article readers may have seen moves.

    The redirect goes through django.contrib.redirects (served on 404 by its fallback
    middleware). Redirects that pointed at the old address now point at the new one, so a
    chain A → B → C becomes A → C and B → C; a redirect away from the new address is dropped
    (it would loop when an article takes back an earlier address).
    """
    new_url = article.get_absolute_url()
    if new_url == old_url:
        return
    _record(
        article=article,
        by=by,
        action=Action.SLUG_CHANGED,
        from_status=article.status,
        note=f"{old_url} → {new_url}",
    )
    Redirect.objects.filter(site_id=settings.SITE_ID, old_path=new_url).delete()
    if article.status not in {Status.PUBLISHED, Status.UNPUBLISHED}:
        return
    Redirect.objects.filter(site_id=settings.SITE_ID, new_path=old_url).update(new_path=new_url)
    Redirect.objects.update_or_create(
        site_id=settings.SITE_ID, old_path=old_url, defaults={"new_path": new_url}
    )


@transaction.atomic
def article_change_slug(*, article: Article, by: User, slug: str) -> Article:
    """Give the article a new address; the old one redirects once readers may know it."""
    _lock(article)
    _require(permissions.can_edit(by, article), "You may not edit this article.")
    slug = (slug or "").strip()
    try:
        validate_slug(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error.messages}) from None
    if Article.objects.exclude(pk=article.pk).filter(slug=slug).exists():
        raise ValidationError({"slug": ["Another article already uses this address."]})
    old_url = article.get_absolute_url()
    article.slug = slug
    with _revision(by=by, comment="Changed the address."):
        article.save(update_fields=["slug", "modified_at", "version"])
        _after_move(article=article, by=by, old_url=old_url)
        revisions.add_article(article)
    return article


# --- transitions --------------------------------------------------------------------------


@transaction.atomic
def article_submit_for_review(*, article: Article, by: User, note: str = "") -> Article:
    """Draft → in review: the writer says it is ready for an editor."""
    _lock(article)
    if article.status != Status.DRAFT:
        raise ValidationError(
            "Only a draft can be submitted for review; this article is %(status)s.",
            code="not_draft",
            params={"status": article.get_status_display().lower()},
        )
    _require(permissions.can_edit(by, article), "You may not submit this article.")
    _check_ready(article)
    article.status = Status.REVIEW
    _save_transition(
        article=article,
        by=by,
        action=Action.SUBMITTED,
        from_status=Status.DRAFT,
        comment="Submitted for review.",
        note=note,
    )
    return article


@transaction.atomic
def article_return_to_author(*, article: Article, by: User, note: str) -> Article:
    """In review → draft, with a note telling the writer what to change."""
    _lock(article)
    _require(permissions.can_return(by), "You may not return articles to their authors.")
    if article.status != Status.REVIEW:
        raise ValidationError(
            "Only an article in review can be returned to its author.", code="not_in_review"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ["Say what the author should change: the note is required."]}
        )
    article.status = Status.DRAFT
    _save_transition(
        article=article,
        by=by,
        action=Action.RETURNED,
        from_status=Status.REVIEW,
        comment="Returned to the author.",
        note=note,
    )
    return article


@transaction.atomic
def article_publish(
    *, article: Article, by: User, at: datetime | None = None, note: str = ""
) -> Article:
    """Publish now, or at ``at`` (a future time schedules it; the public gate waits for it).

    Works from draft, review and unpublished, and on a scheduled article (to move its time
    or publish it now). Republishing an unpublished article without ``at`` keeps its
    original publication time.
    """
    _lock(article)
    _require(permissions.can_publish(by), "You may not publish articles.")
    if article.is_live:
        raise ValidationError(
            "This article is already published. Unpublish it first to change its publication time.",
            code="already_live",
        )
    _check_ready(article)
    now = timezone.now()
    from_status = article.status
    if at is not None:
        article.published_at = at
    elif not (article.status == Status.UNPUBLISHED and article.published_at):
        article.published_at = now
    article.status = Status.PUBLISHED
    scheduled = article.published_at > now
    action = Action.SCHEDULED if scheduled else Action.PUBLISHED
    comment = f"Scheduled for {_when(article.published_at)}." if scheduled else "Published."
    _save_transition(
        article=article, by=by, action=action, from_status=from_status, comment=comment, note=note
    )
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by: User, note: str = "") -> Article:
    """Take a published article down, or cancel a schedule (back to draft)."""
    _lock(article)
    _require(permissions.can_publish(by), "You may not unpublish articles.")
    if article.status != Status.PUBLISHED:
        raise ValidationError(
            "Only a published or scheduled article can be unpublished.", code="not_published"
        )
    if article.is_scheduled:
        article.status = Status.DRAFT
        article.published_at = None
        action, comment = Action.UNSCHEDULED, "Schedule cancelled."
    else:
        article.status = Status.UNPUBLISHED
        action, comment = Action.UNPUBLISHED, "Unpublished."
    _save_transition(
        article=article,
        by=by,
        action=action,
        from_status=Status.PUBLISHED,
        comment=comment,
        note=note,
    )
    return article


@transaction.atomic
def article_add_correction(
    *,
    article: Article,
    by: User,
    text: str,
    kind: str = Correction.Kind.CORRECTION,
) -> Correction:
    """Append a dated correction or update note to a published article.

    Readers see it under the article, and the article's "Updated" time moves to now.
    """
    _lock(article)
    _require(permissions.can_correct(by), "You may not add corrections.")
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
    _save_transition(
        article=article,
        by=by,
        action=action,
        from_status=article.status,
        comment=f"{correction.get_kind_display()} added.",
        note=text,
    )
    return correction


@transaction.atomic
def article_restore_revision(*, article: Article, by: User, version) -> Article:
    """Bring back the content of an earlier version, as a new revision.

    Status, publication time and address stay as they are: restoring the text of a
    published article keeps it published where it is.
    """
    _lock(article)
    _require(permissions.can_edit(by, article), "You may not edit this article.")
    if str(version.object_id) != str(article.pk) or version.content_type.model_class() is not (
        Article
    ):
        raise ValidationError("That revision belongs to another article.", code="wrong_article")
    snap = revisions.snapshot(version)
    saved = revisions.user_label(version.revision.user)
    note = f"Restored the version saved by {saved} at {_when(version.revision.date_created)}."
    with _revision(by=by, comment=note):
        skipped = revisions.apply_snapshot(article, snap)
        if skipped:
            note += " Not restored: " + ", ".join(skipped) + "."
        article.save()
        _record(
            article=article, by=by, action=Action.RESTORED, from_status=article.status, note=note
        )
        revisions.add_article(article)
    return article


# --- preview links ------------------------------------------------------------------------


@transaction.atomic
def preview_link_create(*, article: Article, by: User, days: int | None = None) -> PreviewLink:
    """A secret address showing the article as it is saved, to anyone, until it expires."""
    _require(permissions.can_share_preview(by, article), "You may not share previews.")
    days = days or getattr(settings, "PREVIEW_LINK_DAYS", DEFAULT_PREVIEW_DAYS)
    link = PreviewLink.objects.create(
        article=article, created_by=by, expires_at=timezone.now() + timedelta(days=days)
    )
    _record(
        article=article,
        by=by,
        action=Action.PREVIEW_SHARED,
        from_status=article.status,
        note=f"Expires {_when(link.expires_at)}.",
    )
    return link


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, by: User) -> PreviewLink:
    """Stop a preview link from working, at once."""
    _require(permissions.can_share_preview(by, link.article), "You may not revoke previews.")
    link = PreviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        _record(
            article=link.article,
            by=by,
            action=Action.PREVIEW_REVOKED,
            from_status=link.article.status,
            note=f"Link made {_when(link.created_at)}.",
        )
    return link
