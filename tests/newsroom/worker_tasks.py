"""A task for the worker-recovery test (tests/newsroom/test_worker_recovery.py): the first run
writes a mark and then hangs (until its worker is killed); a later run finishes at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def hang_first_time(*, marks: str) -> str:
    folder = Path(marks)
    first = not (folder / "started").exists()
    (folder / ("started" if first else "again")).write_text(str(os.getpid()))
    if first:
        time.sleep(600)  # the test kills this worker long before
    (folder / "finished").write_text(str(os.getpid()))
    return "finished"
