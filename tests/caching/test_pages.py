"""The page cache's hits cost no query; staff and previews are never cached; HTTP caching
headers and 304s are right."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.models import Article
from caching import cache
from tests.factories import ArticleFactory, UserFactory

from .site import fresh, prime
from .test_invalidation import edit_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
STATUS = cache.STATUS_HEADER


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


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_stale_cookie_still_gets_the_cached_page(client, world, settings, cookie):
    """A reader's browser keeps a sessionid or messages cookie that names nothing: that is no
    reason to render the page again (issue 15: it cost 5x a hit)."""
    url = world.urls["home"]
    client.get(url)
    name = settings.SESSION_COOKIE_NAME if cookie == "sessionid" else cookie
    client.cookies[name] = "not-a-real-session"
    assert client.get(url)[STATUS] == "HIT"


def test_a_signed_in_session_bypasses_the_cache(client, world, staff_client):
    response = staff_client.get(world.urls["home"])
    assert response[STATUS] == "BYPASS"
    assert "no-store" in response["Cache-Control"]


def test_a_disallowed_host_is_refused_before_the_cache_answers(client, world):
    url = world.urls["home"]
    assert client.get(url)[STATUS] == "MISS"
    assert client.get(url)[STATUS] == "HIT"
    assert client.get(url, HTTP_HOST="evil.example").status_code == 400


def test_shared_previews_are_never_cached(client, world):
    from editorial.models import PreviewLink

    draft = ArticleFactory(
        headline="Unreleased draft", status=Article.Status.DRAFT, published_at=None
    )
    link = PreviewLink.issue(content_object=draft, expires_at=timezone.now() + timedelta(days=1))
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
        cache.content_changed()
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
