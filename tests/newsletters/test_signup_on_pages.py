"""The short sign-up form on cached public pages: the same for every visitor, no CSRF token,
no query of its own, and it works from the cached copy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caching import cache
from newsletters.models import Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_article_page_has_the_form_twice_without_a_query_or_token(client, daily):
    article = ArticleFactory(headline="Tram line opens")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('action="/newsletter/subscribe/"') == 2  # the article and the footer
    assert 'id="article-newsletter-email"' in html and 'id="footer-newsletter-email"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not [q for q in queries.captured_queries if "newsletters_" in q["sql"]]


def test_signing_up_from_a_cached_article_page_works(
    page_cache, daily, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    cache.content_changed()
    first, second = Client(), Client()
    assert first.get(article.get_absolute_url())[cache.STATUS_HEADER] == "MISS"
    page = second.get(article.get_absolute_url())
    assert page[cache.STATUS_HEADER] == "HIT"
    assert 'action="/newsletter/subscribe/"' in page.content.decode()
    reader = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(
            "/newsletter/subscribe/",
            {"email": "reader@example.org", "website": ""},
            HTTP_REFERER=article.get_absolute_url(),
        )
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "reader@example.org"
