"""Gunicorn settings for ``make serve`` and production (``gunicorn -c gunicorn.conf.py``).

Every value can be changed from the environment (``GUNICORN_*``, ``PORT``, ``HOST``).
The defaults are what the benchmark found best on a 2-core machine (bench/RESULTS.md): sync
workers, 2 × cores + 1 of them. A sync worker only accepts a connection when it is idle, so
the kernel hands each request to a free process. Threaded (gthread) workers were as fast
when the load happened to be spread evenly, but each keeps the keep-alive connections it
accepted, and on about half of the runs one process held most of them and the site ran on
one core (half the requests/s, bench/RESULTS.md). Sync workers must sit behind a buffering
proxy (deploy/nginx.conf) so a slow client never holds one; set
``GUNICORN_WORKER_CLASS=gthread`` where the app faces clients directly.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


_cores = multiprocessing.cpu_count()

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
).split(",")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = _int("GUNICORN_WORKERS", 2 * _cores + 1 if worker_class == "sync" else _cores)
threads = _int("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1)
backlog = _int("GUNICORN_BACKLOG", 2048)
# Behind a proxy, connections are reused; a short keep-alive frees idle threads quickly.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle workers now and then, so a slow leak in any library never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# Load Django once in the master: workers start fast and share its memory. No connection
# is opened at import time, so none is shared across the fork.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
# The heartbeat file on tmpfs: a busy disk must not make the master think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to stderr for the process manager to collect; the access log is opt-in, since the
# proxy in front (deploy/nginx.conf) already writes one.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "").lower() in {"1", "true"} else None
proc_name = "newsroom"
# No control socket: its default path is per user, so two servers on one machine (tests,
# bench/, a blue-green switch) would fight over it.
control_socket_disable = True


def on_starting(server):
    """Run Django's system checks before any worker starts, as ``runserver`` does.

    Gunicorn itself never runs them, so an error such as demo accounts that still have the
    demo password in production (newsroom/checks.py) stops the server here, with the
    check's message, instead of serving. The check's database connection is closed before
    workers fork, so none is shared.
    """
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connections

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    try:
        call_command("check", fail_level="ERROR")
    except SystemCheckError as error:
        raise RuntimeError(
            f"Django's system checks refused to start the server.\n{error}"
        ) from None
    finally:
        connections.close_all()
