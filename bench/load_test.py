"""A bounded load test of the production server on loopback: many readers, a few editors.

    .venv/bin/python bench/load_test.py                   # 20,000 reads, 3 editors, PostgreSQL
    .venv/bin/python bench/load_test.py --sqlite          # the embedded setup instead
    .venv/bin/python bench/load_test.py --requests 2000   # a quick look
    .venv/bin/python bench/load_test.py --results bench/RESULTS.md   # record the result

What it does:

1. Builds a throwaway site: its own database (PostgreSQL ``nr_load_<random>`` plus Redis
   database 9, or SQLite in a temporary folder), migrated, with the demo content and one
   login per editor.
2. Starts the production server as ``make serve`` does — gunicorn with gunicorn.conf.py,
   ``DEBUG=false``, the page cache on — on a free port on 127.0.0.1.
3. Readers (threads with keep-alive connections) request pages across the site — home and
   its pages, articles, sections, tags, authors, books, feeds, sitemaps, search, unknown
   addresses — until ``--requests`` answers are in. At the same time each editor signs in
   to the admin and keeps saving an article, appending a numbered line each time; two of
   them share one article, so some of their saves are refused as stale (by design).
4. Checks: no answer was a 5xx, and every save the server accepted is in the article
   (no lost saves). Prints the figures; exits non-zero if a check failed.

Everything it starts it stops, and the database it made it drops. A measurement, not a test:
the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
RESULTS_START = "<!-- load-test:start -->"
RESULTS_END = "<!-- load-test:end -->"


# --- the site under test ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Site:
    port: int
    env: dict[str, str]
    workdir: Path
    database: str | None = None  # PostgreSQL database to drop at the end
    server: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def make_site(*, use_sqlite: bool) -> Site:
    """The environment ``make serve`` gives the app, on a database of our own."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback, as `make serve` does when SITE_URL is not https.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        SERVE_MEDIA="true",
        NEWSROOM_VAR_DIR=str(workdir / "var"),
        PORT=str(port),
        PAGE_CACHE="true",
        LOG_LEVEL="ERROR",
    )
    site = Site(port=port, env=env, workdir=workdir)
    if not use_sqlite:
        import psycopg

        site.database = f"nr_load_{secrets.token_hex(4)}"
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{site.database}"')
        env["DATABASE_URL"] = f"{POSTGRES}/{site.database}"
        env["REDIS_URL"] = REDIS_URL
        env["CACHE_KEY_PREFIX"] = f"load-{secrets.token_hex(4)}"
    return site


def manage(site: Site, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


SETUP_SNIPPET = r"""
import json, sys
from django.contrib.auth import get_user_model
from django.urls import reverse
from taggit.models import Tag
from articles.models import Article, Section
from authors.models import Author
from books.models import Book

editors = json.loads(sys.argv[1])
User = get_user_model()
for username, password in editors.items():
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.email = f"{username}@staff.example.org"
    user.set_password(password)
    user.save()

live = list(Article.objects.live().order_by("-published_at"))
urls = {
    "article": [a.get_absolute_url() for a in live],
    "section": [s.get_absolute_url() for s in Section.objects.all()],
    "tag": [reverse("articles:tag", kwargs={"slug": t.slug}) for t in Tag.objects.all()],
    "author": [a.get_absolute_url() for a in Author.objects.with_live_articles()],
    "book": [b.get_absolute_url() for b in Book.objects.on_shelf()],
}
print(json.dumps({"urls": urls, "editable": [a.pk for a in live[:8]]}))
"""


def prepare(site: Site, editors: dict[str, str]) -> dict:
    manage(site, "migrate", "--noinput", "-v0")
    manage(site, "collectstatic", "--noinput", "-v0")
    manage(site, "demo", "--noinput")
    output = manage(
        site, "shell", "-c", SETUP_SNIPPET.replace("sys.argv[1]", repr(json.dumps(editors)))
    )
    return json.loads(output.strip().splitlines()[-1])


def start_server(site: Site) -> None:
    site.server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        cwd=REPO,
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=open(site.workdir / "server.log", "w"),  # noqa: SIM115 - closed with the process
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        if site.server.poll() is not None:
            break
        time.sleep(0.3)
    raise SystemExit(f"the server did not start; see {site.workdir / 'server.log'}")


def stop(site: Site) -> None:
    if site.server and site.server.poll() is None:
        os.killpg(site.server.pid, signal.SIGTERM)
        try:
            site.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(site.server.pid, signal.SIGKILL)
    if site.database:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{site.database}" WITH (FORCE)')
        try:
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            prefix = site.env["CACHE_KEY_PREFIX"]
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)
        except Exception:  # the cache is disposable; a leftover key expires by itself
            pass
    shutil.rmtree(site.workdir, ignore_errors=True)


# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Stats:
    statuses: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    page_cache: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, url: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.setdefault(kind, []).append(seconds)
            if status >= 500:
                self.server_errors.append(f"{status} {url}")


class Browser:
    """One keep-alive connection with a cookie jar; reconnects when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, url: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                started = time.perf_counter()
                self.connection.request(method, url, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, response.headers, data, elapsed


class _FormFields(HTMLParser):
    """The submittable fields of the admin's article form, as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form" and attrs.get("id") == "article_form":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


# --- the load --------------------------------------------------------------------------------


def reader_urls(urls: dict) -> list[tuple[str, str]]:
    """(kind, url) with the weights of real traffic: mostly articles, then lists, then rest."""
    weighted: list[tuple[str, str]] = []
    weighted += [("article", url) for url in urls["article"] for _ in range(6)]
    weighted += [("home", "/")] * 20 + [("home", "/?page=2")] * 3
    weighted += [("section", url) for url in urls["section"] for _ in range(2)]
    weighted += [("tag", url) for url in urls["tag"]]
    weighted += [("author", url) for url in urls["author"] for _ in range(2)]
    weighted += [("book", url) for url in urls["book"]] + [("book", "/books/")] * 2
    weighted += [("feed", "/feed/")] * 4 + [("feed", "/feed/atom/")] * 2
    weighted += [("sitemap", "/sitemap.xml"), ("sitemap", "/sitemap-news.xml")]
    for query in ("harbour", "council vote", "winter", "<b>odd</b> & query", "x" * 300):
        weighted.append(("search", "/search/?" + urlencode({"q": query})))
    weighted += [("not-found", "/articles/no-such-article/"), ("not-found", "/?page=999")]
    weighted += [("health", "/healthz")]
    return weighted


def guarded(target, stats: Stats):
    """Run a worker; a crash is counted as an error, never silently lost with its thread."""

    def run(*args):
        try:
            target(*args)
        except Exception as error:
            with stats.lock:
                stats.errors[f"{target.__name__} crashed: {error!r}"] += 1

    return run


def run_reader(port: int, urls, stats: Stats, budget: list[int], seed: int) -> None:
    rng = random.Random(seed)
    browser = Browser(port)
    while True:
        with stats.lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        kind, url = rng.choice(urls)
        try:
            status, headers, _, elapsed = browser.request(
                "GET", url, headers={"Accept-Encoding": "gzip"}
            )
        except OSError as error:
            with stats.lock:
                stats.errors[type(error).__name__] += 1
            browser = Browser(port)
            continue
        stats.record(kind, url, status, elapsed)
        with stats.lock:
            stats.page_cache[headers.get("X-Page-Cache", "none")] += 1


@dataclass
class EditorLog:
    accepted: dict[int, list[str]] = field(default_factory=dict)  # article pk -> markers
    refused: dict[int, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def run_editor(
    port: int,
    username: str,
    password: str,
    articles: list[int],
    stats: Stats,
    log: EditorLog,
    stop_event: threading.Event,
    pause: float,
) -> None:
    browser = Browser(port)
    status, _, page, _ = browser.request("GET", "/admin/login/")
    token = CSRF_RE.search(page.decode()).group(1)
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": "/admin/",
        }
    ).encode()
    status, _, _, elapsed = browser.request(
        "POST",
        "/admin/login/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    stats.record("admin-login", "/admin/login/", status, elapsed)
    if status != 302:
        log.failures.append(f"{username} could not sign in ({status})")
        return
    count = 0
    while not stop_event.is_set():
        for pk in articles:
            url = f"/admin/articles/article/{pk}/change/"
            status, _, page, elapsed = browser.request("GET", url)
            stats.record("admin-form", url, status, elapsed)
            if status != 200:
                continue
            reader = _FormFields()
            reader.feed(page.decode())
            count += 1
            marker = f"load-save {username} #{count}"
            fields = [
                (name, value + f"<p>{marker}</p>" if name == "body" else value)
                for name, value in reader.fields
            ]
            fields.append(("_continue", "Save and continue editing"))
            status, _, answer, elapsed = browser.request(
                "POST",
                url,
                urlencode(fields).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "Referer": url},
            )
            stats.record("admin-save", url, status, elapsed)
            with log.lock:
                if status == 302:
                    log.accepted.setdefault(pk, []).append(marker)
                elif status == 200:
                    log.refused.setdefault(pk, []).append(marker)
                    if b"errornote" not in answer and b"errorlist" not in answer:
                        log.failures.append(f"{username}: save answered 200 without a reason")
                else:
                    log.failures.append(f"{username}: save answered {status}")
            time.sleep(pause)


BODIES_SNIPPET = r"""
import json
from articles.models import Article
print(json.dumps({a.pk: a.body for a in Article.objects.all()}))
"""


def verify_saves(site: Site, log: EditorLog) -> tuple[int, int, list[str]]:
    """(accepted, refused, problems): every accepted save present, no refused one."""
    bodies = {
        int(k): html.unescape(v)
        for k, v in json.loads(
            manage(site, "shell", "-c", BODIES_SNIPPET).strip().splitlines()[-1]
        ).items()
    }
    problems = []
    for pk, markers in log.accepted.items():
        problems += [
            f"lost: {m} on article {pk}" for m in markers if f"<p>{m}</p>" not in bodies[pk]
        ]
    for pk, markers in log.refused.items():
        problems += [f"refused but saved: {m}" for m in markers if f"<p>{m}</p>" in bodies[pk]]
    accepted = sum(len(m) for m in log.accepted.values())
    refused = sum(len(m) for m in log.refused.values())
    return accepted, refused, problems


# --- report ----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(args, site: Site, stats: Stats, seconds: float, saves, problems) -> str:
    reads = sum(len(v) for k, v in stats.latencies.items() if not k.startswith("admin"))
    lines = [
        f"## Load test ({dt.date.today().isoformat()})",
        "",
        f"Command: `.venv/bin/python bench/load_test.py {' '.join(sys.argv[1:])}`".rstrip(),
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average before the run {args.load_before}",
        f"Server: gunicorn (gunicorn.conf.py) on 127.0.0.1, DEBUG=false, page cache on, "
        f"{'SQLite' if args.sqlite else 'PostgreSQL + Redis'}",
        f"Load: {args.readers} reader connections, {args.editors} editors "
        f"(two sharing one article), {reads} reads in {seconds:.1f} s "
        f"= {reads / seconds:.0f} reads/s",
        "",
        "| kind | requests | p50 ms | p90 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in sorted(stats.latencies):
        values = stats.latencies[kind]
        lines.append(
            f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
            f"{percentile(values, 0.9) * 1000:.1f} | {percentile(values, 0.99) * 1000:.1f} | "
            f"{max(values) * 1000:.1f} |"
        )
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(stats.statuses.items()))
    accepted, refused = saves
    five_xx = sum(n for code, n in stats.statuses.items() if code >= 500)
    lines += [
        "",
        f"Statuses: {statuses}",
        f"5xx answers: **{five_xx}**; connection errors: {sum(stats.errors.values())}",
        "Page cache (X-Page-Cache of reads): "
        + ", ".join(f"{k}: {n}" for k, n in sorted(stats.page_cache.items()))
        + " — every accepted save starts a new content generation, so editors saving"
        " every second keep most pages uncached; that is the point of this test",
        f"Editor saves: {accepted} accepted, {refused} refused as stale (the shared article); "
        f"lost saves: **{len([p for p in problems if p.startswith('lost')])}**",
    ]
    return "\n".join(lines)


def write_results(path: Path, text: str) -> None:
    """Replace this script's section of the results file, leaving the rest as it is."""
    block = f"{RESULTS_START}\n{text}\n{RESULTS_END}"
    current = path.read_text() if path.exists() else ""
    if RESULTS_START in current and RESULTS_END in current:
        before, rest = current.split(RESULTS_START, 1)
        after = rest.split(RESULTS_END, 1)[1]
        path.write_text(before + block + after)
    else:
        path.write_text(current.rstrip() + ("\n\n" if current else "") + block + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="reads to make")
    parser.add_argument("--readers", type=int, default=16, help="concurrent reader connections")
    parser.add_argument("--editors", type=int, default=3, help="editors saving meanwhile")
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds each editor waits between saves"
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite and local cache")
    parser.add_argument("--results", type=Path, help="write the figures into this file")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    if args.editors < 2:
        parser.error("at least 2 editors (two of them share an article)")

    args.load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    site = make_site(use_sqlite=args.sqlite)
    try:
        editors = {f"load-editor-{i}": secrets.token_urlsafe(16) for i in range(args.editors)}
        print("Preparing the site (migrate, static files, demo content)…", flush=True)
        prepared = prepare(site, editors)
        editable = prepared["editable"]
        if len(editable) < args.editors:
            raise SystemExit("the demo has too few live articles for that many editors")
        start_server(site)
        print(f"Server on {site.base}; {args.requests} reads, {args.editors} editors…")

        stats, log = Stats(), EditorLog()
        stop_event = threading.Event()
        shared = editable[0]
        assignments = [[shared, editable[1]], [shared, editable[2]]] + [
            [editable[i + 1]] for i in range(2, args.editors)
        ]
        editors_threads = [
            threading.Thread(
                target=guarded(run_editor, stats),
                args=(
                    site.port,
                    name,
                    password,
                    assignments[i],
                    stats,
                    log,
                    stop_event,
                    args.pause,
                ),
                daemon=True,
            )
            for i, (name, password) in enumerate(editors.items())
        ]
        urls = reader_urls(prepared["urls"])
        budget = [args.requests]
        readers = [
            threading.Thread(
                target=guarded(run_reader, stats),
                args=(site.port, urls, stats, budget, args.seed + i),
                daemon=True,
            )
            for i in range(args.readers)
        ]
        started = time.perf_counter()
        for thread in editors_threads + readers:
            thread.start()
        for thread in readers:
            thread.join()
        seconds = time.perf_counter() - started
        stop_event.set()
        for thread in editors_threads:
            thread.join(timeout=120)

        accepted, refused, problems = verify_saves(site, log)
        text = report(args, site, stats, seconds, (accepted, refused), problems)
        print()
        print(text)
        failures = list(log.failures) + problems + stats.server_errors[:20]
        if stats.errors:
            failures.append(f"connection errors: {dict(stats.errors)}")
        if accepted == 0:
            failures.append("no editor save was accepted")
        if failures:
            print("\nFAILED:\n  " + "\n  ".join(failures[:40]))
        if args.results:
            write_results(args.results, text + ("\n\nResult: **failed**" if failures else ""))
            print(f"\nWritten to {args.results}")
        return 1 if failures else 0
    finally:
        stop(site)


if __name__ == "__main__":
    sys.exit(main())
