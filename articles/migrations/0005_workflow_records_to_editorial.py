"""Articles' audit trail and preview links move to the generic tables of ``editorial``.

Rows are copied with the article's content type, so pages can share the same tables; then
the article-only tables go, and the roles are given the permissions of the new models.
"""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 1000


def _article_type(apps, using):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.using(using).get_or_create(
        app_label="articles", model="article"
    )
    return content_type


# (article-only model, generic model, the columns both have)
MOVED = [
    ("StatusChange", ["action", "from_status", "to_status", "published_at", "note", "by_id", "at"]),
    ("PreviewLink", ["token", "created_by_id", "created_at", "expires_at", "revoked_at"]),
]


def _pairs(apps):
    return [
        (apps.get_model("articles", name), apps.get_model("editorial", name), fields)
        for name, fields in MOVED
    ]


def to_editorial(apps, schema_editor):
    using = schema_editor.connection.alias
    content_type = _article_type(apps, using)
    pairs = _pairs(apps)
    for old_model, new_model, fields in pairs:
        rows = old_model.objects.using(using).order_by("pk").iterator(chunk_size=BATCH)
        batch = []
        for row in rows:
            values = {name: getattr(row, name) for name in fields}
            batch.append(
                new_model(pk=row.pk, content_type=content_type, object_id=row.article_id, **values)
            )
            if len(batch) >= BATCH:
                new_model.objects.using(using).bulk_create(batch)
                batch = []
        new_model.objects.using(using).bulk_create(batch)
    _reset_sequences(apps, schema_editor, [new for _, new, _ in pairs])


def to_articles(apps, schema_editor):
    using = schema_editor.connection.alias
    content_type = _article_type(apps, using)
    pairs = _pairs(apps)
    for old_model, new_model, fields in pairs:
        rows = new_model.objects.using(using).filter(content_type=content_type)
        old_model.objects.using(using).bulk_create(
            [
                old_model(
                    pk=row.pk,
                    article_id=row.object_id,
                    **{name: getattr(row, name) for name in fields},
                )
                for row in rows.iterator(chunk_size=BATCH)
            ],
            batch_size=BATCH,
        )
        rows.delete()
    _reset_sequences(apps, schema_editor, [old for old, _, _ in pairs])


def _reset_sequences(apps, schema_editor, models):
    """Rows were copied with their ids: the next id must come after them (PostgreSQL)."""
    connection = schema_editor.connection
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def sync_roles(apps, schema_editor):
    from editorial.roles import sync_roles as sync

    sync(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_editorial_roles"),
        ("editorial", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_editorial, to_articles),
        migrations.DeleteModel(name="PreviewLink"),
        migrations.DeleteModel(name="StatusChange"),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
