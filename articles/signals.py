"""Keep ``Article.search_vector`` current (PostgreSQL only; see articles/search.py).

The vector holds the article's own text plus its authors' names and its tags, so it must be
recomputed when any of those change: the article itself, a byline, an author's name, the
article's tags (taggit sends ``m2m_changed``) or a tag's name. Each handler is one UPDATE.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag

from authors.models import Author

from .models import Article, Byline
from .search import is_postgresql, update_search_vectors


@receiver(post_save, sender=Article, dispatch_uid="search_article_saved")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_vectors([instance.pk])


@receiver(post_save, sender=Byline, dispatch_uid="search_byline_saved")
@receiver(post_delete, sender=Byline, dispatch_uid="search_byline_deleted")
def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_vectors([instance.article_id])


@receiver(post_save, sender=Author, dispatch_uid="search_author_saved")
def author_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        update_search_vectors(Byline.objects.filter(author=instance).values("article_id"))


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="search_tags_changed")
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Article):
        update_search_vectors([instance.pk])
    elif pk_set:  # changed from the tag's side: pk_set holds article ids
        update_search_vectors(pk_set)


def _tagged_article_ids(tag):
    return Article.objects.filter(tags=tag).values("pk")


@receiver(post_save, sender=Tag, dispatch_uid="search_tag_renamed")
def tag_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        update_search_vectors(_tagged_article_ids(instance))


@receiver(pre_delete, sender=Tag, dispatch_uid="search_tag_deleting")
def tag_deleting(sender, instance, **kwargs):
    if is_postgresql():
        ids = _tagged_article_ids(instance).values_list("pk", flat=True)
        instance._search_article_ids = list(ids)


@receiver(post_delete, sender=Tag, dispatch_uid="search_tag_deleted")
def tag_deleted(sender, instance, **kwargs):
    update_search_vectors(getattr(instance, "_search_article_ids", []))
