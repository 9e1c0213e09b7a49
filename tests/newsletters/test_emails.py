"""The issue's email: the article's picture as an absolute rendition URL, byline, excerpt,
"read on the site", editable headline and preheader, and a plain-text twin."""

import pytest

from newsletters import emails, services
from tests.factories import ArticleFactory, AuthorFactory, image_file

pytestmark = pytest.mark.django_db


def test_issue_has_absolute_image_byline_excerpt_and_preheader(daily, settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(
        headline="Tram line opens",
        excerpt="The first tram left at six.",
        authors=[AuthorFactory(name="Ines Okafor")],
        featured_image=image_file("tram.jpg"),
        featured_image_alt="A green tram at the harbour stop",
    )
    send = services.send_create(
        newsletter=daily, articles=[article], subject="Trams!", preheader="And ferries too"
    )
    issue = emails.render_issue(send)
    assert '<img src="https://news.example.org/media/renditions/' in issue.html
    assert 'alt="A green tram at the harbour stop"' in issue.html
    assert "By Ines Okafor" in issue.html and "By Ines Okafor" in issue.text
    assert "The first tram left at six." in issue.text
    assert "And ferries too" in issue.html  # the hidden preheader
    assert "<title>Trams!</title>" in issue.html
    assert f"Read on the site: https://news.example.org{article.get_absolute_url()}" in issue.text
