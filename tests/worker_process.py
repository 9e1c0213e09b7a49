"""A real task-queue worker (``manage.py db_worker``, as ``make run`` starts it) and the
project's own ``manage.py``, each in a process of its own on a file SQLite database under the
test's folder: for the tests that need a worker to really run, crash or be killed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment for a child with its own database and media folders."""
    values = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    values.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        NEWSROOM_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        TASKS_BACKEND="database",
        DEBUG="true",
        **extra,
    )
    return values


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    """``manage.py`` with ``args``; its output, or the test fails with its errors."""
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


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    """A ``db_worker`` on every queue, polling every 0.2 s; its output in ``stdout``."""
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name=*",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0.2",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
