"""The page cache: hits cost no query, every content change refreshes every page, staff and
previews are never cached, and HTTP caching headers and 304s are right."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.http import HttpResponseNotFound, StreamingHttpResponse
from django.test import override_settings
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline
from caching import cache
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

from .conftest import fresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

STATUS = cache.STATUS_HEADER


def prime(client, urls):
    """Request every page twice; the second answer must come from the cache."""
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, name
        second = client.get(url)
        assert second[STATUS] == "HIT", name
        assert second.content == first.content, name


# --- hits -----------------------------------------------------------------------------------


def test_a_cached_page_costs_no_query(client, world, django_assert_num_queries):
    prime(client, world.urls)
    for url in world.urls.values():
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response[STATUS] == "HIT"


def test_first_request_renders_and_stores(client, world):
    url = world.urls["article"]
    first = client.get(url)
    assert first[STATUS] == "MISS"
    assert first.content == fresh(client, url).content
    assert client.get(url)[STATUS] == "HIT"


def test_head_is_served_from_the_cache(client, world):
    url = world.urls["home"]
    client.get(url)
    response = client.head(url)
    assert response.status_code == 200
    assert response[STATUS] == "HIT"


def test_query_strings_are_different_pages(client, world):
    home = world.urls["home"]
    client.get(home)
    assert client.get(f"{home}?page=1")[STATUS] == "MISS"
    assert client.get(home)[STATUS] == "HIT"


def test_without_the_setting_nothing_is_cached(client, world, settings):
    settings.PAGE_CACHE_ENABLED = False
    url = world.urls["article"]
    client.get(url)
    response = client.get(url)
    assert STATUS not in response
    assert "Cache-Control" not in response


# --- invalidation ---------------------------------------------------------------------------


def publish_draft(world):
    draft = ArticleFactory(
        headline="Night buses return",
        section=world.section,
        authors=[world.author],
        tags=["transport"],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    return "Night buses return"


def edit_article(world):
    world.article.headline = "Tram line reaches the harbour at last"
    world.article.save()
    return "Tram line reaches the harbour at last"


def unpublish_article(world):
    world.article.status = Article.Status.UNPUBLISHED
    world.article.save()
    return None


def delete_article(world):
    world.article.delete()
    return None


def rename_author(world):
    world.author.name = "Ines Okafor-Lind"
    world.author.save()
    return "Ines Okafor-Lind"


def add_byline(world):
    Byline.objects.create(
        article=world.article, author=AuthorFactory(name="Tomas Varga"), position=1
    )
    return "Tomas Varga"


def retitle_book(world):
    world.book.title = "Streets of Glass and Iron"
    world.book.save()
    return "Streets of Glass and Iron"


def change_purchase_link(world):
    link = world.book.purchase_links.get()
    link.label = "Buy from the corner shop"
    link.save()
    return "Buy from the corner shop"


def rename_section(world):
    world.section.name = "Town Hall"
    world.section.save()
    return "Town Hall"


def rename_tag(world):
    tag = Tag.objects.get(slug="transport")
    tag.name = "Transit"
    tag.save()
    return "Transit"


def tag_article(world):
    world.other.tags.add("transport")
    return "Library hours grow"


def untag_article(world):
    world.article.tags.clear()
    return None


def add_correction(world):
    from articles.models import Correction

    Correction.objects.create(article=world.article, text="An earlier version misdated the vote.")
    return None  # whether and where notes show is the article template's business


CHANGES = [
    publish_draft,
    edit_article,
    unpublish_article,
    delete_article,
    rename_author,
    add_byline,
    retitle_book,
    change_purchase_link,
    rename_section,
    rename_tag,
    tag_article,
    untag_article,
    add_correction,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_change_refreshes_every_page(client, world, change):
    """After any change no page comes from the cache, and each shows what the database says."""
    prime(client, world.urls)
    needle = change(world)
    shown = []
    for name, url in world.urls.items():
        response = client.get(url)
        assert response.get(STATUS) != "HIT", name
        assert response.status_code == fresh(client, url).status_code, name
        if response.status_code == 200:
            assert response.content == fresh(client, url).content, name
            if needle and needle in response.content.decode():
                shown.append(name)
    if needle:
        # The change is visible somewhere, so the pages really did change.
        assert shown, f"{needle!r} appears on no page"


@pytest.mark.parametrize(
    ("change", "pages"),
    [
        (publish_draft, ["home", "section", "tag", "author", "other article", "feed"]),
        (edit_article, ["home", "article", "section", "tag", "author", "other article", "feed"]),
        (rename_author, ["article", "author"]),
        (rename_section, ["article", "section"]),
        (rename_tag, ["article", "tag"]),
        (tag_article, ["tag"]),
    ],
    ids=lambda value: value.__name__ if callable(value) else "",
)
def test_the_change_shows_on_the_pages_that_list_it(client, world, change, pages):
    prime(client, world.urls)
    needle = change(world)
    for name in pages:
        if name not in world.urls:
            continue  # e.g. feeds before they exist
        assert needle in client.get(world.urls[name]).content.decode(), name


@pytest.mark.parametrize("change", [unpublish_article, delete_article], ids=lambda c: c.__name__)
def test_a_withdrawn_article_leaves_every_page(client, world, change):
    prime(client, world.urls)
    headline = world.article.headline
    article_url = world.urls["article"]
    change(world)
    assert client.get(article_url).status_code == 404
    for name in ["home", "section", "tag", "author", "other article", "feed"]:
        if name in world.urls:
            assert headline not in client.get(world.urls[name]).content.decode(), name


def test_a_change_made_outside_signals_is_not_seen_until_a_bump(client, world):
    """The cache really serves stored pages: the other tests would pass without one."""
    url = world.urls["article"]
    client.get(url)
    Article.objects.filter(pk=world.article.pk).update(headline="Quietly changed")
    assert "Quietly changed" not in client.get(url).content.decode()
    cache.content_changed()
    assert "Quietly changed" in client.get(url).content.decode()


def test_bump_waits_for_commit_too(client, world, django_capture_on_commit_callbacks):
    """A page rendered between a save and its commit must not outlive the commit."""
    with django_capture_on_commit_callbacks() as callbacks:
        world.article.headline = "Renamed in a transaction"
        world.article.save()
        generation = cache.state_cache().get(cache.GENERATION_KEY)
    assert callbacks, "no bump was scheduled for the commit"
    for callback in callbacks:
        callback()
    assert cache.state_cache().get(cache.GENERATION_KEY) != generation


def test_changes_to_unrelated_models_keep_the_cache(client, world):
    url = world.urls["home"]
    client.get(url)
    UserFactory(username="someone")
    assert client.get(url)[STATUS] == "HIT"


# --- scheduled publication ------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Move "now" forward without sleeping; the gate and the cache both read timezone.now."""
    real_now = timezone.now

    class Clock:
        offset = timedelta(0)

        def advance(self, **kwargs):
            self.offset += timedelta(**kwargs)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + clock.offset)
    return clock


def test_a_scheduled_article_appears_at_its_time(client, world, clock):
    scheduled = ArticleFactory(
        headline="Harbour festival begins",
        section=world.section,
        authors=[world.author],
        tags=["transport"],
        published_at=timezone.now() + timedelta(minutes=5),
    )
    urls = {name: world.urls[name] for name in ["home", "section", "tag", "author", "feed"]}
    prime(client, urls)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    for url in urls.values():
        assert "Harbour festival begins" not in client.get(url).content.decode()

    clock.advance(minutes=4, seconds=59)
    assert client.get(urls["home"])[STATUS] == "HIT"

    clock.advance(seconds=2)  # past the publication time; nothing was saved
    for name, url in urls.items():
        response = client.get(url)
        assert response[STATUS] == "MISS", name
        assert "Harbour festival begins" in response.content.decode(), name
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_the_next_scheduled_article_is_watched_after_the_first(client, world, clock):
    for minutes, headline in [(5, "First of two"), (10, "Second of two")]:
        ArticleFactory(
            headline=headline,
            section=world.section,
            authors=[world.author],
            published_at=timezone.now() + timedelta(minutes=minutes),
        )
    home = world.urls["home"]
    client.get(home)
    clock.advance(minutes=6)
    assert "First of two" in client.get(home).content.decode()
    assert client.get(home)[STATUS] == "HIT"
    clock.advance(minutes=5)
    assert "Second of two" in client.get(home).content.decode()


def test_no_schedule_means_no_query_per_hit(client, world, django_assert_num_queries):
    home = world.urls["home"]
    client.get(home)
    with django_assert_num_queries(0):
        assert client.get(home)[STATUS] == "HIT"


# --- staff, previews and private responses --------------------------------------------------


@pytest.fixture
def staff_client(client, db):
    staff = UserFactory(username="deskeditor", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="articles"))
    client.force_login(staff)
    return client


def test_staff_get_a_fresh_page_even_when_a_public_copy_is_cached(client, world, staff_client):
    from django.test import Client

    anonymous = Client()
    url = world.urls["article"]
    anonymous.get(url)
    # Change the row behind the cache's back: only a fresh render can show it.
    Article.objects.filter(pk=world.article.pk).update(headline="Desk-only rewrite")
    response = staff_client.get(url)
    assert response[STATUS] == "BYPASS"
    assert "Desk-only rewrite" in response.content.decode()
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control
    assert anonymous.get(url)[STATUS] == "HIT"


def test_staff_pages_are_never_stored(client, world, staff_client):
    from django.test import Client

    url = world.urls["article"]
    staff_client.get(url)
    anonymous = Client()
    first = anonymous.get(url)
    assert first[STATUS] == "MISS"
    assert "deskeditor" not in first.content.decode()
    assert "/admin/" not in first.content.decode()
    assert "private" not in first["Cache-Control"]


def test_a_session_cookie_bypasses_the_cache(client, world, settings):
    url = world.urls["home"]
    client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    response = client.get(url)
    assert response[STATUS] == "BYPASS"
    assert "no-store" in response["Cache-Control"]


def test_shared_previews_are_never_cached(client, world):
    from articles.models import PreviewLink

    draft = ArticleFactory(
        headline="Unreleased draft", status=Article.Status.DRAFT, published_at=None
    )
    link = PreviewLink.objects.create(article=draft, expires_at=timezone.now() + timedelta(days=1))
    url = link.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    assert "Unreleased draft" in first.content.decode()
    assert "no-store" in first["Cache-Control"]
    second = client.get(url)
    assert second.get(STATUS) != "HIT"
    link.revoked_at = timezone.now()
    link.save()
    assert "Unreleased draft" not in client.get(url).content.decode()


def test_the_admin_is_never_cached(client, world, staff_client):
    response = staff_client.get("/admin/")
    assert response.get(STATUS) != "HIT"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


# --- HTTP caching headers and conditional requests ------------------------------------------


def test_public_pages_carry_http_caching_headers(client, world, settings):
    for name, url in world.urls.items():
        for response in (client.get(url), client.get(url)):
            parts = {p.strip() for p in response["Cache-Control"].split(",")}
            assert "public" in parts, name
            assert f"max-age={settings.PAGE_CACHE_MAX_AGE}" in parts, name
            assert f"s-maxage={settings.PAGE_CACHE_S_MAXAGE}" in parts, name
            assert (
                f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}" in parts
            ), name
            digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            assert response["ETag"] == f'"{digest}"', name
            assert response["Last-Modified"].endswith(" GMT"), name


@pytest.mark.parametrize("cached", [False, True], ids=["miss", "hit"])
def test_if_none_match_answers_304(client, world, cached, django_assert_max_num_queries):
    url = world.urls["article"]
    etag = client.get(url)["ETag"]
    if not cached:
        cache.bump()
    with django_assert_max_num_queries(0 if cached else 20):
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]


def test_if_modified_since_answers_304(client, world):
    url = world.urls["home"]
    last_modified = client.get(url)["Last-Modified"]
    response = client.get(url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304


def test_a_stale_etag_gets_the_new_page(client, world):
    url = world.urls["article"]
    etag = client.get(url)["ETag"]
    edit_article(world)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_not_found_is_not_stored(client, world):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    assert client.get("/articles/no-such-story/").get(STATUS) != "HIT"


def test_posts_are_never_cached(client, world):
    url = world.urls["home"]
    client.get(url)
    response = client.post(url)
    assert response.get(STATUS) != "HIT"


# --- the middleware's rules, one by one -----------------------------------------------------


def _middleware_with(response_factory):
    from caching.cache import PageCacheMiddleware

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
    from caching.cache import page_cache_exempt

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


def test_a_generation_is_never_reused(db):
    generations = {cache.bump() for _ in range(100)}
    assert len(generations) == 100


def test_evicted_state_starts_a_new_generation(client, world):
    url = world.urls["article"]
    client.get(url)
    cache.state_cache().delete_many([cache.GENERATION_KEY, cache.NEXT_PUBLICATION_KEY])
    assert client.get(url)[STATUS] == "MISS"


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
    other.set(cache.GENERATION_KEY, "from-another-process", timeout=None)
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
        assert response[STATUS] != "HIT", name
        assert response.content == fresh(client, url).content, name
    assert any(needle in client.get(url).content.decode() for url in world.urls.values())


@pytest.mark.usefixtures("layered_cache")
def test_the_local_copy_follows_a_bump_from_another_process(client, world):
    url = world.urls["home"]
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"
    cache.state_cache().set(cache.GENERATION_KEY, "set-by-another-server", timeout=None)
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
    assert not hasattr(request, "content_generation")
    assert str(context["content_generation"]) == cache.current_generation(request)
