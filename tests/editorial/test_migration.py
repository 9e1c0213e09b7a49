"""The audit trail and preview links made before ``editorial`` existed survive the move."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0004_editorial_roles"), ("editorial", "0001_initial")]
AFTER = [("articles", "0005_workflow_records_to_editorial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_rows_move_to_the_generic_tables_with_their_ids(old_apps):
    Section = old_apps.get_model("articles", "Section")
    Article = old_apps.get_model("articles", "Article")
    StatusChange = old_apps.get_model("articles", "StatusChange")
    PreviewLink = old_apps.get_model("articles", "PreviewLink")
    section = Section.objects.create(name="Harbour", slug="harbour")
    article = Article.objects.create(headline="Tide tables", slug="tide-tables", section=section)
    change = StatusChange.objects.create(
        article=article, action="submitted", from_status="draft", to_status="review", note="Go."
    )
    expires = timezone.now() + timedelta(days=2)
    link = PreviewLink.objects.create(article=article, token="t" * 43, expires_at=expires)

    new_apps = _migrate(AFTER)

    ContentType = new_apps.get_model("contenttypes", "ContentType")
    article_type = ContentType.objects.get(app_label="articles", model="article")
    moved = new_apps.get_model("editorial", "StatusChange").objects.get()
    assert (moved.pk, moved.content_type_id, moved.object_id) == (
        change.pk,
        article_type.pk,
        article.pk,
    )
    assert (moved.action, moved.to_status, moved.note) == ("submitted", "review", "Go.")
    moved_link = new_apps.get_model("editorial", "PreviewLink").objects.get()
    assert (moved_link.pk, moved_link.object_id, moved_link.token) == (
        link.pk,
        article.pk,
        link.token,
    )
    assert moved_link.expires_at == expires
    Group = new_apps.get_model("auth", "Group")
    editor_perms = set(
        Group.objects.get(name="Editor").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("editorial", "add_previewlink") in editor_perms
    assert ("articles", "add_previewlink") not in editor_perms


def test_links_made_before_hashing_keep_working(old_apps):
    from editorial.models import hash_preview_token

    apps = _migrate([("editorial", "0002_statuschange_imported")] + AFTER)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Section = apps.get_model("articles", "Section")
    Article = apps.get_model("articles", "Article")
    article = Article.objects.create(
        headline="Ferry strike",
        slug="ferry-strike",
        section=Section.objects.create(name="Port", slug="port"),
    )
    token = "k" * 43
    apps.get_model("editorial", "PreviewLink").objects.create(
        content_type=ContentType.objects.get(app_label="articles", model="article"),
        object_id=article.pk,
        token=token,
        expires_at=timezone.now() + timedelta(days=1),
    )

    new_apps = _migrate([("editorial", "0003_previewlink_token_hash")])

    stored = new_apps.get_model("editorial", "PreviewLink").objects.get()
    assert stored.token_hash == hash_preview_token(token)
    assert not hasattr(stored, "token") or stored.token is None
