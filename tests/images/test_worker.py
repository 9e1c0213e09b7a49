"""The task worker (``manage.py db_worker``): a real worker process makes a queued rendition,
and the worker outlives a lost database connection (issue 21 #7)."""

import signal
import sqlite3
import subprocess
import textwrap
import time
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from articles.models import Article
from images import renditions
from newsroom.management.commands import db_worker
from tests import worker_process
from tests.factories import ArticleFactory
from tests.security.helpers import jpeg_bytes

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker(**options) -> db_worker.Worker:
    defaults = {
        "queue_names": ["*"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    return db_worker.Worker(**{**defaults, **options})


@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_a_lost_connection_and_checks_it_around_each_task(settings):
    settings.TASKS = DATABASE
    articles = [
        ArticleFactory(featured_image=ContentFile(jpeg_bytes(), name=f"scene{i}.jpg"))
        for i in range(2)
    ]
    assert DBTaskResult.objects.ready().count() == 2
    assert not any(renditions.is_ready(a, "featured_image") for a in articles)

    real_get_locked = DBTaskResultQuerySet.get_locked
    calls = {"claims": 0, "checks": 0}

    def connection_lost_once(self):
        calls["claims"] += 1
        if calls["claims"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_get_locked(self)

    def counting_close_old_connections():
        calls["checks"] += 1

    with (
        mock.patch.object(DBTaskResultQuerySet, "get_locked", connection_lost_once),
        mock.patch.object(db_worker, "close_old_connections", counting_close_old_connections),
    ):
        worker().run()

    assert calls["claims"] >= 3, "the worker claimed again after the lost connection"
    assert calls["checks"] == 4, "close_old_connections() before and after each task"
    assert DBTaskResult.objects.successful().count() == 2
    for article in Article.objects.all():
        assert renditions.is_ready(article, "featured_image")


def test_a_real_db_worker_makes_a_queued_rendition(tmp_path):
    """End to end on a file SQLite database: a save in one process queues the task; a
    ``db_worker`` process, as ``make run`` starts it, makes the renditions."""
    env = worker_process.env(tmp_path)
    worker_process.manage(env, "migrate", "--noinput", "-v0")
    create = textwrap.dedent(
        """
        from django.core.files.base import ContentFile
        from articles.models import Article, Section
        from tests.security.helpers import jpeg_bytes
        section = Section.objects.create(name="News")
        article = Article.objects.create(
            headline="Queued", section=section,
            featured_image=ContentFile(jpeg_bytes((1200, 800)), name="queued.jpg"),
        )
        print(article.pk, article.featured_image.name)
        """
    )
    pk, name = worker_process.manage(env, "shell", "-c", create).strip().splitlines()[-1].split()
    database = tmp_path / "var" / "db.sqlite3"

    def row():
        with sqlite3.connect(database) as db:
            return db.execute(
                "SELECT featured_image_rendered FROM articles_article WHERE id = ?", (pk,)
            ).fetchone()[0]

    def queued():
        with sqlite3.connect(database) as db:
            return db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall()

    assert row() == "" and queued() == [("READY",)]
    assert not (tmp_path / "media" / "renditions").exists()

    process = worker_process.start_worker(env)
    try:
        deadline = time.monotonic() + 120
        while row() != name and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.3)
        assert row() == name, "the worker made the renditions and marked them"
        assert queued() == [("SUCCESSFUL",)]
        files = list((tmp_path / "media" / "renditions").rglob("*.webp"))
        assert files
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
