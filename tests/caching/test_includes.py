"""Edge includes (caching/includes.py): Varnish gets Recent Articles as an <esi:include> and
assembles it, so a publication purges one fragment there, not every article page. Readers and
anything that does not ask get the page with the list inline, byte for byte as before."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from caching import cache
from tests.factories import ArticleFactory, SectionFactory

from .site import fresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
STATUS = cache.STATUS_HEADER
EDGE = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}
INCLUDE = re.compile(r'<esi:include src="([^"]+)"/>')


@pytest.fixture
def stories(settings):
    """Five live stories, newest first, with Recent Articles showing two."""
    settings.RECENT_ARTICLES_COUNT = 2
    section = SectionFactory(name="Harbour")
    now = timezone.now()
    return [
        ArticleFactory(
            headline=f"Harbour story number {n}",
            section=section,
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(5)
    ]


def assembled(client, url: str) -> tuple[str, object]:
    """The page as the edge gets it, with each include replaced by what its URL answers."""
    response = client.get(url, **EDGE)
    body = response.content.decode()
    for src in INCLUDE.findall(body):
        part = client.get(src)
        assert part.status_code == 200, src
        body = body.replace(f'<esi:include src="{src}"/>', part.content.decode())
    return body, response


def test_the_edge_gets_recent_articles_as_an_include_that_makes_the_same_page(client, stories):
    url = stories[3].get_absolute_url()
    plain = client.get(url)
    assert "<esi:include" not in plain.content.decode()
    body, response = assembled(client, url)
    assert len(INCLUDE.findall(response.content.decode())) == 1
    assert "Recent Articles" not in response.content.decode()
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'
    assert "articles:list" not in response["xkey"].split()  # the list's tags are the part's
    assert body == plain.content.decode() == fresh(client, url).content.decode()
    src = INCLUDE.findall(response.content.decode())[0]
    part = client.get(src)
    assert "articles:list" in part["xkey"].split()
    assert part["X-Robots-Tag"] == "noindex"


def test_hits_and_misses_give_the_edge_the_same_variant(client, stories):
    url = stories[4].get_absolute_url()
    miss = client.get(url, **EDGE)
    hit = client.get(url, **EDGE)
    assert (miss[STATUS], hit[STATUS]) == ("MISS", "HIT")
    assert miss.content == hit.content and miss["ETag"] == hit["ETag"]
    assert hit["ETag"] != client.get(url)["ETag"]  # the inline page is other bytes


def test_older_stories_share_one_list_and_recent_ones_leave_themselves_out(client, stories):
    def src(article):
        return INCLUDE.findall(client.get(article.get_absolute_url(), **EDGE).content.decode())

    assert src(stories[3]) == src(stories[4])  # one fragment for every older story
    assert src(stories[0]) != src(stories[3])
    assert (
        stories[0].headline
        not in assembled(client, stories[0].get_absolute_url())[0].split("Recent Articles")[1]
    )


def test_a_publication_keeps_older_pages_for_the_edge_and_refreshes_the_list(client, stories):
    url = stories[4].get_absolute_url()
    client.get(url, **EDGE)
    new = ArticleFactory(headline="Ferry returns after the winter", section=stories[0].section)
    response = client.get(url, **EDGE)
    assert response[STATUS] == "HIT"  # only the include changed: the page goes as it is
    assert "articles:list" not in response["xkey"].split()
    body, _ = assembled(client, url)
    assert new.headline in body
    assert body == fresh(client, url).content.decode()


def test_a_story_that_moves_up_when_newer_ones_leave_does_not_list_itself(client, stories):
    """The shared list was right for story 3 because it was too old to be in it; when two
    newer stories are unpublished it moves up, and its page must leave itself out."""
    url = stories[3].get_absolute_url()
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"
    for story in stories[:2]:
        story.status = Article.Status.DRAFT
        story.save()
    page = client.get(url).content.decode()
    assert page == fresh(client, url).content.decode()
    assert stories[3].headline not in page.split("Recent Articles")[1]


def test_a_part_keeps_its_address_from_one_render_to_the_next(client, stories, settings):
    url = stories[4].get_absolute_url()
    first = INCLUDE.findall(client.get(url, **EDGE).content.decode())
    cache.content_changed()  # rendered again, a moment later
    assert INCLUDE.findall(client.get(url, **EDGE).content.decode()) == first


def test_a_made_up_part_address_is_a_404(client, stories):
    src = INCLUDE.findall(client.get(stories[4].get_absolute_url(), **EDGE).content.decode())[0]
    assert client.get(src.replace("/_parts/", "/_parts/x")).status_code == 404
    assert client.get("/_parts/not-a-token/").status_code == 404
