"""What an article's revision holds besides the article row: its bylines and tag links.

The generic machinery (recording, reading, comparing, restoring) is ``editorial/revisions.py``;
these are the article's hooks it calls through ``Article.revision_*``. Tags are taggit's
generic ``TaggedItem`` rows, which reversion would not follow from the article by itself.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from .models import Article, Byline


def _tagged_items(article: Article):
    content_type = ContentType.objects.get_for_model(Article)
    return TaggedItem.objects.filter(content_type=content_type, object_id=article.pk)


def related_rows(article: Article) -> list:
    return [*article.bylines.all(), *_tagged_items(article)]


def related_data(article_id, versions) -> dict:
    """The bylines and tag ids saved in the same revision as the article ``article_id``."""
    bylines = []
    tag_ids = []
    byline_type = ContentType.objects.get_for_model(Byline)
    tag_type = ContentType.objects.get_for_model(TaggedItem)
    article_type = ContentType.objects.get_for_model(Article)
    for sibling in versions:
        if sibling.content_type_id == byline_type.pk:
            data = sibling.field_dict
            if str(data.get("article_id")) == str(article_id):
                bylines.append(data)
        elif sibling.content_type_id == tag_type.pk:
            data = sibling.field_dict
            if str(data.get("object_id")) == str(article_id) and (
                data.get("content_type_id") == article_type.pk
            ):
                tag_ids.append(data["tag_id"])
    bylines.sort(key=lambda b: (b.get("position", 0), b.get("id", 0)))
    return {"bylines": bylines, "tag_ids": tag_ids}


def related_display(data: dict) -> dict[str, str]:
    from authors.models import Author

    bylines = data.get("bylines", [])
    names = dict(
        Author.objects.filter(pk__in=[b["author_id"] for b in bylines]).values_list("pk", "name")
    )
    roles = dict(Byline.Role.choices)
    labels = [
        f"{roles.get(b['role'], b['role'])} {names.get(b['author_id'], '(deleted author)')}"
        for b in bylines
    ]
    tags = sorted(Tag.objects.filter(pk__in=data.get("tag_ids", [])).values_list("name", flat=True))
    return {"bylines": "\n".join(labels), "tags": ", ".join(tags)}


def restore_related(article: Article, data: dict) -> list[str]:
    """Write the revision's bylines and tags back; return what could not be restored."""
    from authors.models import Author

    skipped = []
    bylines = data.get("bylines", [])
    existing_authors = set(
        Author.objects.filter(pk__in=[b["author_id"] for b in bylines]).values_list("pk", flat=True)
    )
    article.bylines.all().delete()
    for position, byline in enumerate(bylines):
        if byline["author_id"] not in existing_authors:
            skipped.append("a byline whose author was deleted")
            continue
        Byline.objects.create(
            article=article,
            author_id=byline["author_id"],
            role=byline.get("role") or Byline.Role.BY,
            position=byline.get("position", position),
        )
    tag_ids = data.get("tag_ids", [])
    tags = list(Tag.objects.filter(pk__in=tag_ids))
    if len(tags) < len(tag_ids):
        skipped.append("tags that were deleted")
    article.tags.set(tags)
    return skipped
