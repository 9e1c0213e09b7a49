"""Sections and tags, and adopting what a site already has on a first run."""

import pytest
from django.contrib.redirects.models import Redirect
from taggit.models import Tag

from articles.models import Section
from authors.models import Author
from tests.factories import AuthorFactory, SectionFactory
from tests.imports.helpers import article, run, subset

pytestmark = pytest.mark.django_db


def test_sections_and_tags(imported):
    """Categories become sections; tags keep their names and get ASCII slugs."""
    names = dict(Section.objects.values_list("slug", "name"))
    assert names == {
        "articles": "Articles",
        "news": "News",
        "local": "Local",
        "opinion": "Opinion",
        "culture": "Culture",
        "environment": "Environment",
    }
    assert (
        Section.objects.get(slug="news").description == "What happened on the waterfront & beyond."
    )
    tags = dict(Tag.objects.values_list("name", "slug"))
    assert tags["Élections"] == "elections"
    assert tags["مدينة"] == "tag-26"  # our tag addresses are ASCII
    assert set(article(233).tags.names()) == set()
    assert set(article(232).tags.names()) == {"Budget", "Harbour"}


def test_existing_section_author_and_tag_are_adopted(tmp_path):
    news = SectionFactory(name="News")
    marta = AuthorFactory(name="Marta Reyes")
    budget = Tag.objects.create(name="budget", slug="budget-tag")
    run(subset(tmp_path, 201, 230, 232))
    assert article(230).section == news
    assert Section.objects.filter(name__iexact="news").count() == 1
    assert article(201).byline_authors[0] == marta
    assert Author.objects.filter(name="Marta Reyes").count() == 1
    assert budget in article(232).tags.all()
    assert Redirect.objects.get(old_path="/tag/budget/").new_path == "/tags/budget-tag/"
