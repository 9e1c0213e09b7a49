"""Gunicorn settings for ``make serve`` and production (``gunicorn -c gunicorn.conf.py``).

Every value can be changed from the environment (``GUNICORN_*``, ``PORT``, ``HOST``).
The defaults are the fastest the benchmark found on a 2-core machine (bench/RESULTS.md):
threaded workers, one process per core, so that keep-alive connections from nginx or a
load balancer are reused and a slow client or database call does not block a whole process.
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
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("GUNICORN_WORKERS", _cores)
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
