"""Two app server processes sharing Redis: a change made through one is seen by the other.

Server B caches the site, an editor publishes through server A's admin, and B's very next
answers show the article: the page cache's generation lives in Redis, not in a process.
So do the shared fragments' (caching/fragments.py): "Recent Articles", stored by B before
the change and kept in B's memory too, is rendered anew on B's next page.
"""

import pytest

from .conftest import (
    AdminSession,
    base_env,
    flush_redis_prefix,
    seed,
    start_servers,
    stop_servers,
)

pytestmark = pytest.mark.scale


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_url, static_root):
    tmp_path = tmp_path_factory.mktemp("two-processes")
    env = base_env(
        tmp_path,
        STATIC_ROOT=str(static_root),
        REDIS_URL=redis_url,
        SERVE_MEDIA="true",
    )  # SQLite in tmp_path/var: one file both processes open
    data = seed(env)
    servers = start_servers(env, tmp_path)
    yield servers, data, env
    stop_servers(servers)
    flush_redis_prefix(redis_url, env["CACHE_KEY_PREFIX"])


def test_publish_on_one_server_is_seen_on_the_other(site):
    (a, b), data, env = site
    headline, url = data["draft_headline"], data["draft_url"]

    # B renders and caches the site as it is.
    for path in ["/", "/feed/"]:
        assert b.get(path).status_code == 200
        cached = b.get(path)
        assert cached.headers["X-Page-Cache"] == "HIT", path
        assert headline not in cached.text
    assert b.get(url).status_code == 404
    live_url = data["live_url"]
    for _ in range(2):  # stores the page and its shared fragments (Redis and B's memory)
        assert headline not in b.get(live_url).text

    editor = AdminSession(a)
    editor.login("chief", env["SEED_ADMIN_PASSWORD"])
    editor.run_action("articles/article", "publish_selected", [data["draft_pk"]])

    home = b.get("/")
    assert home.headers["X-Page-Cache"] == "MISS"
    assert headline in home.text
    assert headline in b.get(url).text
    assert headline in b.get("/feed/").text
    assert b.get("/").headers["X-Page-Cache"] == "HIT"
    other = b.get(live_url)
    # Its own part stays; only Recent Articles is rendered again (caching/assembly.py).
    assert other.headers["X-Page-Cache"] == "PARTIAL"
    recent = other.text.split('id="recent-articles"')[1].split("</section>")[0]
    assert headline in recent

    # And back: unpublishing on A takes it off B at once.
    editor.run_action("articles/article", "unpublish_selected", [data["draft_pk"]])
    assert b.get(url).status_code == 404
    assert headline not in b.get("/").text
    assert headline not in b.get("/feed/").text
    assert headline not in b.get(live_url).text
    editor.close()


def test_sessions_are_shared_and_staff_never_get_cached_pages(site):
    (a, b), data, env = site
    assert b.get("/").status_code == 200
    assert b.get("/").headers["X-Page-Cache"] == "HIT"
    editor = AdminSession(b)
    editor.login("chief", env["SEED_ADMIN_PASSWORD"])
    # Signed in on B, and so on A too: the session lives in Redis and the shared database.
    admin_on_a = editor.http.get(f"{a.base_url}/admin/", timeout=30)
    assert admin_on_a.status_code == 200 and "/admin/login/" not in admin_on_a.url
    for server in (a, b):
        response = editor.http.get(f"{server.base_url}/", timeout=30)
        assert response.headers["X-Page-Cache"] == "BYPASS"
        assert "no-store" in response.headers["Cache-Control"]
    assert b.get("/").headers["X-Page-Cache"] == "HIT"  # readers still get the cached page
    editor.close()
