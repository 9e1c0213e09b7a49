"""Preview links keep an HMAC of their token instead of the token (issue 15, finding 6).

Existing links keep working: their tokens are hashed in place, then the plain column goes.
"""

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    from editorial.models import hash_preview_token

    PreviewLink = apps.get_model("editorial", "PreviewLink")
    links = PreviewLink.objects.using(schema_editor.connection.alias)
    for link in links.only("pk", "token").iterator(chunk_size=1000):
        links.filter(pk=link.pk).update(token_hash=hash_preview_token(link.token))


class Migration(migrations.Migration):
    # After the rows came over from articles, so the copy there reads the column it knows.
    dependencies = [
        ("editorial", "0002_statuschange_imported"),
        ("articles", "0005_workflow_records_to_editorial"),
    ]

    operations = [
        migrations.AddField(
            model_name="previewlink",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        # Not reversible: the tokens are not kept, so links made before cannot come back.
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="previewlink", name="token"),
        migrations.AlterField(
            model_name="previewlink",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
