"""The Contributor, Editor and Administrator groups with their permissions as they were then.

The role list is frozen here: the current one (editorial/roles.py) names permissions of apps
that did not exist yet at this point of the history.
"""

from django.db import migrations

ROLES = {
    # Writes articles and edits only their own drafts (enforced per article, not here).
    "Contributor": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
        "articles.view_byline",
        "articles.view_section",
        "articles.view_statuschange",
        "articles.view_correction",
        "authors.view_author",
        "taggit.view_tag",
    ],
    # Runs the publication: every article in every state, and the things articles point to.
    "Editor": [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.change_any_article",
        "articles.publish_article",
        "articles.review_article",
        "articles.add_section",
        "articles.change_section",
        "articles.delete_section",
        "articles.view_section",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
        "articles.view_byline",
        "articles.add_correction",
        "articles.view_correction",
        "articles.view_statuschange",
        "articles.add_previewlink",
        "articles.change_previewlink",
        "articles.view_previewlink",
        "authors.*",
        "books.*",
        "taggit.*",
        "redirects.*",
    ],
    # Everything, including people and their roles.
    "Administrator": ["*"],
}


def create_roles(apps, schema_editor):
    from editorial.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias, roles=ROLES)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("authors", "0001_initial"),
        ("books", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
        ("sites", "0002_alter_domain_unique"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
