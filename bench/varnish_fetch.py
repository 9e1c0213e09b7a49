"""Readers through Varnish: how many answers are 503, and Varnish's own words for each.

A diagnosis, not a test (the regression test is tests/caching/test_varnish.py). One run::

    .venv/bin/python bench/varnish_fetch.py                      # deploy/varnish.params
    .venv/bin/python bench/varnish_fetch.py --varnish-defaults   # varnishd's defaults (before)

It starts gunicorn as ``make serve`` does (gunicorn.conf.py, DEBUG=false, page cache on) on
bench/workday.py's database (``BENCH_DATABASE``, default ``nr_workday``: run workday.py once
to build it; this script only reads it) with Redis ``BENCH_REDIS_URL``, Debian's varnishd
running deploy/varnish.vcl in front of it, and wrk with workday.py's readers (Zipf-like mix of
every public page) for ``--duration`` seconds. Meanwhile ``varnishlog`` keeps every request
answered 503 and every failed backend fetch; afterwards it prints wrk's figures, Varnish's
counters and the ``FetchError`` / ``BogoHeader`` lines with the URLs that failed.
Everything it starts it stops.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("BENCH_DATABASE", "nr_workday")

from bench import run, workday  # noqa: E402  (reads BENCH_DATABASE on import)
from tests.caching.varnish import INSTALL_HINT, Varnish, varnish_available  # noqa: E402

VAR = run.VAR / "varnish_fetch"
COUNTERS = (
    "MAIN.fetch_failed",
    "MAIN.backend_fail",
    "MAIN.backend_conn",
    "MAIN.backend_reuse",
    "MAIN.backend_retry",
    "MAIN.busy_sleep",
    "MAIN.cache_miss",
)


def stop(processes: list[subprocess.Popen]) -> None:
    while processes:
        process = processes.pop()
        os.killpg(process.pid, signal.SIGINT)
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--varnish-defaults",
        action="store_true",
        help="run varnishd without deploy/varnish.params (the behaviour before them)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not varnish_available():
        sys.exit(f"varnishd with the xkey vmod is not installed; {INSTALL_HINT}")
    VAR.mkdir(parents=True, exist_ok=True)
    port = run.free_port()
    env = run.server_env(
        port,
        secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        CACHE_KEY_PREFIX=f"varnish-fetch-{secrets.token_hex(4)}",  # a cold page cache
        PAGE_CACHE="true",
        STATIC_ROOT=str(VAR / "static"),
    )
    if not (VAR / "static").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=REPO,
            env=env,
            check=True,
        )
    os.environ.update(env)
    import django

    django.setup()
    paths = workday.site_pages(random.Random(14)).weighted
    from django.db import connections

    connections.close_all()
    paths_file, script = VAR / "paths.lua", VAR / "readers.lua"
    paths_file.write_text("return {\n" + "".join(f'"{p}",\n' for p in paths) + "}\n")
    script.write_text(workday.LUA)

    varnish = Varnish(VAR / "varnish", backend_port=port).start(
        memory="256m", params=not args.varnish_defaults
    )
    env["VARNISH_PURGE_URLS"] = f"{varnish.base_url}/"
    logs: list[subprocess.Popen] = []
    instance = str(varnish.workdir / "instance")
    try:
        with workday.AppServer(env, VAR / "serve.log"):
            for name, flags, query in (
                ("requests-503.log", ["-g", "request"], "RespStatus == 503"),
                ("fetches-failed.log", ["-b"], "BerespStatus == 503 or FetchError"),
            ):
                out = VAR / name
                out.unlink(missing_ok=True)
                logs.append(
                    subprocess.Popen(
                        ["varnishlog", "-n", instance, *flags, "-q", query, "-w", str(out)],
                        start_new_session=True,
                    )
                )
            time.sleep(1)
            wrk = subprocess.run(
                [
                    "wrk",
                    f"-t{args.threads}",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    "--latency",
                    "-s",
                    str(script),
                    varnish.base_url,
                    "--",
                    str(paths_file),
                ],
                capture_output=True,
                text=True,
            )
            print(wrk.stdout)
            stats = varnish.stats()
            for name in COUNTERS:
                print(f"{name} {stats.get(name, 0)}")
            # Before gunicorn stops: the fetches it cuts short then ("HTC eof") are no reader's.
            stop(logs)
    finally:
        stop(logs)
        varnish.stop()
    failed = subprocess.run(
        ["varnishlog", "-r", str(VAR / "fetches-failed.log")], capture_output=True, text=True
    ).stdout
    reasons = collections.Counter(
        " ".join(line.split()[1:])[:80]
        for line in failed.splitlines()
        if line.split()[1:2] in (["FetchError"], ["BogoHeader"])
    )
    urls = sorted({line.split()[2] for line in failed.splitlines() if "BereqURL" in line})
    print("failed fetches:", dict(reasons) or "none")
    if urls:
        print(f"their URLs ({len(urls)}):", " ".join(urls[:20]), "…" if len(urls) > 20 else "")
    print(
        f"logs: {os.path.relpath(VAR, REPO)}/requests-503.log, fetches-failed.log (varnishlog -r)"
    )


if __name__ == "__main__":
    main()
