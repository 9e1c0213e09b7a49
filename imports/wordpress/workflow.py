"""Every place the WordPress import writes workflow state, through the editorial services.

No person acts in an import, so the system user does (``editorial.services.system_user``):
content is saved with ``content_save`` and the post's WordPress status and dates are taken
over with ``content_adopt_state``, so each imported article has an audit trail and a
revision like any other. ``posts.py`` calls these functions and never touches ``status``,
``published_at``, ``updated_at`` or django-reversion directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import reversion

from articles.models import Article
from editorial import revisions, services

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


def save_content(article: Article) -> None:
    """Save the imported fields (a new article starts as a draft, as every article does)."""
    services.content_save(obj=article, by=services.system_user(), skip_permission_checks=True)


def adopt_state(article: Article, plan: PostPlan, *, wp_id: int) -> None:
    """Give the saved article the status and times its WordPress post had."""
    services.content_adopt_state(
        obj=article,
        by=services.system_user(),
        status=plan.status,
        published_at=plan.published_at,
        updated_at=plan.updated_at,
        note=f"WordPress post {wp_id}",
    )


def add_to_revision(article: Article) -> None:
    """Put the article as saved, with its bylines and tags, into the open revision."""
    revisions.add_to_revision(article)


def unpublish_trashed(article: Article, *, wp_id: int) -> bool:
    """Unpublish an article whose post was trashed in WordPress, as a revision.

    False when it is unpublished already, so there is nothing to do.
    """
    if article.status == Article.Status.UNPUBLISHED:
        return False
    with import_revision(f"Trashed in WordPress (post {wp_id})"):
        services.content_adopt_state(
            obj=article,
            by=services.system_user(),
            status=Article.Status.UNPUBLISHED,
            published_at=article.published_at,
            updated_at=article.updated_at,
            note=f"Trashed in WordPress (post {wp_id})",
        )
    return True
