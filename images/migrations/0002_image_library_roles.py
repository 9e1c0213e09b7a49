"""Give the roles the image library (editorial/roles.py): contributors upload, describe and
choose images; editors also delete them."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from editorial.roles import sync_roles as sync

    sync(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_image_library"),
        ("articles", "0011_articles_library_image"),
        ("authors", "0005_authors_library_image"),
        ("books", "0004_books_library_image"),
        ("pages", "0004_pages_library_image"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
