"""``manage.py db_worker``: django-tasks-db's worker, made to outlive its database connection.

The worker is a process that runs for days. django-tasks-db checks for stale connections
between polls, but a connection the server dropped (a PostgreSQL restart, a failover, an idle
timeout on a proxy) makes the next claim raise, and the exception ends the worker: queued
renditions then wait until someone restarts it. Here each task runs between two
``close_old_connections()`` calls — as Django does around each request — and a claim that
fails because the connection broke closes it and tries again after the poll interval, so the
worker reconnects by itself. Everything else (options, signals, logging) is the library's.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker

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


class Worker(db_worker.Worker):
    """The library's worker loop, retried when the database connection is lost."""

    def run(self) -> None:
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
