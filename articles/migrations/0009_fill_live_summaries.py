"""Summarise the tags and authors that already have articles (articles/summaries.py keeps
the rows current from now on). Historical models only, so later model changes cannot break
this step; one grouped query per kind."""

from django.db import migrations
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.utils import timezone


def _dates(rows, key):
    now = timezone.now()
    return (
        rows.filter(published_at__isnull=False)
        .order_by()
        .values(key)
        .annotate(
            latest=Max("published_at", filter=Q(published_at__lte=now)),
            next=Min("published_at", filter=Q(published_at__gt=now)),
        )
        .values_list(key, "latest", "next")
    )


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    TagSummary = apps.get_model("articles", "TagSummary")
    AuthorSummary = apps.get_model("articles", "AuthorSummary")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")

    def published_at(key):
        return Subquery(
            Article.objects.filter(pk=OuterRef(key), status="published").values("published_at")[:1]
        )

    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if content_type is not None:
        items = TaggedItem.objects.filter(content_type=content_type).annotate(
            published_at=published_at("object_id")
        )
        TagSummary.objects.bulk_create(
            [
                TagSummary(tag_id=tag_id, latest_live_at=latest, next_scheduled_at=upcoming)
                for tag_id, latest, upcoming in _dates(items, "tag_id")
            ],
            batch_size=500,
        )
    bylines = Byline.objects.annotate(published_at=published_at("article_id"))
    AuthorSummary.objects.bulk_create(
        [
            AuthorSummary(author_id=author_id, latest_live_at=latest, next_scheduled_at=upcoming)
            for author_id, latest, upcoming in _dates(bylines, "author_id")
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_live_summaries"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
