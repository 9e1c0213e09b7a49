"""Each process's copy of the tags' versions (caching/mirror.py), with the state outside the
process as in production: in files (no Redis) and in a real Redis (the script that writes
versions, epoch and log entry at once). A check reads the epoch and what the copy lacks;
every change of the invalidation matrix is still seen; a lost log entry or epoch drops the
copy rather than serve a stale page."""

import os
import uuid

import pytest

from caching import cache, mirror

from . import test_invalidation as matrix
from .site import fresh, prime
from .test_invalidation import CHANGES, edit_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("layered_cache")]
STATUS = cache.STATUS_HEADER
REDIS_URL = os.environ.get("CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture(params=["files", "redis"])
def state(request, settings, tmp_path):
    """The tag versions in a store outside the process, named ``state``."""
    if request.param == "redis":
        if not _redis_available():
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"Redis at {REDIS_URL} is required in CI (CI=true)")
            pytest.skip(f"Redis at {REDIS_URL} is not available")
        backend = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"mirror-test-{uuid.uuid4().hex}",  # one per test and xdist worker
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "state"),
        }
    settings.CACHES = {**settings.CACHES, "state": backend}
    settings.PAGE_CACHE_STATE_ALIAS = "state"
    mirror.mirror.clear()
    assert mirror.enabled(cache.state_cache())
    cache.content_changed()  # an epoch to start from, as on a site that has been up a while
    yield request.param
    store = cache.state_cache()
    if request.param == "redis":
        store.delete_pattern("*")  # this test's prefix only: clear() would empty the database
    else:
        store.clear()
    mirror.mirror.clear()


@pytest.fixture
def fetched(monkeypatch, state):
    """The keys each read of the state store fetches."""
    calls: list[list[str]] = []
    store = cache.state_cache()
    original = store.get_many

    def spy(keys, *args, **kwargs):
        calls.append(list(keys))
        return original(keys, *args, **kwargs)

    monkeypatch.setattr(store, "get_many", spy)
    return calls


def _tag_keys(calls) -> list[str]:
    return [key for keys in calls for key in keys if key.startswith(cache.TAG_KEY_PREFIX)]


def test_an_unrelated_invalidation_costs_a_hit_the_log_entry_not_its_tags(fetched, client, world):
    url = world.urls["article"]
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"
    cache.invalidate({"book:999999"})
    fetched.clear()
    assert client.get(url)[STATUS] == "HIT"
    # The epoch and schedule, then the one log entry: none of the page's own tags again.
    assert _tag_keys(fetched) == []
    assert [key for keys in fetched for key in keys if key.startswith(mirror.LOG_KEY_PREFIX)]
    fetched.clear()
    other = world.urls["other article"]
    client.get(other)  # a page this process never checked: its tags are read...
    assert _tag_keys(fetched)
    client.get(other)  # (and those that had no version yet, once they have one)
    fetched.clear()
    assert client.get(other)[STATUS] == "HIT"
    assert _tag_keys(fetched) == []  # ...and then held


def test_a_change_is_read_again_from_the_log(fetched, client, world):
    url = world.urls["article"]
    client.get(url)
    client.get(url)
    needle = edit_article(world)
    fetched.clear()
    response = client.get(url)
    assert response[STATUS] == "MISS"
    assert needle in response.content.decode()
    assert response.content == fresh(client, url).content
    # Only what the log said changed is read again, not the page's other tags.
    changed = set(_tag_keys(fetched))
    assert cache.tag_key(f"article:{world.article.pk}") in changed


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_change_is_seen_through_the_copies_of_the_versions(state, client, world, change):
    """The invalidation matrix with the versions held by this process: every page after the
    change equals a fresh render, the unaffected ones stay hits."""
    prime(client, world.urls)
    prime(client, world.urls)
    matrix.test_every_page_after_a_change_is_what_the_database_says(client, world, change)


def test_a_lost_log_entry_drops_the_copy_and_serves_nothing_stale(state, client, world):
    url = world.urls["article"]
    client.get(url)
    client.get(url)
    resets = mirror.mirror.resets
    needle = edit_article(world)
    epoch = cache.state_cache().get(cache.EPOCH_KEY)
    cache.state_cache().delete(mirror.log_key(epoch))  # evicted, or not written yet
    response = client.get(url)
    assert needle in response.content.decode()
    assert response.content == fresh(client, url).content
    assert mirror.mirror.resets == resets + 1


def test_a_lost_epoch_drops_the_copy(state, client, world):
    url = world.urls["article"]
    client.get(url)
    client.get(url)
    cache.state_cache().delete(cache.EPOCH_KEY)  # a flushed or restarted Redis
    needle = edit_article(world)  # starts the epoch again, far above the last one
    response = client.get(url)
    assert needle in response.content.decode()
    assert response.content == fresh(client, url).content


def test_versions_read_at_another_epoch_are_not_kept(state):
    """A version read together with epoch 5 must not enter a copy that is at epoch 6: the
    invalidation between them may have changed it, and the copy would never learn."""
    copy = mirror.Mirror()
    copy.epoch = 6
    copy._keep(5, {"tag:article:1": 10})
    assert copy.versions.get("tag:article:1") is None
    copy._keep(6, {"tag:article:1": 10})
    assert copy.versions.get("tag:article:1") == 10


def test_the_log_entry_names_the_invalidated_tags(state):
    cache.invalidate({"article:7", "articles:list"})
    store = cache.state_cache()
    epoch = store.get(cache.EPOCH_KEY)
    assert set(store.get(mirror.log_key(epoch))) == {
        cache.tag_key("article:7"),
        cache.tag_key("articles:list"),
    }
    version = store.get(cache.tag_key("article:7"))
    assert version == store.get(cache.tag_key("articles:list")) == store.get(cache.COUNTER_KEY)


def test_a_render_reads_the_epoch_once_not_once_per_fragment(fetched, client, world):
    """With the shared fragments stored and held, a page rendered again checks each of them
    against the copy at the epoch its request read: one round trip for the state, not one per
    fragment (the article page checks a dozen)."""
    from caching import middleware

    url = world.urls["article"]
    client.get(url)
    client.get(url)  # versions of the fragments' tags now held
    cache.page_cache().delete(middleware.page_key_for_path(url))
    cache.local_pages.clear()
    fetched.clear()
    response = client.get(url)
    assert response[STATUS] == "MISS"
    assert response.content == fresh(client, url).content
    epoch_reads = [keys for keys in fetched if cache.EPOCH_KEY in keys]
    assert len(epoch_reads) == 1, fetched
