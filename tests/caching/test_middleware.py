"""The page cache middleware's rules one by one, the generation's state, and the in-process
copy in front of a shared cache."""

import pytest
from django.http import HttpResponseNotFound, StreamingHttpResponse
from django.test import override_settings
from taggit.models import Tag

from articles.models import Article
from caching import cache

from .site import fresh, prime
from .test_invalidation import edit_article, publish_draft, rename_author, rename_tag

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
STATUS = cache.STATUS_HEADER


# --- the middleware's rules, one by one -----------------------------------------------------


def _middleware_with(response_factory):
    from caching.middleware import PageCacheMiddleware

    calls = []

    def get_response(request):
        calls.append(request)
        return response_factory()

    return PageCacheMiddleware(get_response), calls


def _html(**headers):
    from django.http import HttpResponse

    response = HttpResponse("<p>page</p>")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _with_cookie():
    response = _html()
    response.set_cookie("csrftoken", "x")
    return response


@pytest.mark.parametrize(
    "make_response",
    [
        lambda: _html(Cache_Control="private"),
        lambda: _html(Cache_Control="no-store"),
        lambda: _html(Cache_Control="no-cache, must-revalidate"),
        lambda: _html(Vary="Accept-Language"),
        _with_cookie,
        lambda: HttpResponseNotFound(),
        lambda: StreamingHttpResponse(iter([b"x"])),
    ],
    ids=["private", "no-store", "no-cache", "vary", "set-cookie", "404", "streaming"],
)
def test_responses_that_must_not_be_shared_are_not_stored(rf, make_response, db):
    middleware, calls = _middleware_with(make_response)
    middleware(rf.get("/somewhere/"))
    middleware(rf.get("/somewhere/"))
    assert len(calls) == 2


def test_a_plain_response_is_stored(rf, db):
    middleware, calls = _middleware_with(_html)
    middleware(rf.get("/somewhere/"))
    response = middleware(rf.get("/somewhere/"))
    assert len(calls) == 1
    assert response[STATUS] == "HIT"


def test_exempt_views_are_not_stored(rf, db):
    from caching.middleware import page_cache_exempt

    middleware, calls = _middleware_with(_html)

    @page_cache_exempt
    def view(request):
        return _html()

    for _ in range(2):
        request = rf.get("/somewhere/")
        middleware.process_view(request, view, (), {})
        middleware(request)
    assert len(calls) == 2


@pytest.mark.parametrize(
    "make_request",
    [
        lambda rf: rf.get("/somewhere/", HTTP_AUTHORIZATION="Basic eDp5"),
        lambda rf: rf.get("/somewhere/?preview=1"),
        lambda rf: rf.get("/admin/somewhere/"),
        lambda rf: rf.get("/healthz"),
        lambda rf: rf.get("/media/a.jpg"),
        lambda rf: rf.post("/somewhere/"),
    ],
    ids=["authorization", "preview-param", "admin", "healthz", "media", "post"],
)
def test_requests_that_skip_the_cache(rf, make_request, db):
    middleware, calls = _middleware_with(_html)
    middleware(make_request(rf))
    middleware(make_request(rf))
    assert len(calls) == 2


def test_tag_versions_only_grow(db):
    versions = [cache.next_version() for _ in range(100)]
    assert versions == sorted(set(versions))
    cache.state_cache().delete(cache.COUNTER_KEY)  # evicted: starts above every old value
    assert cache.next_version() > versions[-1]


def test_evicted_state_starts_a_new_generation(client, world):
    url = world.urls["article"]
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"
    cache.state_cache().delete(cache.tag_key(f"article:{world.article.pk}"))
    assert client.get(url)[STATUS] == "MISS"  # an evicted version never revives a page
    assert client.get(url)[STATUS] == "HIT"


def test_release_version_separates_pages(client, world, settings):
    url = world.urls["home"]
    client.get(url)
    settings.PAGE_CACHE_VERSION = "next-release"
    assert client.get(url)[STATUS] == "MISS"


def test_state_in_a_file_cache_is_shared_by_processes(client, world, settings, tmp_path):
    """Without Redis the generation lives in a file cache every local process reads."""
    settings.CACHES = {
        **settings.CACHES,
        "page-state": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "page-state"),
            "TIMEOUT": None,
        },
    }
    settings.PAGE_CACHE_STATE_ALIAS = "page-state"
    url = world.urls["article"]
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"
    # Another process bumps through the same files (a fresh cache object, same location).
    from django.core.cache.backends.filebased import FileBasedCache

    other = FileBasedCache(str(tmp_path / "page-state"), {"TIMEOUT": None})
    other.set(cache.tag_key(f"article:{world.article.pk}"), 10**18, timeout=None)
    assert client.get(url)[STATUS] == "MISS"


@override_settings(PAGE_CACHE_ENABLED=True)
def test_unrelated_apps_are_not_content(db):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from articles.models import Correction

    assert cache.is_content_model(Article)
    assert cache.is_content_model(Tag)
    assert cache.is_content_model(Correction)
    assert not cache.is_content_model(get_user_model())
    assert not cache.is_content_model(Session)


def test_pages_still_render_when_the_cache_is_away(client, world, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache server is restarting")

    monkeypatch.setattr(cache, "read_state", unreachable)
    response = client.get(world.urls["article"])
    assert response.status_code == 200
    assert world.article.headline in response.content.decode()


# --- the in-process copy in front of a shared cache -----------------------------------------


@pytest.mark.usefixtures("layered_cache")
def test_the_local_copy_serves_hits_without_the_shared_cache(
    client, world, django_assert_num_queries
):
    url = world.urls["article"]
    assert client.get(url)[STATUS] == "MISS"
    cache.page_cache().clear()  # only this process's copy is left
    with django_assert_num_queries(0):
        assert client.get(url)[STATUS] == "HIT"


@pytest.mark.usefixtures("layered_cache")
@pytest.mark.parametrize("change", [publish_draft, edit_article, rename_author, rename_tag])
def test_the_local_copy_never_outlives_a_change(client, world, change):
    prime(client, world.urls)
    needle = change(world)
    for name, url in world.urls.items():
        response = client.get(url)
        assert response.content == fresh(client, url).content, name
    assert any(needle in client.get(url).content.decode() for url in world.urls.values())


@pytest.mark.usefixtures("layered_cache")
def test_the_local_copy_follows_a_bump_from_another_process(client, world):
    url = world.urls["home"]
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"
    # Another server delivers an invalidation into the shared state (versions, then epoch).
    cache.state_cache().set(cache.tag_key("all"), 10**18, timeout=None)
    cache._bump_epoch()
    assert client.get(url)[STATUS] == "MISS"


@pytest.mark.usefixtures("layered_cache")
def test_the_local_copy_is_bounded(client, world, settings):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 2
    for url in list(world.urls.values())[:5]:
        client.get(url)
    assert len(cache.local_pages._entries) == 2


def test_no_local_copy_in_front_of_a_memory_cache(world):
    assert not cache.local_pages_enabled()


# --- fragments that follow the content generation -------------------------------------------


def test_the_generation_is_read_only_when_a_template_uses_it(rf, world):
    request = rf.get("/")
    context = cache.generation_context(request)
    assert not hasattr(request, "cache_version")
    assert str(context["content_generation"]) == cache.current_generation(request)
