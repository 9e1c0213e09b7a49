"""A page this process has checked is checked again only when an invalidation has been
delivered since (the epoch, caching/cache.py): a hit reads two keys, never a stale page."""

import pytest

from caching import cache

from . import test_invalidation as matrix
from .site import fresh, prime
from .test_invalidation import CHANGES, edit_article, publish_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("layered_cache")]
STATUS = cache.STATUS_HEADER


@pytest.fixture
def reads(monkeypatch):
    """The keys each ``read_state`` asks for."""
    calls: list[list[str]] = []
    original = cache.read_state

    def spy(tags=(), extra_keys=()):
        calls.append([*extra_keys, *(cache.tag_key(tag) for tag in tags)])
        return original(tags, extra_keys)

    monkeypatch.setattr(cache, "read_state", spy)
    return calls


def test_a_checked_page_costs_two_keys(client, world, reads):
    url = world.urls["article"]
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"  # checked against every tag
    reads.clear()
    assert client.get(url)[STATUS] == "HIT"
    assert reads == [[cache.EPOCH_KEY]]  # plus the schedule, which read_state adds


@pytest.mark.parametrize("change", [edit_article, publish_draft], ids=lambda c: c.__name__)
def test_any_invalidation_moves_the_epoch_and_the_page_is_checked_again(
    client, world, reads, change
):
    url = world.urls["article"]
    client.get(url)
    client.get(url)
    change(world)
    reads.clear()
    response = client.get(url)
    assert response[STATUS] in {"MISS", "PARTIAL"}
    assert response.content == fresh(client, url).content
    assert len(reads[-1]) > 2 or len(reads) > 1


def test_an_unrelated_invalidation_checks_the_tags_and_keeps_the_page(client, world, reads):
    url = world.urls["article"]
    client.get(url)
    client.get(url)
    cache.invalidate({"book:999999"})
    reads.clear()
    assert client.get(url)[STATUS] == "HIT"
    assert reads[0] == [cache.EPOCH_KEY] and len(reads[1]) > 2  # then the tags
    reads.clear()
    assert client.get(url)[STATUS] == "HIT"
    assert reads == [[cache.EPOCH_KEY]]


def test_a_lost_epoch_means_a_full_check(client, world, reads):
    url = world.urls["article"]
    client.get(url)
    client.get(url)
    cache.state_cache().delete(cache.EPOCH_KEY)
    reads.clear()
    assert client.get(url)[STATUS] == "HIT"
    assert len(reads[-1]) > 2


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_change_is_seen_through_the_checked_local_copies(client, world, change):
    """The invalidation matrix again, with each process's local copies and the epoch: every
    page after the change equals a fresh render, the unaffected ones stay hits."""
    prime(client, world.urls)
    prime(client, world.urls)  # every page now checked once: the epoch decides
    matrix.test_every_page_after_a_change_is_what_the_database_says(client, world, change)
