"""Who may do what to which article.

Model permissions (``articles/roles.py``) say what a role may do in general; these functions
add the rules that depend on the article: a contributor (no ``change_any_article``) sees
and edits only their own articles, and edits them only while they are drafts. The admin
(``has_*_permission``, ``get_queryset``) and the services both ask here, so hiding a button
and refusing a forged POST are the same decision.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Article, Byline

User = AbstractBaseUser | AnonymousUser


def _is_staff(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def can_see_all_articles(user: User) -> bool:
    return _is_staff(user) and user.has_perm("articles.change_any_article")


def own_articles_filter(user: User) -> Q:
    """Articles the user created or is credited on (through their author profile)."""
    credited = Byline.objects.filter(article=OuterRef("pk"), author__user=user)
    return Q(created_by=user) | Q(Exists(credited))


def visible_articles(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """The articles the user may open in the admin."""
    queryset = Article.objects.all() if queryset is None else queryset
    if not _is_staff(user):
        return queryset.none()
    if can_see_all_articles(user):
        return queryset
    return queryset.filter(own_articles_filter(user))


def is_own(user: User, article: Article) -> bool:
    """An article being written (not saved yet) belongs to whoever is writing it."""
    if not _is_staff(user):
        return False
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def can_view(user: User, article: Article) -> bool:
    if not _is_staff(user):
        return False
    if not (user.has_perm("articles.view_article") or user.has_perm("articles.change_article")):
        return False
    return can_see_all_articles(user) or is_own(user, article)


def can_edit(user: User, article: Article) -> bool:
    """Edit the content: editors always; contributors their own drafts only."""
    if not _is_staff(user) or not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.change_any_article"):
        return True
    return article.status == Article.Status.DRAFT and is_own(user, article)


def can_add(user: User) -> bool:
    return _is_staff(user) and user.has_perm("articles.add_article")


def can_submit(user: User, article: Article) -> bool:
    return article.status == Article.Status.DRAFT and (
        can_add(user) if article.pk is None else can_edit(user, article)
    )


def can_publish(user: User) -> bool:
    """Publish now, schedule, reschedule, unpublish."""
    return _is_staff(user) and user.has_perm("articles.publish_article")


def can_return(user: User) -> bool:
    return _is_staff(user) and user.has_perm("articles.review_article")


def can_correct(user: User) -> bool:
    return _is_staff(user) and user.has_perm("articles.add_correction")


def can_share_preview(user: User, article: Article) -> bool:
    return _is_staff(user) and user.has_perm("articles.add_previewlink") and can_view(user, article)


def can_delete(user: User, article: Article) -> bool:
    """A published (or scheduled) article is unpublished first: deleting is deliberate."""
    return (
        _is_staff(user)
        and user.has_perm("articles.delete_article")
        and can_see_all_articles(user)
        and article.status != Article.Status.PUBLISHED
    )
