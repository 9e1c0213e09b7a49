"""The edge tag headers (``xkey``, ``Surrogate-Key``) stay within ``EDGE_TAG_HEADER_MAX``
however much a page lists, and every purge still reaches a page whose header was collapsed
(caching/edge.py)."""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Article, Byline
from caching import cache, edge
from caching import tags as cache_tags
from editorial import services
from tests.factories import ArticleFactory, UserFactory

HEADERS = cache.TAG_HEADERS


class PurgeRecorder(ThreadingHTTPServer):
    """A loopback node that answers PURGE as Varnish does and keeps the tags it was sent."""

    daemon_threads = True

    def __init__(self):
        self.purged: set[str] = set()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):
                recorder.purged.update(self.headers["xkey-purge"].split())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def purges(settings):
    node = PurgeRecorder()
    threading.Thread(target=node.serve_forever, daemon=True).start()
    settings.VARNISH_PURGE_URLS = [f"http://127.0.0.1:{node.server_address[1]}/"]
    yield node
    node.shutdown()
    node.server_close()


@pytest.fixture
def prolific(world, page_cache):
    """The world's author credited on 250 more live stories, all on one page of theirs."""
    page_cache.ARTICLES_PER_PAGE = 300
    stories = [
        ArticleFactory(
            headline=f"Harbour notebook {n}", section=world.section, authors=[world.author]
        )
        for n in range(250)
    ]
    cache.content_changed()
    return stories


def header_tags(response) -> set[str]:
    values = {response[name] for name in HEADERS}
    assert len(values) == 1, "xkey and Surrogate-Key differ"
    return set(values.pop().split())


def test_a_small_page_keeps_its_exact_tags(client, world, page_cache):
    response = client.get(world.urls["author"])
    tags = header_tags(response)
    assert {f"article:{world.article.pk}", f"article:{world.other.pk}"} <= tags
    assert f"author:{world.author.pk}" in tags
    assert not [tag for tag in tags if re.fullmatch(r"\w+:(\*|b\d+\.\d+)", tag)]
    assert edge.header_value(tags) == response["xkey"]  # under budget: as recorded


def test_a_page_listing_hundreds_of_stories_has_bounded_headers(client, world, prolific, settings):
    url = world.urls["author"]
    response = client.get(url)
    assert response.status_code == 200
    assert prolific[-1].headline in response.content.decode()
    for name in HEADERS:
        assert len(response[name].encode()) <= settings.EDGE_TAG_HEADER_MAX, name
    tags = header_tags(response)
    assert f"article:{prolific[0].pk}" not in tags  # collapsed: no row tags of its own
    assert "articles:list" in tags or "articles:*" in tags
    # Every story it lists is reached by the purge of that story's tag alone.
    for story in [world.article, world.other, *prolific]:
        assert edge.edge_tags([f"article:{story.pk}"]) & tags, story.pk
    # A served copy (a hit) carries the same bounded header.
    again = client.get(url)
    assert again[cache.STATUS_HEADER] == "HIT"
    assert header_tags(again) == tags


def test_publishing_an_edit_purges_the_collapsed_page(
    client, world, prolific, purges, django_capture_on_commit_callbacks
):
    url = world.urls["author"]
    tags = header_tags(client.get(url))
    story = Article.objects.get(pk=prolific[100].pk)
    story.headline = "Harbour notebook, corrected"
    with django_capture_on_commit_callbacks(execute=True):
        services.content_save(obj=story, by=UserFactory(is_staff=True, is_superuser=True))
    assert f"article:{story.pk}" in purges.purged
    assert purges.purged & tags, "the edit's purge misses the author page at the edge"
    # The app's own page cache kept the full tags: the page shows the edit at once.
    assert "Harbour notebook, corrected" in client.get(url).content.decode()


def test_the_edge_is_purged_after_the_commit_not_before(
    world, purges, django_capture_on_commit_callbacks
):
    """A purge sent before the commit makes Varnish fetch the page again from a database that
    does not show the change yet, and keep that copy: bench/workday.py saw Recent Articles
    without the new story for 2 s after every publication."""
    story = Article.objects.get(pk=world.article.pk)
    story.headline = "Tram line opens, with night services"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.content_save(obj=story, by=UserFactory(is_staff=True, is_superuser=True))
    assert purges.purged == set()  # the app's own cache was told already; the edge waits
    for callback in callbacks:
        callback()
    assert f"article:{story.pk}" in purges.purged


def test_every_purge_is_sent_again_after_the_repeat_delay(purges, settings):
    """The second purge drops a copy the edge fetched before the change committed and stored
    after the first purge (caching/edge.py)."""
    settings.EDGE_PURGE_REPEAT_SECONDS = 0.2
    edge.purge({"article:7"})
    assert "article:7" in purges.purged
    purges.purged.clear()
    deadline = time.monotonic() + 5
    while "article:7" not in purges.purged and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "article:7" in purges.purged


def test_purges_without_collapse_would_miss_the_page(world, prolific, client):
    """What the purge side adds is what reaches the page: the plain tags of the edit do not."""
    tags = header_tags(client.get(world.urls["author"]))
    story = prolific[7]
    before = Article.objects.get(pk=story.pk)
    after = Article.objects.get(pk=story.pk)
    after.dek = "A different dek."
    plain = cache_tags.change_tags(Article, before, after)
    assert plain and not plain & tags
    assert edge.edge_tags(plain) & tags


def test_bucket_and_kind_tags_are_deterministic():
    assert edge.bucket_tag("article:123", 64) == "article:b64.59"
    assert edge.bucket_tag("articles:list:section:2", 64) == "articles:list:section:2"
    assert edge.bucket_tag("all", 64) == "all"
    assert edge.kind_tag("articles:list:field:headline") == "articles:*"
    sent = edge.edge_tags(["article:123", "articles:list"])
    assert {"article:123", "article:b256.123", "article:b64.59", "article:b16.11"} <= sent
    assert {"article:*", "articles:list", "articles:*"} <= sent


def test_the_last_resort_keeps_only_kind_tags_and_purges_still_reach_it(settings):
    settings.EDGE_TAG_HEADER_MAX = 200
    tags = {f"articles:list:field:f{n}" for n in range(40)} | {f"article:{n}" for n in range(99)}
    value = edge.header_value(tags)
    assert len(value) <= 200
    assert set(value.split()) == {"article:*", "articles:*"}
    for tag in tags:
        assert edge.edge_tags([tag]) & set(value.split()), tag


def test_byline_row_tags_are_what_purges_a_role_change(client, world, page_cache):
    """``byline:N`` is no dead weight: changing a byline's role invalidates the byline's own
    tag and the ``role`` field tag, and the article page carries only the first."""
    tags = header_tags(client.get(world.urls["article"]))
    byline = Byline.objects.get(article=world.article)
    changed = Byline.objects.get(pk=byline.pk)
    changed.role = next(r for r in Byline.Role.values if r != byline.role)
    sent = edge.edge_tags(cache_tags.change_tags(Byline, byline, changed))
    assert sent & tags == {f"byline:{byline.pk}"}
