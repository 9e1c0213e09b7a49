"""Hits answered in front of Django's handler (caching/front.py): the same pages, the same
rules, no query, and the host checked before any page is given out (issue 15, finding 5)."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler

from caching import cache
from caching.front import PageCacheApplication

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def call(app, path, **extra):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        **extra,
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def app():
    return PageCacheApplication(WSGIHandler())


def test_a_hit_is_answered_in_front_of_django_without_a_query(
    client, world, app, django_assert_num_queries
):
    url = world.urls["article"]
    stored = client.get(url)
    with django_assert_num_queries(0):
        status, headers, body = call(app, url)
    assert status == "200 OK"
    assert headers[cache.STATUS_HEADER] == "HIT"
    assert body == stored.content
    assert headers["xkey"] == stored["xkey"]


def test_a_disallowed_host_never_gets_the_cached_page(client, world, app):
    url = world.urls["article"]
    client.get(url)
    status, headers, body = call(app, url, HTTP_HOST="evil.example")
    assert status.startswith("400")
    assert cache.STATUS_HEADER not in headers


@pytest.mark.django_db(transaction=True)
def test_a_change_is_seen_through_the_front(client, world, app):
    """In autocommit, as in production: the miss goes through Django's handler, whose
    request signals manage connections."""
    from .test_invalidation import edit_article

    url = world.urls["article"]
    client.get(url)
    needle = edit_article(world)
    status, headers, body = call(app, url)
    assert headers[cache.STATUS_HEADER] == "MISS"
    assert needle in body.decode()


def test_if_none_match_answers_304_in_front(client, world, app):
    url = world.urls["home"]
    etag = client.get(url)["ETag"]
    status, headers, body = call(app, url, HTTP_IF_NONE_MATCH=etag)
    assert status.startswith("304") and body == b""


def test_a_hit_in_front_is_kept_no_longer_than_a_scheduled_story_allows(
    client, world, app, monkeypatch
):
    """The Cache-Control stored with a page was right when it rendered; served later, it is
    capped at the time left (Varnish or a CDN would otherwise keep it past the publication)."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ArticleFactory

    ArticleFactory(section=world.section, published_at=timezone.now() + timedelta(seconds=8))
    stored = client.get(world.urls["home"])
    assert stored[cache.STATUS_HEADER] == "MISS"
    assert "s-maxage=7" in stored["Cache-Control"] or "s-maxage=8" in stored["Cache-Control"]

    later = cache.now_ts() + 5
    monkeypatch.setattr(cache, "now_ts", lambda: later)
    status, headers, body = call(app, world.urls["home"])
    assert headers[cache.STATUS_HEADER] == "HIT"
    directives = headers["Cache-Control"].replace(" ", "").split(",")
    assert {"s-maxage=2", "max-age=2", "stale-while-revalidate=0"} <= set(directives) or {
        "s-maxage=3",
        "max-age=3",
        "stale-while-revalidate=0",
    } <= set(directives), headers["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_a_page_with_a_stale_part_goes_to_the_middleware(client, world, app):
    """The front layer sends only pages whose parts are all valid; a page with a part to
    render again is assembled by the middleware (caching/assembly.py), without its view.
    In autocommit, as in production (Django's handler closes connections between requests)."""
    from .test_invalidation import publish_draft

    url = world.urls["other article"]
    client.get(url)
    assert call(app, url)[1][cache.STATUS_HEADER] == "HIT"
    publish_draft(world)
    status, headers, body = call(app, url)
    assert status == "200 OK"
    assert headers[cache.STATUS_HEADER] == "PARTIAL"
    assert b"Night buses return" in body
    assert call(app, url)[1][cache.STATUS_HEADER] == "HIT"


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_list_changed_is_assembled_in_front_from_stored_fragments(
    client, world, django_assert_num_queries
):
    """After a publication the first page renders the new Recent Articles cards (through
    Django); every other page showing them is assembled in front of Django from the stored
    cards — no view, no query — and stored again, so the next request is a plain hit."""
    from .site import fresh
    from .test_invalidation import publish_draft

    reached_django = []

    def django(environ, start_response):
        reached_django.append(environ["PATH_INFO"])
        return WSGIHandler()(environ, start_response)

    app = PageCacheApplication(django)
    first, second = world.urls["other article"], world.urls["article"]
    for url in (first, second):
        client.get(url)
        assert call(app, url)[1][cache.STATUS_HEADER] == "HIT"
    publish_draft(world)
    assert call(app, first)[1][cache.STATUS_HEADER] == "PARTIAL"  # renders the new cards
    reached_django.clear()
    with django_assert_num_queries(0):
        status, headers, body = call(app, second)
    assert (status, headers[cache.STATUS_HEADER], reached_django) == ("200 OK", "PARTIAL", [])
    assert b"Night buses return" in body
    assert body == fresh(client, second).content
    assert call(app, second)[1][cache.STATUS_HEADER] == "HIT"
    assert reached_django == []
