"""What the editorial mixin gives every kind of edited content, written once: the workflow
permissions (named from the model) and the save that derives the slug and cleans the body."""

import pytest
from django.contrib.auth.models import Permission
from django.db.migrations.state import ModelState

from articles.models import Article
from pages.models import Page
from tests.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "name", "plural"), [(Article, "article", "articles"), (Page, "page", "pages")]
)
def test_each_model_gets_the_three_workflow_permissions(model, name, plural):
    expected = [
        (f"change_any_{name}", f"Can edit any {name}, in any state"),
        (f"publish_{name}", f"Can publish, schedule and unpublish {plural}"),
        (f"review_{name}", f"Can return {plural} in review to their authors"),
    ]
    assert list(model._meta.permissions) == expected
    # What migrations see, so the migrations that created them still describe the model.
    assert ModelState.from_model(model).options["permissions"] == expected
    stored = Permission.objects.filter(
        content_type__model=name, codename__in=[c for c, _ in expected]
    )
    assert stored.count() == 3


@pytest.mark.parametrize(
    ("factory", "title_field", "fallback"),
    [(ArticleFactory, "headline", "article"), (PageFactory, "title", "page")],
)
def test_save_makes_the_slug_from_the_title_and_sanitises_the_body(factory, title_field, fallback):
    item = factory(
        **{title_field: "Harbour Lights", "slug": ""},
        body='<p onclick="x()">Hi<script>1</script></p>',
    )
    assert item.slug == "harbour-lights"
    assert item.body == "<p>Hi</p>"
    untitled = factory(**{title_field: "!!!", "slug": ""})
    assert untitled.slug == fallback
