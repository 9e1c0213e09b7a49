"""Fault drills under light load (issue 21): what readers and an editor see while a service
fails, and how long the site takes to recover, with nothing restarted but the failed part.

    .venv/bin/python bench/faults.py                       # every drill, tables on stdout
    .venv/bin/python bench/faults.py --drills redis,postgres
    .venv/bin/python bench/faults.py --results bench/RESULTS.md   # record the run

The site: two production app servers (gunicorn, DEBUG=false, page cache on, as `make serve`
runs them), a redis-server of the drill's own on a free port, a PostgreSQL database of its
own (``nr_faults_<random>``, dropped at the end) reached through a TCP proxy in this process,
and the task worker (``manage.py db_worker``). Two reader threads request the home page, a
feed, the sitemap index and an article on both servers; an editor adds an article through
the admin every second, retrying a save until the admin says "saved" (so a save that
committed but answered an error would show up as a duplicate).

Drills:

- ``redis``: redis-server killed with SIGKILL (its data gone), a headline edited meanwhile,
  then started again empty on the same port.
- ``postgres``: the proxy cut (every connection reset, new ones refused), then restored.
- ``worker``: the task worker killed with SIGKILL while it makes renditions for freshly
  uploaded images, then started again; the new worker re-queues the task the kill
  interrupted once the dead worker's heartbeat is ``TASKS_WORKER_LOST_AFTER`` (10 s here)
  old (newsroom/workers.py). ``manage.py make_renditions`` remains the repair if some are
  still missing a minute later.

Each drill prints: requests, 5xx (503 counted apart: the friendly "back in a moment"), the
slowest answer during the fault, saves lost or duplicated, stale pages served (a page still
showing the old headline after the edit committed), and recovery time (from the service's
return until every server serves the probe page again, from the cache where it should).
The read-only media folder and the restore into the running database are drilled by the
tests (tests/security/test_faults.py, tests/caching/test_faults.py,
tests/security/test_backup.py), not here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.scale.conftest import (  # noqa: E402 - after the path is set
    PYTHON,
    base_env,
    run_checked,
    seed,
    start_servers,
    stop_servers,
)
from tests.scale.drills import Editor, Readers, count_headlines, wait_until  # noqa: E402
from tests.scale.services import RedisServer, TcpProxy  # noqa: E402

POSTGRES = os.environ.get("FAULTS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
START, END = "<!-- faults:start -->", "<!-- faults:end -->"


class Site:
    def __init__(self, tmp: Path):
        import psycopg

        self.tmp = tmp
        self.database = f"nr_faults_{secrets.token_hex(4)}"
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self.direct_url = f"{POSTGRES}/{self.database}"
        upstream = urlsplit(POSTGRES)
        self.proxy = TcpProxy((upstream.hostname, upstream.port or 5432)).start()
        self.redis = RedisServer(tmp / "redis").start()
        static = tmp / "static"
        self.env = base_env(
            tmp,
            STATIC_ROOT=str(static),
            REDIS_URL=self.redis.url,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.proxy.port}/{self.database}",
            SERVE_MEDIA="true",
            CONN_MAX_AGE="60",
            RENDITION_RETRY_SECONDS="1",
        )
        run_checked([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], self.env)
        self.data = seed(self.env)
        self.servers = start_servers(self.env, tmp)
        self.worker = None
        self.headline = self.data["live_headline"]

    def start_worker(self) -> None:
        self.worker_log = open(self.tmp / "worker.log", "ab")  # noqa: SIM115 - closed in stop
        self.worker = subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--queue-name=*",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0.2",
            ],
            cwd=REPO,
            env=self.env,
            stdout=self.worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_worker(self) -> None:
        if self.worker and self.worker.poll() is None:
            self.worker.kill()
            self.worker.wait(timeout=10)
        self.worker_log.close()

    def editor(self, prefix: str) -> Editor:
        return Editor.signed_in(self, prefix)

    def close(self) -> None:
        import psycopg

        if self.worker:
            self.kill_worker()
        stop_servers(self.servers)
        self.proxy.stop()
        self.redis.stop()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def served_from_cache(site: Site, path: str) -> bool:
    return all(
        server.get(path).status_code == 200
        and server.get(path).headers.get("X-Page-Cache") == "HIT"
        for server in site.servers
    )


def run_drill(site: Site, name: str, fault, restore, recovered, settle: float = 4.0) -> dict:
    """Load on; the fault; ``settle`` seconds; the service back; wait for ``recovered``."""
    pages = ["/", "/feed/", "/sitemap.xml", site.data["live_url"]]
    for path in pages:
        wait_until(lambda path=path: served_from_cache(site, path), what=f"{path} cached")
    readers = Readers(site.servers, pages).start()
    editor = site.editor(f"{name.title()} drill").start(interval=1.0)
    try:
        time.sleep(3)
        started = time.monotonic()
        edited = fault(readers, editor)
        time.sleep(settle)
        restored = time.monotonic()
        restore()
        wait_until(recovered, seconds=120, step=0.05, what="recovery")
        recovery = time.monotonic() - restored
        time.sleep(3)
    finally:
        editor.stop()
        readers.stop()
    during = readers.between(started, restored + recovery)
    counts = count_headlines(site.direct_url, editor.prefix)
    committed = [save for save in editor.saves if save.committed_at]
    return {
        "drill": name,
        "requests": len(readers.answers),
        "during": len(during),
        "200": sum(a.status == 200 for a in readers.answers),
        "503": sum(a.status == 503 for a in readers.answers),
        "5xx": sum(a.status >= 500 and a.status != 503 for a in readers.answers),
        "no answer": sum(a.status == 0 for a in readers.answers),
        "max ms": max((a.seconds for a in during), default=0) * 1000,
        "median ms": statistics.median([a.seconds for a in during] or [0]) * 1000,
        "saves": len(committed),
        "save errors": sum(s != 302 for s in editor.statuses()),
        "save 5xx": sum(s >= 500 and s != 503 for s in editor.statuses()),
        "lost": sum(1 for save in committed if counts.get(save.headline, 0) == 0),
        "duplicated": sum(1 for n in counts.values() if n > 1),
        "stale": sum(a.stale for a in readers.answers),
        "recovery s": recovery,
        "edited": edited,
    }


def redis_drill(site: Site) -> dict:
    data = site.data

    def fault(readers, editor):
        site.redis.kill()
        site.headline = f"Cranes at work again, edit {secrets.token_hex(2)}"
        assert editor.edit_headline(data["live_pk"], site.headline) == 302
        readers.expect(["/", "/feed/", data["live_url"]], site.headline, data["live_headline"])
        return True

    def recovered():
        return served_from_cache(site, "/") and served_from_cache(site, data["live_url"])

    return run_drill(site, "redis", fault, site.redis.start, recovered)


def postgres_drill(site: Site) -> dict:
    probe = "/search/?q=cranes"

    def fault(readers, editor):
        site.proxy.cut()
        return False

    def recovered():
        return all(server.get(probe).status_code == 200 for server in site.servers)

    return run_drill(site, "postgres", fault, site.proxy.restore, recovered)


def worker_drill(site: Site, images: int = 12) -> dict:
    """Images queued for renditions; the worker killed mid-way and started again."""
    script = f"""
import io
from django.core.files.base import ContentFile
from PIL import Image
from articles.models import Article, Section
section = Section.objects.first()
for n in range({images}):
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1600), (20 * (n % 12), 90, 160)).save(buffer, format="JPEG")
    article = Article(headline=f"Worker drill picture {{n}}", section=section,
                      body="<p>A picture for the worker drill.</p>",
                      featured_image_alt="A blue and green test card")
    article.featured_image.save(f"drill-{{n}}.jpg", ContentFile(buffer.getvalue()), save=True)
"""
    run_checked([PYTHON, "manage.py", "shell", "-c", script], site.env)

    def ready() -> int:
        import psycopg

        with psycopg.connect(site.direct_url) as connection:
            return connection.execute(
                "SELECT count(*) FROM articles_article WHERE headline LIKE 'Worker drill %' "
                "AND featured_image_rendered = featured_image"
            ).fetchone()[0]

    site.env["TASKS_WORKER_HEARTBEAT"] = "2"
    site.env["TASKS_WORKER_LOST_AFTER"] = "10"
    site.start_worker()
    wait_until(lambda: ready() >= 1, seconds=120, what="a first rendition")
    before = ready()
    site.kill_worker()
    killed = time.monotonic()
    time.sleep(2)
    restarted = time.monotonic()
    site.start_worker()
    deadline = time.monotonic() + 60
    while ready() < images and time.monotonic() < deadline:
        time.sleep(0.5)
    missing = images - ready()
    repaired = None
    if missing:
        # The restarted worker should have re-queued the interrupted task; if not, the
        # documented repair queues every image whose renditions are missing.
        started = time.monotonic()
        run_checked([PYTHON, "manage.py", "make_renditions"], site.env)
        wait_until(lambda: ready() >= images, seconds=120, step=0.5, what="the repair")
        repaired = time.monotonic() - started
    return {
        "drill": "worker",
        "images": images,
        "ready when killed": before,
        "worker down (s)": restarted - killed,
        "missing 60 s after restart": missing,
        "all ready after make_renditions (s)": repaired if missing else "not needed",
    }


def table(result: dict) -> str:
    keys = [k for k in result if k not in {"drill", "edited"}]
    head = "| " + " | ".join(keys) + " |"
    rule = "|" + "---:|" * len(keys)

    def cell(value):
        if isinstance(value, float):
            return f"{value:.2f}" if value < 10 else f"{value:.0f}"
        return str(value)

    return "\n".join([head, rule, "| " + " | ".join(cell(result[k]) for k in keys) + " |"])


def write(results_md: Path, blocks: list[str], notes: str) -> None:
    text = results_md.read_text()
    block = f"{START}\n{notes}\n\n" + "\n\n".join(blocks) + f"\n{END}"
    if START in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Fault drills under light load\n\n" + block + "\n"
    results_md.write_text(text)


DRILLS = {"redis": redis_drill, "postgres": postgres_drill, "worker": worker_drill}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", default=",".join(DRILLS))
    parser.add_argument("--results", help="write the tables into this RESULTS.md")
    args = parser.parse_args()
    blocks = []
    with tempfile.TemporaryDirectory(prefix="nr-faults-") as folder:
        site = Site(Path(folder))
        try:
            for name in args.drills.split(","):
                result = DRILLS[name](site)
                block = f"**{name}**\n\n{table(result)}"
                print(block + "\n", flush=True)
                blocks.append(block)
        finally:
            site.close()
    if args.results:
        notes = (
            f"`bench/faults.py` on {dt.date.today()}: two gunicorn app servers (1 worker, 4 "
            f"threads each), own redis-server and PostgreSQL database (through a TCP proxy), "
            f"2 reader threads, an editor adding an article every second; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} shared cores. Times in ms unless "
            "marked s; 503 is the friendly answer, 5xx counts anything else."
        )
        write(Path(args.results), blocks, notes)


if __name__ == "__main__":
    main()
