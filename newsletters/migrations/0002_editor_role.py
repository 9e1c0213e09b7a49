"""Give editors the newsletter permissions (editorial/roles.py): compose and send issues, read
subscribers, export and erase a subscriber's data; contributors get nothing here."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from editorial.roles import sync_roles as sync

    sync(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_newsletters_subscribers_sends_deliveries"),
        ("pages", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
