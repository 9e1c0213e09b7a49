"""The edge cache for real: Debian's varnishd running deploy/varnish.vcl in front of the site.

pytest-django's ``live_server`` serves the site from a thread of this process, so the editors'
services called here commit to the database that server reads, and their purges
(caching/edge.py, ``VARNISH_PURGE_URLS``) reach the Varnish started for this module after
the commit, as in production. Varnish says what it did in ``X-Edge-Cache`` (HIT/MISS); the
page cache of the app behind it is on, as in production.

A missing varnishd (or xkey vmod) skips these tests on a developer's machine and fails them
under CI=true (``bash .ci/install-varnish`` installs both).
"""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from articles.models import Article
from editorial import services
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

from .varnish import INSTALL_HINT, REPO, Varnish, varnish_available, varnishd_params

pytestmark = [
    pytest.mark.varnish,
    pytest.mark.django_db(transaction=True),
    # One varnishd per module: under `pytest -n` these tests stay on one worker
    # (`--dist loadgroup`); with any distribution each worker has its own ports and dirs.
    pytest.mark.xdist_group("varnish"),
]

EVERYTHING = "all"  # the tag every public page carries (caching/tags.py)


def require_varnish() -> None:
    if varnish_available():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"varnishd with the xkey vmod is required in CI (CI=true); {INSTALL_HINT}.")
    pytest.skip(f"varnishd with the xkey vmod is not installed; {INSTALL_HINT}.")


@pytest.fixture(scope="module")
def varnish(live_server, tmp_path_factory):
    require_varnish()
    port = int(live_server.url.rsplit(":", 1)[1])
    edge = Varnish(tmp_path_factory.mktemp("varnish"), backend_port=port).start()
    yield edge
    edge.stop()


@pytest.fixture
def edge(varnish, settings):
    """The site as production runs it behind Varnish, and a Varnish that holds nothing yet."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.PAGE_CACHE_ENABLED = True
    settings.FRAGMENT_CACHE_ENABLED = True
    settings.PAGE_CACHE_S_MAXAGE = 600  # long enough that nothing here expires by itself
    settings.VARNISH_PURGE_URLS = [f"{varnish.base_url}/"]
    assert varnish.purge([EVERYTHING]).status == 200  # earlier tests' pages, same URLs
    return varnish


@pytest.fixture
def editor(transactional_db):
    """The editor-in-chief (a superuser: the role groups come from a data migration, which a
    transactional test's flush empties; their rules have their own tests)."""
    return UserFactory(username="chief", is_staff=True, is_superuser=True)


@pytest.fixture
def newsroom(transactional_db):
    """Two sections; a live story and a draft in the first, a live story in the second."""
    city, weather = SectionFactory(name="City Hall"), SectionFactory(name="Weather")
    author = AuthorFactory(name="Ines Okafor")
    live = ArticleFactory(headline="Tram line opens to the harbour", section=city, authors=[author])
    far = ArticleFactory(headline="Frost expected inland", section=weather, authors=[author])
    draft = ArticleFactory(
        headline="Council votes on the ferry budget",
        section=city,
        authors=[author],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    return {"city": city, "weather": weather, "live": live, "far": far, "draft": draft}


def cached(edge: Varnish, paths: dict[str, str]) -> None:
    """Request each page until Varnish holds it: the second answer is a hit."""
    for name, path in paths.items():
        first = edge.get(path)
        assert first.status == 200, (name, first.status, first.text[:300])
        second = edge.get(path)
        assert second.getheader("X-Edge-Cache") == "HIT", name
        assert int(second.getheader("Age")) >= 0, name
        assert second.text == first.text, name


def hits(edge: Varnish, paths: dict[str, str]) -> dict[str, str]:
    return {name: edge.get(path).getheader("X-Edge-Cache") for name, path in paths.items()}


def test_a_publish_purges_the_pages_that_show_the_story_and_keeps_the_others(
    edge, newsroom, editor
):
    draft = newsroom["draft"]
    affected = {
        "home": "/",
        "its section": newsroom["city"].get_absolute_url(),
    }
    unaffected = {"other section's feed": f"{newsroom['weather'].get_absolute_url()}feed/"}
    # Another story's page shows Recent Articles as an include (caching/includes.py): the
    # page stays in Varnish, the include is purged and fetched again.
    included = {"recent articles on another story": newsroom["live"].get_absolute_url()}
    cached(edge, affected | unaffected | included)
    assert "<esi:include" not in edge.get(included["recent articles on another story"]).text
    assert edge.get(draft.get_absolute_url()).status == 404
    for name, path in affected.items():
        assert draft.headline not in edge.get(path).text, name

    services.content_publish(obj=draft, by=editor)  # commits; the purge follows the commit

    story = edge.get(draft.get_absolute_url())
    assert story.status == 200 and draft.headline in story.text
    for name, path in affected.items():
        response = edge.get(path)
        assert response.getheader("X-Edge-Cache") == "MISS", name
        assert draft.headline in response.text, name
    assert hits(edge, unaffected) == dict.fromkeys(unaffected, "HIT")
    assert hits(edge, affected) == dict.fromkeys(affected, "HIT")  # and cached again
    for name, path in included.items():
        response = edge.get(path)
        assert response.getheader("X-Edge-Cache") == "HIT", name
        assert draft.headline in response.text, name
        assert "<esi:include" not in response.text, name


def test_a_draft_save_purges_nothing_and_a_live_edit_purges_its_pages(edge, newsroom, editor):
    live, draft = newsroom["live"], newsroom["draft"]
    pages = {
        "home": "/",
        "section": newsroom["city"].get_absolute_url(),
        "live story": live.get_absolute_url(),
        "other story": newsroom["far"].get_absolute_url(),
        "other section's feed": f"{newsroom['weather'].get_absolute_url()}feed/",
    }
    cached(edge, pages)

    draft.headline = "Council votes on the ferry budget, second draft"
    services.content_save(obj=draft, by=editor)
    assert hits(edge, pages) == dict.fromkeys(pages, "HIT")

    # The same path with a change readers see does purge: the test above would notice.
    live.refresh_from_db()
    live.headline = "Tram line opens to the harbour at last"
    services.content_save(obj=live, by=editor)
    response = edge.get(live.get_absolute_url())
    assert response.getheader("X-Edge-Cache") == "MISS"
    assert "opens to the harbour at last" in response.text
    assert edge.get(pages["other section's feed"]).getheader("X-Edge-Cache") == "HIT"


def test_purges_are_accepted_only_from_the_app_servers(edge, newsroom):
    home = {"home": "/"}
    cached(edge, home)

    # 127.0.0.2 is this machine too, but not in the VCL's app_servers ACL.
    refused = edge.purge([EVERYTHING], source_address="127.0.0.2")
    assert refused.status == 403
    assert hits(edge, home) == {"home": "HIT"}
    assert edge.request("PURGE", "/", source_address="127.0.0.1").status == 400  # no tags

    accepted = edge.purge([EVERYTHING], source_address="127.0.0.1")
    assert accepted.status == 200
    assert hits(edge, home) == {"home": "MISS"}


def test_a_page_a_scheduled_story_changes_is_not_kept_past_its_time(edge, newsroom, editor):
    draft = newsroom["draft"]
    cached(edge, {"home": "/"})  # held before the story is scheduled
    due = timezone.now() + timedelta(seconds=4)
    services.content_publish(obj=draft, by=editor, at=due)

    first = edge.get("/")
    assert draft.headline not in first.text
    assert first.getheader("X-Edge-Cache") == "MISS"  # the copy that did not know the time
    assert shared_max_age(first) <= 4, first.getheader("Cache-Control")
    assert "stale-while-revalidate=0" in first.getheader("Cache-Control")  # no grace either
    assert edge.get("/").getheader("X-Edge-Cache") == "HIT"  # kept until then

    # The app's own stored copy, served again later, is capped at the time left then.
    assert edge.purge([EVERYTHING]).status == 200
    time.sleep(1.5)
    left = (due - timezone.now()).total_seconds()
    again = edge.get("/")
    assert again.getheader("X-Page-Cache") == "HIT"
    assert shared_max_age(again) <= left, (again.getheader("Cache-Control"), left)

    # Nobody purges at that moment (no cron): Varnish must have let the page go by itself.
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 1.5)
    after = edge.get("/")
    assert draft.headline in after.text, after.getheader("X-Edge-Cache")


def shared_max_age(response) -> int:
    directives = dict(re.findall(r"([a-z-]+)=(\d+)", response.getheader("Cache-Control")))
    return int(directives["s-maxage"])


class ManyTagsBackend(ThreadingHTTPServer):
    """A backend whose one page carries 2,000 tags (about 25 KB) in ``xkey`` and again in
    ``Surrogate-Key``, as a busy author's page does: more than Varnish's default limits for
    one header line (8 KB) and for the whole header block (32 KB)."""

    daemon_threads = True
    tags = [f"article:{n}" for n in range(100_000, 102_000)]

    def __init__(self):
        tags = " ".join(self.tags)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                body = b"<p>many tags</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "public, max-age=60, s-maxage=600")
                self.send_header("xkey", tags)
                self.send_header("Surrogate-Key", tags)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def test_a_page_with_thousands_of_tags_is_served_and_purged_by_its_last_tag(tmp_path):
    """deploy/varnish.params: with Varnish's defaults this page was a 503 for every reader
    ("BogoHeader Header too long: xkey", FetchError "http format error")."""
    require_varnish()
    backend = ManyTagsBackend()
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    edge = Varnish(tmp_path / "varnish", backend_port=backend.server_address[1]).start()
    try:
        first = edge.get("/authors/busy/")
        assert first.status == 200, (first.status, first.text[:300])
        assert first.getheader("X-Edge-Cache") == "MISS"
        assert edge.get("/authors/busy/").getheader("X-Edge-Cache") == "HIT"
        assert edge.stats()["MAIN.fetch_failed"] == 0
        # xkey indexed the whole header, not a cut-off part: the last tag purges the page.
        assert edge.purge([ManyTagsBackend.tags[-1]]).reason == "Purged 1"
        assert edge.get("/authors/busy/").getheader("X-Edge-Cache") == "MISS"
    finally:
        edge.stop()
        backend.shutdown()
        backend.server_close()


def test_the_deploy_guide_starts_varnishd_with_every_parameter_of_deploy_varnish_params():
    guide = " ".join((REPO / "docs" / "deploy.md").read_text().split())
    params = varnishd_params()
    assert params, "deploy/varnish.params lists no parameter"
    for value in params[1::2]:
        assert f"-p {value}" in guide, f"docs/deploy.md does not pass -p {value} to varnishd"


def test_an_author_page_with_a_collapsed_tag_header_is_purged_by_an_edit(
    edge, newsroom, editor, settings, live_server
):
    """A prolific author's page sends bucket tags instead of one tag per story
    (EDGE_TAG_HEADER_MAX, caching/edge.py); the purge of an edit still drops it."""
    from urllib.request import urlopen

    settings.ARTICLES_PER_PAGE = 100
    settings.EDGE_TAG_HEADER_MAX = 1500  # what 60 stories need to pass, cheaply
    author = AuthorFactory(name="Tomas Lindqvist")
    stories = [
        ArticleFactory(headline=f"Harbour notebook {n}", section=newsroom["city"], authors=[author])
        for n in range(60)
    ]
    page = {"author": author.get_absolute_url()}
    with urlopen(f"{live_server.url}{page['author']}") as direct:  # the app, not Varnish
        xkey = direct.headers["xkey"]
    assert len(xkey) <= 1500 and f"article:{stories[30].pk} " not in f"{xkey} ", xkey
    cached(edge, page)
    assert edge.get(page["author"]).getheader("Surrogate-Key") is None  # not for readers

    story = Article.objects.get(pk=stories[30].pk)
    story.headline = "Harbour notebook, corrected"
    services.content_save(obj=story, by=editor)

    response = edge.get(page["author"])
    assert response.getheader("X-Edge-Cache") == "MISS"
    assert "Harbour notebook, corrected" in response.text


def test_a_live_edit_reaches_recent_articles_on_every_page_through_the_edge(edge, newsroom, editor):
    """Recent Articles is an include at the edge: editing a story in it purges the include,
    and home and another story's page show the new headline."""
    live = newsroom["live"]
    pages = {"home": "/", "other story": newsroom["far"].get_absolute_url()}
    cached(edge, pages)
    live.refresh_from_db()
    live.headline = "Tram line opens to the harbour, in spring"
    services.content_save(obj=live, by=editor)
    for name, path in pages.items():
        assert "opens to the harbour, in spring" in edge.get(path).text, name
