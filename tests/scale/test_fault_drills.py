"""Fault drills on real processes (issue 21): Redis killed and restarted, PostgreSQL cut.

Two production app servers (gunicorn, DEBUG=false, page cache on) run against a Redis of the
test's own (a redis-server on a free port, killed with SIGKILL and started again empty) and
a PostgreSQL database of its own reached through a TCP proxy in this process (cutting the
proxy is, to the app, the database server stopping). Reader threads request pages on both
servers and an editor adds an article every second through the admin, retrying any save
that did not answer "saved", the whole time. Each drill asserts: no 500; no stale page once
a change has committed, during the fault or after it; every save present exactly once;
recovery without restarting the app servers.

Slow (a minute or so): a few drills, each on its own ports and database, safe under xdist.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from .conftest import base_env, require, seed, start_servers, stop_servers
from .drills import Editor, Readers, count_headlines, wait_until
from .services import RedisServer, TcpProxy, redis_server_binary

pytestmark = pytest.mark.scale

# Pages every reader requests: the edited article on the home page, its own page, a feed.
READ = ["/", "/feed/", "/sitemap.xml"]


class Site:
    def __init__(self, servers, data, env, redis, proxy, direct_url):
        self.servers, self.data, self.env = servers, data, env
        self.redis, self.proxy, self.direct_url = redis, proxy, direct_url
        self.pids = [server.process.pid for server in servers]

    def editor(self, prefix: str) -> Editor:
        return Editor.signed_in(self, prefix)

    def assert_not_restarted(self) -> None:
        for server, pid in zip(self.servers, self.pids, strict=True):
            assert server.process.poll() is None and server.process.pid == pid, server.log_tail()


@pytest.fixture(scope="module")
def site(tmp_path_factory, static_root, postgres_database):
    require(bool(redis_server_binary()), "redis-server (apt-get install redis-server)")
    tmp = tmp_path_factory.mktemp("fault-drills")
    redis = RedisServer(tmp / "redis").start()
    upstream = urlsplit(postgres_database)
    proxy = TcpProxy((upstream.hostname, upstream.port or 5432)).start()
    through_proxy = f"postgres://postgres@127.0.0.1:{proxy.port}{upstream.path}"
    env = base_env(
        tmp,
        STATIC_ROOT=str(static_root),
        REDIS_URL=redis.url,
        DATABASE_URL=through_proxy,
        SERVE_MEDIA="true",
        CONN_MAX_AGE="60",
    )
    data = seed(env)
    servers = start_servers(env, tmp)
    try:
        yield Site(servers, data, env, redis, proxy, postgres_database)
    finally:
        stop_servers(servers)
        proxy.stop()
        redis.stop()


def five_hundreds(answers) -> list:
    return [a for a in answers if a.status >= 500 and a.status != 503]


def cache_hits(site: Site, path: str) -> bool:
    """Both servers answer ``path`` from the page cache again (a second request each)."""
    return all(
        server.get(path).status_code == 200
        and server.get(path).headers.get("X-Page-Cache") == "HIT"
        for server in site.servers
    )


def assert_saved_once(site: Site, editor: Editor) -> None:
    counts = count_headlines(site.direct_url, editor.prefix)
    for save in editor.saves:
        assert save.committed_at, f"{save.headline}: never saved ({save.attempts})"
        assert counts.get(save.headline) == 1, (save.headline, counts.get(save.headline))
    assert sum(counts.values()) == len(editor.saves)


def test_redis_killed_and_restarted_under_load(site):
    a, b = site.servers
    data = site.data
    pages = [*READ, data["live_url"]]
    for path in pages:  # cached on both servers (shared copy and each process's own)
        wait_until(lambda path=path: cache_hits(site, path), what=f"{path} cached")

    readers = Readers(site.servers, pages).start()
    editor = site.editor("Redis drill").start(interval=1.0)
    try:
        time.sleep(2)
        site.redis.kill()
        killed = time.monotonic()

        # The cache is away: every server still serves; health says degraded, not down.
        for server in site.servers:
            health = server.get("/healthz")
            assert health.status_code == 200 and health.json()["status"] == "degraded"
            assert server.get("/healthz/ready").status_code == 503
        # A headline changed while Redis is down shows at once, everywhere, and stays.
        headline = "Repaired cranes are back at work on the east quay"
        assert editor.edit_headline(data["live_pk"], headline) == 302, a.log_tail(80)
        readers.expect(pages[:2] + [data["live_url"]], headline, data["live_headline"])
        for server in site.servers:
            for path in (data["live_url"], "/"):
                page = server.get(path)
                assert page.status_code == 200 and headline in page.text, (server.name, path)
        wait_until(lambda: len([s for s in editor.saves if s.committed_at]) >= 3, what="saves")
        time.sleep(2)

        site.redis.start()  # the same port, empty
        restarted = time.monotonic()
        # Recovery without restarting the app: pages are cached again, health is ok.
        for path in pages:
            wait_until(lambda path=path: cache_hits(site, path), what=f"{path} cached again")
        for server in site.servers:
            wait_until(lambda server=server: server.get("/healthz/ready").status_code == 200)
        time.sleep(2)
    finally:
        editor.stop()
        readers.stop()

    during = readers.between(killed, restarted)
    assert during, "no reads while Redis was down"
    assert not five_hundreds(readers.answers), five_hundreds(readers.answers)[:5]
    assert {a.status for a in during} == {200}, sorted({a.status for a in during})
    assert not [a for a in readers.answers if a.stale], [a for a in readers.answers if a.stale][:5]
    assert not [s for s in editor.statuses() if s >= 500 or s == 0], editor.statuses()
    assert [s for s in editor.saves if s.committed_at and killed < s.committed_at < restarted]
    assert_saved_once(site, editor)
    for server in site.servers:  # and after: the edit everywhere, from the cache
        for path in (data["live_url"], "/"):
            assert headline in server.get(path).text
    site.assert_not_restarted()


def test_postgresql_cut_and_restored_under_load(site):
    a, b = site.servers
    data = site.data
    cached = ["/", "/feed/", data["live_url"]]
    for path in cached:
        wait_until(lambda path=path: cache_hits(site, path), what=f"{path} cached")
    uncached = "/search/?q=cranes"

    readers = Readers(site.servers, cached).start()
    editor = site.editor("Database drill").start(interval=1.0)
    try:
        time.sleep(2)
        site.proxy.cut()
        cut = time.monotonic()
        for server in site.servers:
            for path in cached:  # the cache still serves what it has
                page = server.get(path)
                assert page.status_code == 200, (server.name, path, page.status_code)
            page = server.get(uncached)  # the rest: a friendly "back in a moment"
            assert page.status_code == 503 and page.headers.get("Retry-After"), page.status_code
            assert server.get("/healthz").status_code == 503
        wait_until(lambda: any(s == 503 for s in editor.statuses()), what="a refused save")
        time.sleep(2)

        site.proxy.restore()
        restored = time.monotonic()
        for server in site.servers:
            wait_until(
                lambda server=server: server.get(uncached).status_code == 200, what="recovery"
            )
            assert server.get("/healthz/ready").status_code == 200
        wait_until(
            lambda: [s for s in editor.saves if s.committed_at and s.committed_at > restored],
            what="a save after the database came back",
        )
        headline = "Cranes back on the east quay, and busy"
        assert editor.edit_headline(data["live_pk"], headline) == 302, a.log_tail(80)
        readers.expect(cached, headline, "Repaired cranes are back")
        time.sleep(2)
    finally:
        editor.stop()
        readers.stop()

    during = readers.between(cut, restored)
    assert during and {a.status for a in during} == {200}, sorted({a.status for a in during})
    assert not five_hundreds(readers.answers), five_hundreds(readers.answers)[:5]
    assert not [a for a in readers.answers if a.stale], [a for a in readers.answers if a.stale][:5]
    assert set(editor.statuses()) <= {302, 503}, editor.statuses()
    assert_saved_once(site, editor)
    for server in site.servers:
        assert headline in server.get(data["live_url"]).text
    site.assert_not_restarted()
