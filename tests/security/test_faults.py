"""Faults: a failed save leaves nothing behind, a lost database gives a 503 and recovers, and
/healthz tells the load balancer the truth."""

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection
from django.db import transaction as db_transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version
from taggit.models import TaggedItem

from articles.models import Article, Byline
from images.uploads import discard_files_on_rollback
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

from .helpers import admin_form_data, jpeg_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ADD_URL = reverse("admin:articles_article_add")


def media_files(settings) -> list[Path]:
    """Every file under the public media folder and the private one (originals)."""
    return _files(settings.MEDIA_ROOT) + _files(settings.PRIVATE_MEDIA_ROOT)


def _files(folder) -> list[Path]:
    root = Path(folder)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class FailOn:
    """A database execute wrapper that raises ``error`` on the first statement matching."""

    def __init__(self, fragment: str, error: type[Exception]):
        self.fragment = fragment
        self.error = error
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and self.fragment in sql:
            self.fired = True
            raise self.error(f"injected failure on {self.fragment}")
        return execute(sql, params, many, context)


@pytest.fixture
def editor_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def article_post(editor_client):
    """The admin's add form, filled in with tags, a byline and an image."""
    author = AuthorFactory()
    section = SectionFactory(name="News")

    def build():
        data = admin_form_data(editor_client.get(ADD_URL).content.decode())
        data.update(
            {
                "headline": "Ferry timetable changes in spring",
                "section": str(section.pk),
                "tags": ["ferries", "transport"],
                "body": "<p>New times from April.</p>",
                "featured_image_alt": "A ferry leaving the quay in fog",
                "bylines-0-author": str(author.pk),
                "featured_image": ContentFile(jpeg_bytes((1800, 1200)), name="ferry.jpg"),
            }
        )
        return data

    return build


def test_a_complete_save_keeps_everything(editor_client, article_post, settings):
    response = editor_client.post(ADD_URL, article_post())
    assert response.status_code == 302, response.content[:500]
    article = Article.objects.get()
    assert article.bylines.count() == 1
    assert sorted(article.tags.names()) == ["ferries", "transport"]
    files = media_files(settings)
    assert Path(settings.PRIVATE_MEDIA_ROOT, article.featured_image.name) in files
    assert len(files) > 1, "renditions should have been made"


@pytest.mark.parametrize(
    "table",
    [
        'INSERT INTO "articles_article"',
        'INSERT INTO "articles_byline"',
        'INSERT INTO "taggit_taggeditem"',
        'INSERT INTO "reversion_version"',
    ],
)
@pytest.mark.parametrize(
    "error, status",
    [(OperationalError, 503), (IntegrityError, 500)],
    ids=["connection-lost", "constraint"],
)
def test_a_failed_save_leaves_no_article_and_no_file(
    editor_client, article_post, settings, table, error, status
):
    data = article_post()
    failure = FailOn(table, error)
    with connection.execute_wrapper(failure):
        response = editor_client.post(ADD_URL, data)
    assert failure.fired, f"the save never reached {table}"
    assert response.status_code == status
    assert Article.objects.count() == 0
    assert Byline.objects.count() == 0
    assert TaggedItem.objects.count() == 0
    assert Version.objects.count() == 0
    assert media_files(settings) == []


def test_a_failed_edit_keeps_the_old_image_and_drops_the_new(editor_client, settings):
    article = ArticleFactory(featured_image=ContentFile(jpeg_bytes(), name="old.jpg"))
    old_name = article.featured_image.name
    with discard_files_on_rollback(), pytest.raises(RuntimeError), db_transaction.atomic():
        article.featured_image = ContentFile(jpeg_bytes((900, 600)), name="new.jpg")
        article.save()
        new_name = article.featured_image.name
        raise RuntimeError("the rest of the save failed")
    article.refresh_from_db()
    assert article.featured_image.name == old_name
    names = {str(path.relative_to(settings.MEDIA_ROOT)) for path in _files(settings.MEDIA_ROOT)}
    names |= {
        str(path.relative_to(settings.PRIVATE_MEDIA_ROOT))
        for path in _files(settings.PRIVATE_MEDIA_ROOT)
    }
    assert old_name in names
    assert new_name not in names
    assert not any("new-" in name for name in names), names  # nor its renditions


def test_a_committed_save_inside_the_scope_is_kept(settings):
    with discard_files_on_rollback(), db_transaction.atomic():
        article = ArticleFactory(featured_image=ContentFile(jpeg_bytes(), name="keep.jpg"))
    assert Path(settings.PRIVATE_MEDIA_ROOT, article.featured_image.name).exists()


def test_files_are_kept_when_the_database_cannot_say(settings):
    """If the check itself fails (the database is gone) an orphan beats a lost image."""
    database_gone = mock.patch(
        "django.db.models.query.QuerySet.exists", side_effect=OperationalError("gone")
    )
    try:
        with (
            discard_files_on_rollback(),
            pytest.raises(RuntimeError),
            db_transaction.atomic(),
        ):
            article = ArticleFactory(featured_image=ContentFile(jpeg_bytes(), name="unsure.jpg"))
            database_gone.start()
            raise RuntimeError("the save failed, and so will the check")
    finally:
        database_gone.stop()
    assert Path(settings.PRIVATE_MEDIA_ROOT, article.featured_image.name).exists()


# --- /healthz -----------------------------------------------------------------------------


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
        "degraded": [],
    }
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.get("/healthz/ready").status_code == 200


def test_healthz_reports_a_database_failure(client):
    with connection.execute_wrapper(FailOn("SELECT 1", OperationalError)):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "error: OperationalError", "cache": "ok"}
    assert "injected" not in response.content.decode()  # details go to the log only


@pytest.mark.parametrize(
    "patch",
    [
        {"target": "django.core.cache.cache.set", "side_effect": ConnectionError("redis down")},
        {"target": "django.core.cache.cache.get", "return_value": None},
    ],
    ids=["cache-raises", "cache-forgets"],
)
def test_healthz_reports_a_cache_failure_as_degraded_not_down(client, patch):
    """Pages still render from the database without the cache: stay in rotation (issue 21)."""
    with mock.patch(**patch):
        response = client.get("/healthz")
        ready = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["degraded"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("error")
    assert ready.status_code == 503  # the strict readiness detail says so
    assert ready.json()["degraded"] == ["cache"]


def test_healthz_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


# --- 503 while the database is away -------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_errors_in_a_view_become_a_friendly_503(error):
    client = Client(raise_request_exception=False)
    ArticleFactory()
    with connection.execute_wrapper(FailOn('FROM "articles_article"', error)):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Back in a moment" in response.content.decode()
    assert response["Content-Security-Policy"]  # still behind the same headers
    assert response["X-Content-Type-Options"] == "nosniff"


def test_database_errors_in_middleware_become_a_503():
    """A failure below the view (here the redirects fallback on a 404) is caught too."""
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.redirects.middleware.RedirectFallbackMiddleware.process_response",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/articles/no-such-article/")
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_other_errors_stay_500():
    client = Client(raise_request_exception=False)
    with mock.patch("articles.views.HomeView.get", side_effect=ValueError("a bug")):
        response = client.get("/")
    assert response.status_code == 500


def test_the_503_page_needs_no_database(settings):
    from newsroom.middleware import database_unavailable_response

    with connection.execute_wrapper(FailOn("", DatabaseError)):
        response = database_unavailable_response()
    assert response.status_code == 503
    assert settings.SITE_NAME in response.content.decode()


# --- The database really going away ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_wsgi_script(script: str, env_extra: dict) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings", "PAGE_CACHE": "false"})
    env.update(env_extra)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


WSGI_HELPERS = """
    import io, json, sys
    import django
    django.setup()
    from newsroom.wsgi import application

    def get(path):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        captured = {}
        def start_response(status, headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(headers)
        result = application(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()  # as a WSGI server does: ends the request, checks connections
        return {
            "status": captured["status"],
            "retry_after": captured["headers"].get("Retry-After"),
            "friendly": b"Back in a moment" in body,
        }
"""


def test_unreachable_database_answers_503_through_wsgi(tmp_path):
    """DATABASE_URL points at a closed port: every page is a friendly 503, health says so."""
    port = _free_port()
    results = _run_wsgi_script(
        WSGI_HELPERS
        + """
    print(json.dumps({"home": get("/"), "article": get("/articles/any/"),
                      "health": get("/healthz")}))
    """,
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/newsroom",
            "NEWSROOM_VAR_DIR": str(tmp_path / "var"),
            "LOG_LEVEL": "CRITICAL",
        },
    )
    for name in ("home", "article"):
        assert results[name] == {"status": 503, "retry_after": "30", "friendly": True}, name
    assert results["health"]["status"] == 503


@pytest.mark.postgres
def test_site_recovers_by_itself_when_the_database_comes_back(tmp_path):
    """The database disappears (every connection cut, new ones refused) and comes back.

    Restarting the shared PostgreSQL server would disturb everyone using it, so a TCP proxy
    in the subprocess stands in for it: stopping the proxy is, to Django, the server going
    away. The persistent connection (CONN_MAX_AGE) breaks; CONN_HEALTH_CHECKS must replace
    it without a restart of the app.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")
    db = connection.settings_dict
    results = _run_wsgi_script(
        """
    import socket, threading, time

    class Proxy:
        def __init__(self, upstream):
            self.upstream = upstream
            self.port = None
            self.sockets = []

        def start(self):
            self.listener = socket.socket()
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("127.0.0.1", self.port or 0))
            self.port = self.listener.getsockname()[1]
            self.listener.listen(16)
            threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

        def accept(self, listener):
            while True:
                try:
                    client, _ = listener.accept()
                except OSError:
                    return
                server = socket.create_connection(self.upstream)
                self.sockets += [client, server]
                for a, b in ((client, server), (server, client)):
                    threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

        @staticmethod
        def pump(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        def stop(self):
            try:
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            except OSError:
                pass
            self.listener.close()
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.sockets = []
            time.sleep(0.2)

    import os
    proxy = Proxy((os.environ["UPSTREAM_HOST"], int(os.environ["UPSTREAM_PORT"])))
    proxy.start()
    os.environ["DATABASE_URL"] = (
        f"postgres://{os.environ['DB_USER']}@127.0.0.1:{proxy.port}/{os.environ['DB_NAME']}"
    )
    """
        + WSGI_HELPERS
        + """
    steps = {}
    steps["up"] = [get("/healthz"), get("/articles/probe-1/"), get("/")]
    proxy.stop()
    steps["down"] = [get("/healthz"), get("/articles/probe-2/"), get("/")]
    proxy.start()
    steps["back"] = [get("/healthz"), get("/articles/probe-3/"), get("/")]
    # A restart while idle: the kept-alive connection is dead before any request notices.
    proxy.stop()
    proxy.start()
    steps["blip"] = [get("/"), get("/articles/probe-4/"), get("/healthz")]
    print(json.dumps(steps))
    """,
        {
            "UPSTREAM_HOST": db["HOST"] or "127.0.0.1",
            "UPSTREAM_PORT": str(db["PORT"] or 5432),
            "DB_USER": db["USER"] or "postgres",
            "DB_NAME": db["NAME"],
            "CONN_MAX_AGE": "60",
            "NEWSROOM_VAR_DIR": str(tmp_path / "var"),
            "LOG_LEVEL": "CRITICAL",
        },
    )
    assert [step["status"] for step in results["up"]] == [200, 404, 200]
    assert [step["status"] for step in results["down"]] == [503, 503, 503]
    assert all(step["friendly"] for step in results["down"][1:])
    assert [step["status"] for step in results["back"]] == [200, 404, 200]
    # CONN_HEALTH_CHECKS: the dead connection is replaced before the first query fails.
    assert [step["status"] for step in results["blip"]] == [200, 404, 200]
