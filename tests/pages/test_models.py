"""Pages: nested addresses, addresses that clash with the site's routes, the sanitiser."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from pages.addresses import clash_problems, reserved_segments
from pages.models import Page
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


def test_top_level_address(page):
    assert page.get_absolute_url() == "/about/"
    assert str(page) == "About us"


def test_nested_address(page):
    masthead = PageFactory(title="Masthead", slug="masthead", parent=page)
    team = PageFactory(title="Team", slug="team", parent=masthead)
    assert masthead.get_absolute_url() == "/about/masthead/"
    assert team.get_absolute_url() == "/about/masthead/team/"
    assert Page.objects.at_path("about/masthead/team").get() == team
    assert Page.objects.at_path("about/masthead").get() == masthead
    assert not Page.objects.at_path("masthead").exists()  # not a top-level page
    assert not Page.objects.at_path("a/b/c/d").exists()


def test_nesting_is_limited(page):
    masthead = PageFactory(slug="masthead", parent=page)
    team = PageFactory(slug="team", parent=masthead)
    too_deep = Page(title="Deep", slug="deep", parent=team)
    with pytest.raises(ValidationError) as error:
        too_deep.full_clean()
    assert "parent" in error.value.message_dict


def test_a_page_cannot_be_its_own_ancestor(page):
    child = PageFactory(slug="child", parent=page)
    page.parent = child
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "cannot be nested under itself" in str(error.value)


def test_same_slug_is_fine_under_different_parents(page):
    other = PageFactory(slug="contact")
    PageFactory(slug="team", parent=page)
    PageFactory(slug="team", parent=other)
    with pytest.raises(IntegrityError):
        PageFactory(slug="team", parent=page)


def test_two_top_level_pages_cannot_share_an_address(page):
    with pytest.raises(IntegrityError):
        PageFactory(slug="about")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/articles/",
        "/sections/",
        "/authors/",
        "/books/",
        "/search/",
        "/feed/",
        "/tags/",
        "/preview/",
        "/sitemaps/",
        "/robots.txt/",
        "/healthz/",
        "/sitemap.xml/",
        "/media/",
        "/static/",
        "/",
    ],
)
def test_site_routes_are_refused_as_page_addresses(path):
    problems = clash_problems(path)
    assert problems and "Choose another" in problems[0]


def test_free_addresses_pass():
    assert clash_problems("/about/") == []
    assert clash_problems("/about/masthead/") == []


def test_reserved_segments_come_from_the_urlconf():
    assert {"admin", "articles", "authors", "books", "search", "feed"} <= reserved_segments()


def test_model_validation_refuses_a_clashing_slug():
    page = Page(title="Search", slug="search")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "belongs to the site itself" in " ".join(error.value.message_dict["slug"])


def test_body_is_sanitised_on_save():
    page = PageFactory(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    assert "script" not in page.body and "onclick" not in page.body


def test_slug_made_from_title():
    page = PageFactory(title="Support us", slug="")
    assert page.slug == "support-us"


def test_publication_problems():
    page = Page(title="", body="")
    assert set(page.publication_problems()) == {"title", "body"}
    assert Page(title="Masthead", shows_staff=True).publication_problems() == {}
