"""Every place the WordPress import writes workflow state, through the editorial services.

No person acts in an import, so the system user does (``editorial.services.system_user``):
content is saved with ``content_save`` and the post's WordPress status and dates are taken
over with ``content_adopt_state``, so each imported article has an audit trail and a
revision like any other. ``posts.py`` and ``pages.py`` call these functions and never touch
``status``, ``published_at``, ``updated_at`` or django-reversion directly. They take any
edited content (``editorial.models.EditorialModel``): an article or a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import reversion

from editorial import revisions, services
from editorial.models import EditorialModel, Status

from .mapping import PostPlan


@contextmanager
def import_revision(comment: str) -> Iterator[None]:
    """One django-reversion revision around a post's import, in the system user's name.

    The services add their own comments ("Created.", "Published (from an import).") when
    they join it; the revision keeps the import's own words, which say where it came from.
    """
    with reversion.create_revision(atomic=False):
        reversion.set_user(services.system_user())
        yield
        reversion.set_comment(comment)


def save_content(article: EditorialModel) -> None:
    """Save the imported fields (a new article starts as a draft, as every article does)."""
    services.content_save(obj=article, by=services.system_user(), skip_permission_checks=True)


def adopt_state(article: EditorialModel, plan: PostPlan, *, wp_id: int, kind="post") -> None:
    """Give the saved article the status and times its WordPress post had."""
    services.content_adopt_state(
        obj=article,
        by=services.system_user(),
        status=plan.status,
        published_at=plan.published_at,
        updated_at=plan.updated_at,
        note=f"WordPress {kind} {wp_id}",
    )


def add_to_revision(article: EditorialModel) -> None:
    """Put the article as saved, with its bylines and tags, into the open revision."""
    revisions.add_to_revision(article)


def unpublish_trashed(article: EditorialModel, *, wp_id: int, kind="post") -> bool:
    """Unpublish an article whose post was trashed in WordPress, as a revision.

    False when it is unpublished already, so there is nothing to do.
    """
    if article.status == Status.UNPUBLISHED:
        return False
    with import_revision(f"Trashed in WordPress ({kind} {wp_id})"):
        services.content_adopt_state(
            obj=article,
            by=services.system_user(),
            status=Status.UNPUBLISHED,
            published_at=article.published_at,
            updated_at=article.updated_at,
            note=f"Trashed in WordPress ({kind} {wp_id})",
        )
    return True
