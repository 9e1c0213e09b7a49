"""The caches when their server is away (issue 21): pages render from the database, a save
commits without an error, and no page that the save made stale is served afterwards — from
the shared cache or from a process's own copy. And ``clear_caches`` empties every layer."""

import pytest
from django.core.management import call_command

from articles.models import Article
from caching import cache
from caching.models import PendingInvalidation
from tests.factories import ArticleFactory, image_file

from .site import fresh, prime

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
STATUS = cache.STATUS_HEADER


class Unreachable:
    """A cache whose server is down: every call fails as django-redis does."""

    def close(self, **kwargs):
        """Closing connections to a dead server is quiet, as with django-redis."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return fail


@pytest.fixture
def outage(monkeypatch):
    """Every cache (pages, fragments, tag versions, the feeds' size cache) goes away when the
    test sets ``outage.on`` and comes back at ``outage.end()``."""
    from django.core import cache as django_cache

    real = django_cache.caches.__class__.__getitem__

    class Outage:
        on = False

        def end(self):
            self.on = False

    state = Outage()

    def getitem(self, alias):
        return Unreachable() if state.on else real(self, alias)

    monkeypatch.setattr(django_cache.caches.__class__, "__getitem__", getitem)
    import articles.feeds

    real_default = articles.feeds.cache
    monkeypatch.setattr(
        articles.feeds,
        "cache",
        type(
            "Proxy",
            (),
            {"__getattr__": lambda s, n: getattr(Unreachable() if state.on else real_default, n)},
        )(),
    )
    yield state
    state.end()


def test_feeds_render_from_the_database_while_the_cache_is_away(client, world, outage):
    article = ArticleFactory(headline="Harbour with a picture", section=world.section)
    article.featured_image.save("harbour.jpg", image_file(name="harbour.jpg"), save=True)
    outage.on = True
    for name in ["feed", "atom feed", "section feed", "home", "article"]:
        if name in world.urls:
            response = client.get(world.urls[name])
            assert response.status_code == 200, name
            assert response.get(STATUS) != "HIT", name


@pytest.mark.parametrize("layered", [False, True], ids=["shared cache", "with local copies"])
def test_a_save_during_an_outage_commits_and_leaves_no_stale_page(
    client, world, outage, request, layered
):
    if layered:
        request.getfixturevalue("layered_cache")
    prime(client, world.urls)
    outage.on = True
    world.article.headline = "Written while the cache was away"
    world.article.save()  # must not raise: the row is committed
    assert Article.objects.get(pk=world.article.pk).headline == world.article.headline
    assert PendingInvalidation.objects.exists()
    during = client.get(world.urls["article"])
    assert during.status_code == 200
    assert world.article.headline in during.content.decode()
    outage.end()
    for name, url in world.urls.items():
        response = client.get(url)
        assert response.content == fresh(client, url).content, name
    assert not PendingInvalidation.objects.exists()  # delivered, then forgotten
    assert client.get(world.urls["other article"])[STATUS] == "HIT"


def test_another_process_delivers_what_a_failed_save_kept(client, world):
    """A kept invalidation in the database is delivered by a process that saw the outage."""
    prime(client, world.urls)
    Article.objects.filter(pk=world.article.pk).update(headline="Saved during the outage")
    PendingInvalidation.objects.create(tags=[f"article:{world.article.pk}"])
    cache.cache_failed()  # this process saw the cache fail meanwhile
    response = client.get(world.urls["article"])
    assert "Saved during the outage" in response.content.decode()


def test_clear_caches_empties_every_layer(client, world, layered_cache):
    prime(client, world.urls)
    Article.objects.filter(pk=world.article.pk).update(headline="Restored from a backup")
    assert "Restored from a backup" not in client.get(world.urls["article"]).content.decode()
    call_command("clear_caches")
    for name, url in world.urls.items():
        response = client.get(url)
        assert response.get(STATUS) != "HIT", name
        assert response.content == fresh(client, url).content, name
