"""``images.change_any_image``: who may change a library image that published pages show.

Editors get it (``images.*`` in editorial/roles.py); contributors change only their own
uploads that nothing published shows (images/library.py ``change_refusal``)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from editorial.roles import sync_roles as sync

    sync(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0002_image_library_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="image",
            options={
                "ordering": ["-uploaded_at", "-pk"],
                "permissions": [
                    (
                        "change_any_image",
                        "Can change any library image, even one published pages show",
                    )
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
