"""Keep ``Article.search_vector`` (PostgreSQL only; see articles/search.py) and the sitemap
summaries (articles/summaries.py) current.

The vector holds the article's own text plus its authors' names and its tags, so it must be
recomputed when any of those change: the article itself, a byline, an author's name, the
article's tags (taggit sends ``m2m_changed``) or a tag's name. Each handler is one UPDATE.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from authors.models import Author

from . import summaries
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


# --- Sitemap summaries (articles/summaries.py) ---------------------------------------------
# The tag and author sitemaps read stored dates; every change that can move a tag's or an
# author's newest published article refreshes just the summaries it touches.


@receiver(post_save, sender=Article, dispatch_uid="summary_article_saved")
def summary_article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        summaries.refresh_article(instance)


@receiver(pre_delete, sender=Article, dispatch_uid="summary_article_deleting")
def summary_article_deleting(sender, instance, **kwargs):
    instance._summary_tag_ids = summaries.article_tag_ids(instance.pk)
    instance._summary_author_ids = list(instance.bylines.values_list("author_id", flat=True))


@receiver(post_delete, sender=Article, dispatch_uid="summary_article_deleted")
def summary_article_deleted(sender, instance, **kwargs):
    summaries.refresh_tags(getattr(instance, "_summary_tag_ids", []))
    summaries.refresh_authors(getattr(instance, "_summary_author_ids", []))


@receiver(pre_save, sender=Byline, dispatch_uid="summary_byline_saving")
def summary_byline_saving(sender, instance, raw=False, **kwargs):
    # A byline moved to another author leaves the old one to refresh as well.
    instance._summary_old_author_id = None
    if not raw and instance.pk is not None:
        old = Byline.objects.filter(pk=instance.pk).values_list("author_id", flat=True).first()
        instance._summary_old_author_id = old


@receiver(post_save, sender=Byline, dispatch_uid="summary_byline_saved")
@receiver(post_delete, sender=Byline, dispatch_uid="summary_byline_deleted")
def summary_byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        old = getattr(instance, "_summary_old_author_id", None)
        summaries.refresh_authors([instance.author_id, old])


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="summary_tags_changed")
def summary_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not isinstance(instance, Article):  # changed from the tag's side
        if action in {"post_add", "post_remove", "post_clear"}:
            summaries.refresh_tags([instance.pk])
    elif action == "pre_clear":
        instance._summary_cleared_tag_ids = summaries.article_tag_ids(instance.pk)
    elif action == "post_clear":
        summaries.refresh_tags(getattr(instance, "_summary_cleared_tag_ids", []))
    elif action in {"post_add", "post_remove"} and pk_set:
        summaries.refresh_tags(pk_set)
