"""Give the roles their pages permissions (editorial/roles.py): editors manage pages and
read tips; contributors get nothing here."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from editorial.roles import sync_roles as sync

    sync(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("articles", "0005_workflow_records_to_editorial"),
        ("authors", "0004_masthead_staff"),
        ("books", "0001_initial"),
        ("editorial", "0003_previewlink_token_hash"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
