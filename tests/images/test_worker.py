"""The task worker (``manage.py db_worker``): a real worker process makes a queued rendition,
and the worker outlives a lost database connection (issue 21 #7)."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from articles.models import Article
from images import renditions
from newsroom.management.commands import db_worker
from tests.factories import ArticleFactory
from tests.security.helpers import jpeg_bytes

ROOT = Path(__file__).resolve().parents[2]
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


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        NEWSROOM_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        TASKS_BACKEND="database",
        DEBUG="true",
    )
    return env


def _manage(env, *args, timeout=300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_a_real_db_worker_makes_a_queued_rendition(tmp_path):
    """End to end on a file SQLite database: a save in one process queues the task; a
    ``db_worker`` process, as ``make run`` starts it, makes the renditions."""
    env = _env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
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
    pk, name = _manage(env, "shell", "-c", create).strip().splitlines()[-1].split()
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

    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name=*",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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
