"""The demo has two newsletters, and its privacy page lists what is kept per subscriber."""

import pytest

from newsletters.models import Newsletter
from pages.models import Page
from tests.newsroom.test_demo import fast_renditions, run_demo  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_newsletters_and_privacy_text(client, fast_renditions):  # noqa: F811
    run_demo()
    assert list(Newsletter.objects.values_list("name", "is_default")) == [
        ("Daily digest", True),
        ("New books", False),
    ]
    privacy = Page.objects.get(slug="privacy").body
    for stored in ("the address", "confirmed", "which newsletters", "identifier"):
        assert stored in privacy
    page = client.get("/newsletter/").content.decode()
    assert "Daily digest" in page and "New books" in page
