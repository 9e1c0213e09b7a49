"""Every place the WordPress import writes workflow state: status, times, revisions.

The import still sets these fields itself. They are kept here, and only here, so that
switching the import to the editorial workflow services (``editorial/``, issue #20) is a
change to this one module: ``posts.py`` calls these functions and never touches
``status``, ``published_at``, ``updated_at`` or django-reversion directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import reversion

from articles.models import Article

from .mapping import PostPlan


@contextmanager
def import_revision(comment: str) -> Iterator[None]:
    """A django-reversion revision around an import's save, so it can be compared later."""
    if not reversion.is_registered(Article):
        yield
        return
    with reversion.create_revision(atomic=False):
        reversion.set_comment(comment)
        yield


def add_to_revision(article: Article) -> None:
    """Put the article as saved, with its bylines and tags, into the open revision."""
    if not reversion.is_active() or not reversion.is_registered(Article):
        return
    try:
        from articles.revisions import add_article
    except ImportError:  # the revisions module is optional here
        reversion.add_to_revision(article)
    else:
        add_article(article)


def set_workflow_state(article: Article, plan: PostPlan) -> None:
    """Give an imported article (not yet saved) the status and times its plan decided."""
    article.status = plan.status
    article.published_at = plan.published_at
    article.updated_at = plan.updated_at


def unpublish_trashed(article: Article, *, wp_id: int) -> bool:
    """Unpublish an article whose post was trashed in WordPress, as a revision.

    False when it is unpublished already, so there is nothing to do.
    """
    if article.status == Article.Status.UNPUBLISHED:
        return False
    with import_revision(f"Trashed in WordPress (post {wp_id})"):
        article.status = Article.Status.UNPUBLISHED
        article.save()
        add_to_revision(article)
    return True
