"""Tags whose name has nothing to slugify still get a unique slug and a working page."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_unsluggable_names_get_tag_tag_2_and_so_on():
    first = Tag.objects.create(name="!!!")
    second = Tag.objects.create(name="???")
    third = Tag.objects.create(name="…")
    assert [first.slug, second.slug, third.slug] == ["tag", "tag-2", "tag-3"]


def test_ordinary_names_keep_taggits_slugs():
    assert Tag.objects.create(name="Zürich housing").slug == "zürich-housing"
    # A tag literally named "tag" then takes taggit's own suffix, not a fallback.
    Tag.objects.create(name="!!!")
    assert Tag.objects.create(name="Tag").slug != ""


def test_the_page_of_an_unsluggable_tag_works(client):
    article = ArticleFactory(headline="Exclamations in the council chamber", tags=["!!!"])
    tag = article.tags.get()
    assert tag.slug == "tag"
    url = reverse("articles:tag", kwargs={"slug": tag.slug})
    assert url == "/tags/tag/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Exclamations in the council chamber" in response.content.decode()
