"""The read-replica router: public reads on the replica, everything else on the primary."""

import pytest
from django.contrib.sessions.models import Session

from articles.models import Article
from caching import cache
from caching.replica import ReplicaMiddleware
from newsroom import db_router
from newsroom.db_router import PrimaryReplicaRouter, replica_reads

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica(monkeypatch, settings):
    """Pretend a replica is configured (the router only asks whether there is one)."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    settings.DATABASE_REPLICA_LAG_SECONDS = 10
    return PrimaryReplicaRouter()


def test_reads_outside_a_request_use_the_primary(replica):
    assert replica.db_for_read(Article) == "default"


def test_public_reads_use_the_replica(replica):
    with replica_reads():
        assert replica.db_for_read(Article) == "replica"
    assert replica.db_for_read(Article) == "default"


def test_a_write_sends_later_reads_in_the_request_to_the_primary(replica):
    with replica_reads():
        assert replica.db_for_write(Article) == "default"
        assert replica.db_for_read(Article) == "default"
        assert replica.db_for_read(Session) == "default"
    with replica_reads():
        assert replica.db_for_read(Article) == "replica"  # the next request starts afresh


def test_without_a_replica_everything_uses_the_primary():
    router = PrimaryReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Article) == "default"


def test_migrations_run_on_the_primary_only(replica):
    assert replica.allow_migrate("default", "articles")
    assert not replica.allow_migrate("replica", "articles")


def test_objects_from_both_databases_may_be_related(replica):
    one, other = Article(), Article()
    one._state.db, other._state.db = "default", "replica"
    assert replica.allow_relation(one, other)


def _seen_by_view(rf, request):
    seen = {}

    def view(request):
        seen["replica"] = db_router.replica_allowed()
        from django.http import HttpResponse

        return HttpResponse("ok")

    ReplicaMiddleware(view)(request)
    return seen["replica"]


@pytest.mark.parametrize(
    ("make_request", "expected"),
    [
        (lambda rf: rf.get("/articles/a/"), True),
        (lambda rf: rf.head("/"), True),
        (lambda rf: rf.post("/articles/a/"), False),
        (lambda rf: rf.get("/admin/articles/article/"), False),
        (lambda rf: rf.get("/", HTTP_COOKIE="sessionid=abc"), False),
        (lambda rf: rf.get("/preview/secret/"), False),
    ],
    ids=["get", "head", "post", "admin", "signed-in", "preview"],
)
def test_the_middleware_allows_the_replica_for_public_reads(rf, replica, make_request, expected):
    cache.state_cache().set(cache.CHANGED_AT_KEY, cache.now_ts() - 3600, timeout=None)
    assert _seen_by_view(rf, make_request(rf)) is expected
    assert db_router.replica_allowed() is False  # reset after the request


def test_just_after_a_change_reads_stay_on_the_primary(rf, replica):
    """A lagging replica must not feed the page cache the old content under a new generation."""
    cache.content_changed()
    assert _seen_by_view(rf, rf.get("/")) is False
    request = rf.get("/")
    request.content_changed_at = cache.now_ts() - 11
    assert _seen_by_view(rf, request) is True


def test_the_middleware_does_nothing_without_a_replica(rf):
    assert _seen_by_view(rf, rf.get("/")) is False
