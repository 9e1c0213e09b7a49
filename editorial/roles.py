"""The newsroom's roles, as Django groups with their permissions.

Data migrations apply these (``newsletters/0002_editor_role`` is the latest);
a later migration calls ``sync_roles`` again after changing them. The rules that depend on
*which* item (a contributor's own drafts) are not permissions but checks in
``editorial/permissions.py``.

Entries are ``"app_label.codename"`` or ``"app_label.*"`` for every permission of an app;
``"*"`` is every permission there is.
"""

from __future__ import annotations

CONTRIBUTOR = "Contributor"
EDITOR = "Editor"
ADMINISTRATOR = "Administrator"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Writes articles and edits only their own drafts (enforced per article, not here).
    CONTRIBUTOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
        "articles.view_byline",
        "articles.view_section",
        "articles.view_correction",
        "editorial.view_statuschange",
        "authors.view_author",
        "taggit.view_tag",
        # The image library: upload into it, describe, choose from it (not delete).
        "images.add_image",
        "images.change_image",
        "images.view_image",
    ],
    # Runs the publication: every article in every state, and the things articles point to.
    EDITOR: [
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
        "editorial.view_statuschange",
        "editorial.add_previewlink",
        "editorial.change_previewlink",
        "editorial.view_previewlink",
        "authors.*",
        "books.*",
        "images.*",
        "taggit.*",
        "redirects.*",
        # Pages (About, Masthead, Contact…) and the tips readers send through them.
        "pages.add_page",
        "pages.change_page",
        "pages.delete_page",
        "pages.view_page",
        "pages.change_any_page",
        "pages.publish_page",
        "pages.review_page",
        "pages.view_tip",
        # Newsletters: compose, test, send and schedule issues; read the lists, subscribers and
        # delivery records; export a subscriber's data and erase it on request (the admin's
        # "erase" action needs delete_subscriber). Lists themselves stay with administrators.
        "newsletters.view_newsletter",
        "newsletters.add_send",
        "newsletters.change_send",
        "newsletters.view_send",
        "newsletters.view_subscriber",
        "newsletters.delete_subscriber",
        "newsletters.view_subscription",
        "newsletters.view_delivery",
    ],
    # Everything, including people and their roles.
    ADMINISTRATOR: ["*"],
}


def ensure_permissions(apps, using: str) -> None:
    """Create the content types and permissions that Django otherwise adds after migrating.

    A data migration runs before ``post_migrate``, so on a fresh database the permissions it
    wants to hand out do not exist yet.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None


def sync_roles(apps, using: str = "default", roles: dict[str, list[str]] | None = None) -> None:
    """Create each role's group and give it exactly the permissions listed (``roles``, by
    default the current ``ROLE_PERMISSIONS``; a historical migration passes its own copy)."""
    ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = Permission.objects.using(using).select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in every}
    # An app whose migrations have not run yet has no permissions: its entries wait for
    # that app's own migration, which calls sync_roles again (pages/0002_roles does).
    migrated = {name.split(".", 1)[0] for name in by_name}
    for role, wanted in (ROLE_PERMISSIONS if roles is None else roles).items():
        chosen = set()
        for entry in wanted:
            if entry != "*" and entry.split(".", 1)[0] not in migrated:
                continue
            if entry == "*":
                chosen.update(by_name.values())
            elif entry.endswith(".*"):
                app_label = entry[:-2]
                chosen.update(p for name, p in by_name.items() if name.startswith(f"{app_label}."))
            elif entry in by_name:
                chosen.add(by_name[entry])
            else:
                raise LookupError(f"Role {role!r} names an unknown permission {entry!r}.")
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(chosen)
