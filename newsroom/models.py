"""Project-wide records: the task workers' heartbeats (newsroom/workers.py)."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A ``db_worker`` process saying it is alive: ``seen_at`` is renewed every few seconds
    by a thread of the worker, even while a long task runs. A worker whose heartbeat is older
    than ``TASKS_WORKER_LOST_AFTER`` seconds is taken for dead, and the task it was running
    goes back to the queue (newsroom/workers.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    pid = models.PositiveIntegerField(default=0)
    host = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"
