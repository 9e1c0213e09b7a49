"""A task left RUNNING by a killed worker goes back to the queue (newsroom/workers.py):
the re-queue query on its own, and a real ``db_worker`` killed with SIGKILL mid-task whose
task a second worker then finishes."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import textwrap
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom import workers
from newsroom.models import WorkerHeartbeat
from tests import worker_process

TASK = "tests.newsroom.worker_tasks.hang_first_time"

pytestmark = pytest.mark.django_db


def running(worker_ids, *, started_ago=120, path=TASK) -> DBTaskResult:
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"marks": "/nowhere"}},
        task_path=path,
        backend_name="default",
        run_after=timezone.now(),
        status="RUNNING",
        worker_ids=worker_ids,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(seconds=started_ago)
    )
    row.refresh_from_db()
    return row


def heartbeat(worker_id, seconds_ago):
    when = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=when, seen_at=when)


def test_a_dead_workers_task_goes_back_to_the_queue_a_live_ones_stays():
    heartbeat("alive", 5)
    heartbeat("dead", 300)
    busy = running(["alive"])
    lost = running(["dead"])
    never_beat = running(["gone-without-a-trace"])
    just_claimed = running(["dead"], started_ago=1)  # too recent to judge

    done = workers.requeue_lost_tasks(lost_after=60, max_attempts=3)

    assert sorted(done.requeued) == sorted([str(lost.pk), str(never_beat.pk)])
    assert done.failed == []
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[busy.pk] == "RUNNING"
    assert statuses[just_claimed.pk] == "RUNNING"
    assert statuses[lost.pk] == statuses[never_beat.pk] == "READY"
    assert set(DBTaskResult.objects.ready().values_list("pk", flat=True)) == {
        lost.pk,
        never_beat.pk,
    }
    # A second check finds nothing more to do.
    assert workers.requeue_lost_tasks(lost_after=60, max_attempts=3).requeued == []


def test_after_max_attempts_it_fails_with_a_clear_error():
    heartbeat("w3", 300)
    row = running(["w1", "w2", "w3"])

    done = workers.requeue_lost_tasks(lost_after=60, max_attempts=3)

    assert done.failed == [str(row.pk)] and done.requeued == []
    row.refresh_from_db()
    assert row.status == "FAILED" and row.finished_at
    assert row.exception_class_path == "newsroom.workers.WorkerLost"
    assert "worker 'w3' stopped while running this task" in row.traceback
    assert "tried 3 times, not retried again" in row.traceback


def test_a_task_finished_or_reclaimed_meanwhile_is_left_alone(monkeypatch):
    heartbeat("dead", 300)
    row = running(["dead"])
    # Between the look and the update, the slow worker finished after all.
    real_filter = DBTaskResult.objects.filter

    def finishing_first(*args, **kwargs):
        DBTaskResult.objects.all().update(status="SUCCESSFUL")
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(DBTaskResult.objects, "filter", finishing_first)
    done = workers.requeue_lost_tasks(lost_after=60, max_attempts=3)
    assert done.requeued == [] and done.failed == []
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"


def test_the_heartbeat_is_one_row_per_worker_and_goes_when_it_leaves():
    workers.beat("w")
    first = WorkerHeartbeat.objects.get().seen_at
    workers.beat("w")
    assert WorkerHeartbeat.objects.get().seen_at >= first
    workers.forget("w")
    assert not WorkerHeartbeat.objects.exists()


# --- a real worker, killed ----------------------------------------------------------------


def _wait_for(condition, process, what, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=False)
def test_a_worker_killed_mid_task_leaves_it_to_the_next_worker(tmp_path):
    env = worker_process.env(tmp_path, TASKS_WORKER_HEARTBEAT="0.5", TASKS_WORKER_LOST_AFTER="3")
    marks = tmp_path / "marks"
    marks.mkdir()
    worker_process.manage(env, "migrate", "--noinput", "-v0")
    enqueue = textwrap.dedent(
        f"""
        from tests.newsroom.worker_tasks import hang_first_time
        print(hang_first_time.enqueue(marks={str(marks)!r}).id)
        """
    )
    worker_process.manage(env, "shell", "-c", enqueue)
    database = tmp_path / "var" / "db.sqlite3"

    def row():
        with sqlite3.connect(database) as db:
            return db.execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            ).fetchone()

    first = worker_process.start_worker(env, "--worker-id=first")
    second = None
    try:
        _wait_for((marks / "started").exists, first, "the first worker to start the task")
        assert row()[0] == "RUNNING"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert row()[0] == "RUNNING", "nobody recorded anything: the worker died"

        second = worker_process.start_worker(env, "--worker-id=second")
        _wait_for((marks / "finished").exists, second, "the second worker to finish it")
        _wait_for(lambda: row()[0] == "SUCCESSFUL", second, "the result to be recorded")
        assert row()[1] == '["first", "second"]'
        assert (marks / "finished").read_text() == str(second.pid)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
