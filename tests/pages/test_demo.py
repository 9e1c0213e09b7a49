"""The demo's pages: there, published, placed in the navigation and footer, and clean."""

import pytest
from bs4 import BeautifulSoup

from authors.models import Author
from newsroom.sanitize import sanitize_html
from pages.models import Page
from tests.newsroom.test_demo import fast_renditions, run_demo  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_pages_are_published_and_placed(client, fast_renditions):  # noqa: F811
    run_demo()
    urls = {page.get_absolute_url() for page in Page.objects.live().with_ancestors()}
    assert urls == {
        "/about/",
        "/about/masthead/",
        "/support/",
        "/contact/",
        "/privacy/",
        "/republishing/",
    }
    for page in Page.objects.all():
        assert sanitize_html(page.body) == page.body
        assert "{site}" not in page.body
    assert Page.objects.get(slug="contact").has_tip_form
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert "Support us" in soup.find("nav", class_="site-nav").get_text()
    assert "Republishing policy" in soup.find("footer").get_text()
    masthead = client.get("/about/masthead/").content.decode()
    assert "Editors" in masthead and "Mara Ellison" in masthead
    assert Author.objects.staff().count() == 5
    run_demo("--reset", "--no-input")
    assert Page.objects.count() == 6
