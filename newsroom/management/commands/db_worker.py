"""``manage.py db_worker``: django-tasks-db's worker, made to outlive its database connection.

The worker is a process that runs for days. django-tasks-db checks for stale connections
between polls, but a connection the server dropped (a PostgreSQL restart, a failover, an idle
timeout on a proxy) makes the next claim raise, and the exception ends the worker: queued
renditions then wait until someone restarts it. Here each task runs between two
``close_old_connections()`` calls — as Django does around each request — and a claim that
fails because the connection broke closes it and tries again after the poll interval, so the
worker reconnects by itself.

It also outlives *other* workers: each keeps a heartbeat from a thread, and a task left
RUNNING by a worker that was killed goes back to the queue (newsroom/workers.py says how).
Everything else (options, signals, logging) is the library's.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from newsroom import workers

logger = logging.getLogger("django_tasks_db")


def _drop_broken_connections() -> None:
    """Close every connection, so the next query opens a fresh one.

    ``close_old_connections()`` only closes a connection it finds unusable after an error;
    when the error came from the server going away, closing outright is the sure way back.
    """
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            conn.connection = None  # the socket is gone; forget it


class Heartbeat(threading.Thread):
    """Renews the worker's heartbeat every ``TASKS_WORKER_HEARTBEAT`` seconds — also while a
    long task keeps the main thread busy — and re-queues the tasks of workers that stopped
    beating. It has its own database connection (Django's are per thread)."""

    def __init__(self, worker: Worker):
        super().__init__(name=f"heartbeat-{worker.worker_id}", daemon=True)
        self.worker = worker
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(settings.TASKS_WORKER_HEARTBEAT, 0.1)
        while not self.stopped.wait(interval):
            self.worker.check_in()
        connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


class Worker(db_worker.Worker):
    """The library's worker loop, retried when the database connection is lost, with a
    heartbeat and the recovery of tasks whose worker died."""

    def check_in(self) -> None:
        """Beat, then put dead workers' tasks back in the queue. Errors are logged, never
        raised: a missed beat is made up by the next one."""
        try:
            workers.beat(self.worker_id)
            workers.requeue_lost_tasks(backend_name=self.backend_name)
        except DatabaseError:
            logger.warning("Worker heartbeat failed; trying again", exc_info=True)
            _drop_broken_connections()
        except Exception:
            # Never let the heartbeat thread die: a silent worker looks dead to the others.
            logger.exception("Worker heartbeat failed; trying again")

    def run(self) -> None:
        # On start-up, at once: a worker restarted after a crash picks up what it can.
        self.check_in()
        heartbeat = Heartbeat(self)
        heartbeat.start()
        try:
            self._run_reconnecting()
        finally:
            heartbeat.stop()
            # If this fails, the heartbeat ages out and other workers know this one is gone.
            with contextlib.suppress(DatabaseError):
                workers.forget(self.worker_id)

    def _run_reconnecting(self) -> None:
        while self.running:
            try:
                super().run()
                return  # --batch or --max-tasks ended the loop
            except DatabaseError:
                if not self.running:
                    raise
                logger.warning(
                    "Database connection lost; reconnecting in %ss", self.interval, exc_info=True
                )
                _drop_broken_connections()
                time.sleep(max(self.interval, 0.1))

    def run_task(self, db_task_result) -> None:
        # A task may run for minutes; the connection it starts with must be live, and one it
        # broke must not be handed to the next claim.
        close_old_connections()
        try:
            super().run_task(db_task_result)
        except DatabaseError as exc:
            # The task failed and so did recording it: the connection is gone. Record the
            # failure on a new one, or the task would stay "running" for ever.
            _drop_broken_connections()
            db_task_result.set_failed(exc)
        finally:
            close_old_connections()


class Command(db_worker.Command):
    help = db_worker.Command.help + " (reconnects when the database connection is lost)"

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = Worker  # the library's handle() builds the worker by this name
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
