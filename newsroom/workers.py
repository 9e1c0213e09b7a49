"""Task workers that die are noticed and their tasks run again — no cron.

django-tasks-db marks a task RUNNING when a worker claims it and only the same worker ever
marks it finished. A worker killed mid-task (``kill -9``, the OOM killer, a lost machine)
leaves the row RUNNING for ever. So every ``db_worker`` (newsroom/management/commands/
db_worker.py) keeps a heartbeat (``WorkerHeartbeat.seen_at``, renewed by a thread every
``TASKS_WORKER_HEARTBEAT`` seconds), and on start-up and then every heartbeat or so runs
``requeue_lost_tasks``: a RUNNING task whose worker's heartbeat is older than
``TASKS_WORKER_LOST_AFTER`` seconds (or missing) goes back to READY, to be claimed like any
other; after ``TASKS_WORKER_MAX_ATTEMPTS`` claims it is marked FAILED with ``WorkerLost``
instead, so a task that kills its worker every time cannot take workers down for ever.
Tasks are idempotent (DESIGN invariant 7): running one again after a dead worker is safe.

The check is cheap: one indexed query for RUNNING rows (there are at most as many as workers)
and, only if there are any, one for their workers' heartbeats. Each re-queue is one UPDATE
whose WHERE repeats what was seen (still RUNNING, same ``started_at``), so two workers
checking at once, or the slow worker finishing meanwhile, cannot both win.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger("django_tasks_db")


class WorkerLost(Exception):
    """The worker running this task stopped (killed, crashed) without recording an outcome."""


@dataclass
class Recovered:
    requeued: list[str]
    failed: list[str]


def beat(worker_id: str, *, started_at=None) -> None:
    """Record that ``worker_id`` is alive now (one UPDATE; an INSERT the first time)."""
    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now):
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "seen_at": now,
                "started_at": started_at or now,
                "pid": os.getpid(),
                "host": socket.gethostname()[:255],
            },
        )


def forget(worker_id: str) -> None:
    """A worker leaving cleanly takes its heartbeat with it."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_lost_tasks(
    *,
    backend_name: str = "default",
    lost_after: float | None = None,
    max_attempts: int | None = None,
    now=None,
) -> Recovered:
    """Put the RUNNING tasks of dead workers back to READY (or FAILED after too many tries)."""
    lost_after = settings.TASKS_WORKER_LOST_AFTER if lost_after is None else lost_after
    max_attempts = settings.TASKS_WORKER_MAX_ATTEMPTS if max_attempts is None else max_attempts
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=lost_after)
    running = list(
        DBTaskResult.objects.running()
        .filter(backend_name=backend_name, started_at__lt=cutoff)
        .values_list("pk", "worker_ids", "started_at", "task_path")
    )
    done = Recovered([], [])
    if not running:
        return done
    owners = {ids[-1] for _, ids, _, _ in running if ids}
    alive = set(
        WorkerHeartbeat.objects.filter(worker_id__in=owners, seen_at__gte=cutoff).values_list(
            "worker_id", flat=True
        )
    )
    for pk, worker_ids, started_at, task_path in running:
        owner = worker_ids[-1] if worker_ids else ""
        if owner in alive:
            continue
        seen = WorkerHeartbeat.objects.filter(worker_id=owner).values_list("seen_at", flat=True)
        last = seen.first()
        why = (
            f"worker {owner!r} stopped while running this task "
            f"(last heartbeat {last.isoformat() if last else 'never'}; "
            f"lost after {lost_after:g}s without one)"
        )
        same = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        attempts = len(worker_ids)
        if attempts >= max_attempts:
            error = WorkerLost(f"{why}; tried {attempts} times, not retried again")
            if same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"{WorkerLost.__module__}.WorkerLost: {error}\n",
            ):
                done.failed.append(str(pk))
                logger.error("Task id=%s (%s) failed: %s", pk, task_path, error)
        elif same.update(status=TaskResultStatus.READY, started_at=None):
            done.requeued.append(str(pk))
            logger.warning(
                "Task id=%s (%s) re-queued (attempt %d of %d): %s",
                pk,
                task_path,
                attempts + 1,
                max_attempts,
                why,
            )
    # Heartbeats of dead workers have served their purpose once their tasks are back.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(seconds=lost_after * 10)).delete()
    return done
