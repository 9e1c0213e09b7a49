"""Keep ``TagSummary`` and ``AuthorSummary`` current: the dates the sitemaps print.

Computing "the newest live article of this tag" per request costs a scan of the archive per
tag (the tag sitemap took 20 s at 100,000 articles). These functions recompute the summary
of just the tags and authors a change touches, from the index on their tagged items or
bylines, and store it; the sitemaps then read one row per tag or author.

A summary is "published articles only": drafts never move it. Publication times in the
future are kept apart in ``next_scheduled_at``; once that moment passes the row is stale, and
``refresh_due()`` (called by the sitemaps before reading) recomputes the few such rows, so a
scheduled article reaches the sitemaps at its moment without a cron job.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Min, OuterRef, Q, Subquery, Value
from django.utils import timezone
from taggit.models import TaggedItem

from caching import cache

from .models import Article, AuthorSummary, Byline, TagSummary

# At most this many keys per refreshing query, so a big change stays a few bounded queries.
BATCH = 500


def _article_dates(keys_queryset, key: str) -> dict[int, tuple]:
    """{key: (latest live, next scheduled)} from rows that carry ``key`` and ``published_at``
    (the published time of the article each row belongs to)."""
    now = timezone.now()
    rows = (
        keys_queryset.filter(published_at__isnull=False)
        .order_by()
        .values(key)
        .annotate(
            latest=Max("published_at", filter=Q(published_at__lte=now)),
            next=Min("published_at", filter=Q(published_at__gt=now)),
        )
        .values_list(key, "latest", "next")
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _published_at(article_key: str):
    """The published time of the article a tagged item or byline points at; NULL unless the
    article is published (or scheduled).

    A correlated lookup by the article's primary key: for tagged items no
    ``object_id::bigint`` cast keeps PostgreSQL off an index, and only the rows of the tags
    or authors asked for are read.
    """
    return Subquery(
        Article.objects.published_or_scheduled()
        .filter(pk=OuterRef(article_key))
        .values("published_at")[:1]
    )


def refresh_tags(tag_ids: Iterable[int]) -> None:
    """Recompute the summaries of the given tags (two queries per ``BATCH`` tags)."""
    ids = sorted({pk for pk in tag_ids if pk is not None})
    content_type = ContentType.objects.get_for_model(Article)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        items = TaggedItem.objects.filter(content_type=content_type, tag_id__in=batch).annotate(
            published_at=_published_at("object_id")
        )
        _store(TagSummary, "tag", batch, _article_dates(items, "tag_id"))


def refresh_authors(author_ids: Iterable[int]) -> None:
    """Recompute the summaries of the given authors (two queries per ``BATCH`` authors)."""
    ids = sorted({pk for pk in author_ids if pk is not None})
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        bylines = Byline.objects.filter(author_id__in=batch).annotate(
            published_at=_published_at("article_id")
        )
        _store(AuthorSummary, "author", batch, _article_dates(bylines, "author_id"))


def _store(model, key: str, ids: list[int], dates: dict[int, tuple]) -> None:
    """Upsert one summary row per id (empty dates for ids with no published article).

    Only rows whose dates differ are written: an edit that moves no date (most saves) writes
    nothing and so invalidates no cached page that reads the summaries.
    """
    stored = {
        row[0]: row[1:]
        for row in model.objects.filter(**{f"{key}_id__in": ids}).values_list(
            f"{key}_id", "latest_live_at", "next_scheduled_at"
        )
    }
    created, updated, changed = [], [], set()
    for pk in ids:
        latest, upcoming = dates.get(pk, (None, None))
        row = model(**{f"{key}_id": pk}, latest_live_at=latest, next_scheduled_at=upcoming)
        if pk not in stored:
            created.append(row)
            continue
        before = dict(zip(["latest_live_at", "next_scheduled_at"], stored[pk], strict=True))
        moved = {name for name, value in before.items() if getattr(row, name) != value}
        if moved:
            updated.append(row)
            changed |= moved
    if not (created or updated):
        return
    model.objects.bulk_create(
        [*created, *updated],
        update_conflicts=True,
        unique_fields=[key],
        update_fields=["latest_live_at", "next_scheduled_at"],
    )
    # An upsert sends no signals: tell the page cache, which decides what the rows affect.
    cache.rows_written(created=created, updated=updated, fields=changed)


def refresh_article(article: Article) -> None:
    """Recompute the summaries of everything an article is filed under."""
    refresh_tags(article_tag_ids(article.pk))
    refresh_authors(
        Byline.objects.filter(article_id=article.pk).values_list("author_id", flat=True)
    )


def article_tag_ids(article_id: int) -> list[int]:
    content_type = ContentType.objects.get_for_model(Article)
    return list(
        TaggedItem.objects.filter(content_type=content_type, object_id=article_id).values_list(
            "tag_id", flat=True
        )
    )


def refresh_due() -> None:
    """Recompute the summaries whose scheduled article has come out since they were stored.

    One query when nothing is due (the usual case), so the sitemaps stay at a fixed number
    of queries; the first sitemap read after a scheduled article comes out pays its refresh.
    """
    now = timezone.now()
    due = (
        TagSummary.objects.filter(next_scheduled_at__lte=now)
        .order_by()
        .values_list("tag_id", Value("tag"))
        .union(
            AuthorSummary.objects.filter(next_scheduled_at__lte=now)
            .order_by()
            .values_list("author_id", Value("author"))
        )
    )
    keys: dict[str, list[int]] = {"tag": [], "author": []}
    for pk, kind in due:
        keys[kind].append(pk)
    refresh_tags(keys["tag"])
    refresh_authors(keys["author"])


def rebuild_all() -> None:
    """Summarise every tag and author (after bulk loads that bypass the signals)."""
    from taggit.models import Tag

    from authors.models import Author

    refresh_tags(Tag.objects.values_list("pk", flat=True))
    refresh_authors(Author.objects.values_list("pk", flat=True))
