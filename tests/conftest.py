import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads, renditions and originals to its own temporary folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from caching.cache import forget_pending

    forget_pending()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _purge_once(settings):
    """Purges go out once (caching/edge.py repeats them in production): a repeat landing in
    the middle of a test would drop pages it expects Varnish to hold. Its own test turns it on."""
    settings.EDGE_PURGE_REPEAT_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 takes over a second per password here; tests only need passwords to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _page_cache_state(settings):
    """Page-cache state (caching/cache.py) in the per-test memory cache, cleared above,
    rather than in the file cache under var/ that every local process shares."""
    settings.PAGE_CACHE_STATE_ALIAS = settings.PAGE_CACHE_ALIAS


@pytest.fixture
def editor():
    """An Editor (roles from editorial/roles.py), for the workflow tests of every app."""
    from tests.articles.workflow_helpers import staff_in

    return staff_in("Editor", "erin")


@pytest.fixture
def contributor():
    from tests.articles.workflow_helpers import staff_in

    return staff_in("Contributor", "casey")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings, monkeypatch):
    """Background tasks run as soon as they are queued (django-tasks' immediate backend), and
    a save's renditions are queued at once rather than after a commit that, inside a test's
    transaction, never comes. tests/images/test_tasks.py checks the real order: after the
    commit, in a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr("images.tasks.after_commit", lambda callback, using: callback())
