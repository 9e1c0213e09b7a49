"""A working day: readers under wrk while editors save, edit and publish (issue 14).

A measurement, not a test. One machine, one run::

    .venv/bin/python bench/workday.py                  # 60 s per phase, app alone and Varnish
    .venv/bin/python bench/workday.py --duration 20 --fronts app   # a quick look
    BENCH_REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/workday.py

What it does:

1. Builds bench/run.py's data set (2,400 articles, ``--articles`` for another size) in its own
   PostgreSQL database (``nr_workday``), with Redis as the shared cache (``BENCH_REDIS_URL``).
2. For each front — the app alone (gunicorn as ``make serve`` runs it: gunicorn.conf.py,
   DEBUG=false, PostgreSQL, Redis, page cache on) and Varnish (Debian's varnishd running
   deploy/varnish.vcl in front of it, purged by tag through ``VARNISH_PURGE_URLS``) — runs
   two phases of ``--duration`` seconds each, after a warm-up:
   - **idle**: readers only;
   - **working day**: readers, while editors work through the ORM services
     (editorial.services ``content_save`` / ``content_publish``): a draft saved every 2 s,
     a live article edited every 20 s, a new article published every 60 s (the first a few
     seconds in, so a short phase has one).
3. Readers are wrk requesting public pages in a Zipf-like mix (weight 1/rank): home, the
   feeds and the newest articles first, then sections, authors, section feeds and the long
   tail of older articles. A Lua script counts the answers that were cache hits.
4. A checker samples the pages the editors change (the edited article, home, its section,
   Recent Articles on another article, the newest story) all along, each response compared
   with what had committed before the request was sent: a page showing an older edition or
   missing a story published before the request is **stale** (0 allowed); a draft's words on
   a public page is a **leak**. After each publish, how long until the story shows on its own
   page, on home and in Recent Articles is measured.
5. Prints the figures and writes them to bench/RESULTS.md (between workday markers).

Requirements: PostgreSQL and Redis on 127.0.0.1, wrk (Debian ``wrk``), and for the Varnish
front Debian's ``varnish`` and ``varnish-modules`` (``bash .ci/install-varnish``).
Everything it starts it stops.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("BENCH_DATABASE", "nr_workday")

from bench import run  # noqa: E402  (reads BENCH_DATABASE on import)

VAR = run.VAR / "workday"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
START, END = "<!-- workday:start -->", "<!-- workday:end -->"

LUA = r"""
-- Readers: each thread walks the Zipf-like sample from its own random offset.
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  paths = dofile(args[1])
  math.randomseed(os.time() * 97 + id)
  i = math.random(#paths)
  responses, edge_hits, app_hits, bad, s503, partials, misses = 0, 0, 0, 0, 0, 0, 0
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
local function header(headers, name)
  return headers[name] or headers[string.lower(name)]
end
function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then bad = bad + 1 end
  if status == 503 then s503 = s503 + 1 end
  if header(headers, "X-Edge-Cache") == "HIT" then
    edge_hits = edge_hits + 1
  elseif header(headers, "X-Page-Cache") == "HIT" then
    app_hits = app_hits + 1
  elseif header(headers, "X-Page-Cache") == "PARTIAL" then
    partials = partials + 1
  else
    misses = misses + 1
  end
end
function done(summary, latency, requests)
  local r, e, a, b, u, p, m = 0, 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("responses"); e = e + t:get("edge_hits")
    a = a + t:get("app_hits"); b = b + t:get("bad"); u = u + t:get("s503")
    p = p + t:get("partials"); m = m + t:get("misses")
  end
  io.write(string.format(
    "WORKDAY responses=%d edge_hits=%d app_hits=%d non200=%d s503=%d partials=%d misses=%d\n",
    r, e, a, b, u, p, m))
end
"""


# --- the app server and the data ------------------------------------------------------------


class AppServer(run.AppServer):
    """The production server as ``make serve`` starts it (gunicorn.conf.py, DEBUG=false), in
    its own process group, its log kept across phases. (Not ``make serve`` itself: it would
    reinstall the project into the virtualenv whenever pyproject.toml is newer than its
    stamp.)"""

    log_mode = "ab"

    def command(self) -> list[str]:
        return [GUNICORN, "-c", "gunicorn.conf.py", "newsroom.wsgi"]


def prepare_data(articles: int) -> dict[str, int]:
    from django.core.management import call_command

    from articles.models import Article

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    if Article.objects.count() < articles:
        from django.db import connections

        started = time.monotonic()
        run.ARTICLES = articles
        connections.close_all()
        run.drop_database()
        run.ensure_database()
        call_command("migrate", interactive=False, verbosity=0)
        sizes = run.load_dataset()
        print(f"  loaded in {time.monotonic() - started:.0f}s: {sizes}")
    from caching import cache

    cache.content_changed()
    return {"articles": Article.objects.count(), "live": Article.objects.live().count()}


@dataclass
class Site:
    """What the readers request and what the editors and the checker work on."""

    weighted: list[str]
    distinct: list[str]
    edited: object  # a live article on home and in Recent Articles, edited all day
    consumer: object  # an older article whose page shows Recent Articles
    section_url: str


def site_pages(rng: random.Random) -> Site:
    from django.urls import reverse

    from articles.models import Article, Section
    from authors.models import Author

    live = list(Article.objects.live().order_by("-published_at").values_list("pk", flat=True))
    articles = Article.objects.in_bulk(live)
    newest = [articles[pk].get_absolute_url() for pk in live[:20]]
    tail = [articles[pk].get_absolute_url() for pk in live[20:]]
    sections = [s.get_absolute_url() for s in Section.objects.order_by("position")]
    authors = [a.get_absolute_url() for a in Author.objects.order_by("pk")]
    ranked = [reverse("articles:home"), reverse("articles:feed"), *newest[:5]]
    ranked += [*sections, *newest[5:], reverse("articles:feed-atom"), *authors]
    ranked += [f"{url}feed/" for url in sections] + tail
    weights = [1 / rank for rank in range(1, len(ranked) + 1)]
    sample = rng.choices(ranked, weights=weights, k=20_000)
    edited = articles[live[1]]
    return Site(
        weighted=sample,
        distinct=ranked,
        edited=edited,
        consumer=articles[live[30]],
        section_url=edited.section.get_absolute_url(),
    )


# --- editors and the checker ----------------------------------------------------------------


@dataclass
class Ledger:
    """What has committed, and when (monotonic clock, after the service returned)."""

    run_id: str
    edition: int = 0  # the edited article's headline says "update <run> e<edition>"
    story: int = 0  # the newest published story is "Workday story <run> n<story>"
    story_urls: dict[int, str] = field(default_factory=dict)
    drafts_saved: int = 0
    edits: int = 0
    publishes: int = 0
    visibility: list[dict[str, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            return self.edition, self.story


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8", "replace")


def editors(
    base: str,
    site: Site,
    ledger: Ledger,
    seconds: float,
    stop: threading.Event,
    drafts_only: bool = False,
):
    """Draft saves every 2 s, a live edit every 20 s, a publish every 60 s (first at 5 s);
    with ``drafts_only``, the draft saves alone (which must cost readers nothing)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from articles.models import Article, Byline
    from editorial import services

    editor, _ = get_user_model().objects.get_or_create(
        username="workday-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    author = site.edited.bylines.first().author
    section = site.edited.section
    base_headline = re.sub(r" \(update .*\)$", "", site.edited.headline)
    drafts = []
    for n in range(3):
        draft = Article(
            headline=f"Unpublished draft {ledger.run_id} d{n}",
            section=section,
            dek="Notes not yet for readers.",
            body=f"<p>draftleak {ledger.run_id} first words.</p>",
        )
        drafts.append(services.content_save(obj=draft, by=editor))
    start = time.monotonic()
    never = float("inf")
    next_draft, next_edit, next_publish = 0.0, 10.0, 5.0
    if drafts_only:
        next_edit = next_publish = never
    while not stop.is_set() and time.monotonic() - start < seconds:
        now = time.monotonic() - start
        if now >= next_publish:
            next_publish += 60
            number = ledger.story + 1
            story = Article(
                headline=f"Workday story {ledger.run_id} n{number}",
                section=section,
                dek="Published during the working-day benchmark.",
                body="<p>The harbour ferry schedule changes next week.</p>",
            )
            services.content_save(obj=story, by=editor)
            Byline.objects.create(article=story, author=author, position=0)
            services.content_publish(obj=story, by=editor)
            committed = time.monotonic()
            with ledger.lock:
                ledger.story = number
                ledger.story_urls[number] = story.get_absolute_url()
                ledger.publishes += 1
            threading.Thread(
                target=visibility,
                args=(base, site, ledger, number, story.get_absolute_url(), committed),
                daemon=True,
            ).start()
        elif now >= next_edit:
            next_edit += 20
            article = Article.objects.get(pk=site.edited.pk)
            edition = ledger.edition + 1
            article.headline = f"{base_headline} (update {ledger.run_id} e{edition})"
            services.content_save(obj=article, by=editor)
            with ledger.lock:
                ledger.edition = edition
                ledger.edits += 1
        elif now >= next_draft:
            next_draft += 2
            draft = drafts[ledger.drafts_saved % len(drafts)]
            draft.refresh_from_db()
            draft.body = f"<p>draftleak {ledger.run_id} revision {ledger.drafts_saved}.</p>"
            services.content_save(obj=draft, by=editor)
            ledger.drafts_saved += 1
        else:
            time.sleep(0.05)
    connection.close()


def visibility(base, site, ledger, number, story_url, committed, limit: float = 30.0) -> None:
    """Seconds from the publish's commit until the story shows on each page that lists it."""
    marker = f"Workday story {ledger.run_id} n{number}"
    pending = {
        "its page": story_url,
        "home": "/",
        "Recent Articles": site.consumer.get_absolute_url(),
    }
    seen: dict[str, float] = {}
    while pending and time.monotonic() - committed < limit:
        for name, path in list(pending.items()):
            try:
                if marker in fetch(base + path):
                    seen[name] = time.monotonic() - committed
                    del pending[name]
            except OSError:
                pass
        time.sleep(0.02)
    seen.update(dict.fromkeys(pending, float("inf")))
    with ledger.lock:
        ledger.visibility.append(seen)


@dataclass
class Checks:
    sampled: int = 0
    stale: int = 0
    leaks: int = 0
    errors: int = 0
    examples: list[str] = field(default_factory=list)


def checker(base: str, site: Site, ledger: Ledger, stop: threading.Event, checks: Checks):
    """Sample the pages the editors change; compare each with what committed before it."""
    run_id = ledger.run_id
    edition_re = re.compile(rf"update {run_id} e(\d+)")
    story_re = re.compile(rf"Workday story {run_id} n(\d+)")
    pages = {
        "edited article": site.edited.get_absolute_url(),
        "home": "/",
        "section": site.section_url,
        "Recent Articles": site.consumer.get_absolute_url(),
    }
    while not stop.is_set():
        for name, path in [*pages.items(), ("newest story", None)]:
            edition, story = ledger.snapshot()  # committed before the request is sent
            if path is None:
                if not story:
                    continue
                path = ledger.story_urls[story]
            try:
                text = fetch(base + path)
            except OSError:
                checks.errors += 1
                continue
            checks.sampled += 1
            shown_edition = max(map(int, edition_re.findall(text)), default=None)
            shown_story = max(map(int, story_re.findall(text)), default=0)
            problems = []
            shows_edition = name in {"edited article", "home", "section"}
            if edition and shows_edition and (shown_edition or 0) < edition:
                problems.append(f"edition {shown_edition} < {edition}")
            lists_stories = name in {"home", "section", "Recent Articles", "newest story"}
            if story and lists_stories and shown_story < story:
                problems.append(f"story n{shown_story} < n{story}")
            if problems:
                checks.stale += 1
                if len(checks.examples) < 5:
                    checks.examples.append(f"{name} {path}: {', '.join(problems)}")
            if f"draftleak {run_id}" in text or f"Unpublished draft {run_id}" in text:
                checks.leaks += 1
            time.sleep(0.02)


# --- readers --------------------------------------------------------------------------------


@dataclass
class Phase:
    front: str
    name: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    responses: int = 0
    edge_hits: int = 0
    app_hits: int = 0
    partials: int = 0
    misses: int = 0
    non200: int = 0
    s503: int = 0
    checks: Checks = field(default_factory=Checks)
    editors: dict[str, int] = field(default_factory=dict)
    visibility: list[dict[str, float]] = field(default_factory=list)

    @property
    def hit_ratio(self) -> float:
        return (self.edge_hits + self.app_hits) / self.responses if self.responses else 0.0


def wrk(base: str, seconds: int, args, paths_file: Path, script: Path, phase: Phase) -> None:
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            base,
            "--",
            str(paths_file),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    phase.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    phase.p50_ms = run._ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    phase.p99_ms = run._ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    counts = dict(re.findall(r"(\w+)=(\d+)", out.split("WORKDAY", 1)[1]))
    phase.responses, phase.non200 = int(counts["responses"]), int(counts["non200"])
    phase.s503 = int(counts["s503"])
    phase.edge_hits, phase.app_hits = int(counts["edge_hits"]), int(counts["app_hits"])
    phase.partials, phase.misses = int(counts["partials"]), int(counts["misses"])


VARNISH_COUNTERS = (
    "MAIN.fetch_failed",
    "MAIN.backend_fail",
    "MAIN.n_lru_nuked",
    "MAIN.n_lru_limited",
    "SMA.s0.c_fail",
    "MAIN.busy_sleep",
    "MAIN.sess_drop",
)


def run_phase(
    front, name, base, site, args, paths_file, script, working, drafts_only=False, varnish=None
):
    phase = Phase(front, name)
    ledger = Ledger(run_id=secrets.token_hex(3))
    stop = threading.Event()
    check = threading.Thread(target=checker, args=(base, site, ledger, stop, phase.checks))
    check.start()
    work = None
    if working:
        work = threading.Thread(
            target=editors, args=(base, site, ledger, args.duration, stop, drafts_only)
        )
        work.start()
    try:
        wrk(base, args.duration, args, paths_file, script, phase)
    finally:
        stop.set()
        check.join()
        if work:
            work.join()
    time.sleep(1)  # let the last visibility probe finish
    phase.editors = {
        "drafts saved": ledger.drafts_saved,
        "live edits": ledger.edits,
        "publishes": ledger.publishes,
    }
    phase.visibility = list(ledger.visibility)
    print(
        f"  {front:<8} {name:<12} {phase.rps:8.0f} req/s  p50 {phase.p50_ms:7.2f} ms  "
        f"p99 {phase.p99_ms:7.2f} ms  hits {phase.hit_ratio:6.1%}  "
        f"(partial {phase.partials}, miss {phase.misses} of {phase.responses})  "
        f"checked {phase.checks.sampled} stale {phase.checks.stale} leaks {phase.checks.leaks}"
        f"  {phase.editors if working else ''}"
    )
    if varnish is not None:
        counters = varnish.stats()
        print(
            "    varnishstat: " + ", ".join(f"{c} {counters.get(c, 0)}" for c in VARNISH_COUNTERS)
        )
    for example in phase.checks.examples:
        print(f"    stale: {example}")
    for seen in phase.visibility:
        print("    visible after: " + ", ".join(f"{k} {v:.3f} s" for k, v in seen.items()))
    return phase


def prewarm(base: str, paths: list[str], workers: int = 4) -> None:
    """Request every page of the mix once: the phases measure a site whose pages are cached,
    as a site that has been up for a while is, not the first visit of each page."""
    from concurrent.futures import ThreadPoolExecutor

    def one(path: str) -> None:
        with contextlib.suppress(OSError):
            fetch(base + path)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, paths))


# --- the run --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per phase")
    parser.add_argument("--warmup", type=int, default=15, help="seconds of readers first")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--articles", type=int, default=run.ARTICLES, help="data set size")
    parser.add_argument("--fronts", default="app,varnish", help="app, varnish or both")
    parser.add_argument(
        "--drafts-phase",
        action="store_true",
        help="add a phase with the draft saves alone, between idle and the working day",
    )
    parser.add_argument(
        "--no-prewarm", action="store_true", help="do not request every page once first"
    )
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    fronts = [f.strip() for f in args.fronts.split(",") if f.strip()]
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if "varnish" in fronts:
        from tests.caching.varnish import INSTALL_HINT, varnish_available

        if not varnish_available():
            sys.exit(f"varnishd with the xkey vmod is not installed; {INSTALL_HINT}")

    load_before = os.getloadavg()
    VAR.mkdir(parents=True, exist_ok=True)
    app_port = run.free_port()
    env = run.server_env(
        app_port,
        secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        CACHE_KEY_PREFIX="workday",
        PAGE_CACHE="true",
    )
    os.environ.update(env)
    run.ensure_database()
    import django

    django.setup()
    print("== data set")
    sizes = prepare_data(args.articles)
    print(f"  {sizes}")
    rng = random.Random(14)
    site = site_pages(rng)
    from django.db import connections

    connections.close_all()
    paths_file = VAR / "paths.lua"
    paths_file.write_text("return {\n" + "".join(f'"{p}",\n' for p in site.weighted) + "}\n")
    script = VAR / "readers.lua"
    script.write_text(LUA)

    phases: list[Phase] = []
    for front in fronts:
        print(f"== {front}")
        varnish = None
        server_env = dict(env)
        base = f"http://127.0.0.1:{app_port}"
        if front == "varnish":
            from django.conf import settings

            from tests.caching.varnish import Varnish

            varnish = Varnish(VAR / "varnish", backend_port=app_port).start(memory="256m")
            base = varnish.base_url
            server_env["VARNISH_PURGE_URLS"] = f"{base}/"
            settings.VARNISH_PURGE_URLS = [f"{base}/"]
        try:
            with AppServer(server_env, VAR / "serve.log"):
                if not args.no_prewarm:
                    started = time.monotonic()
                    prewarm(base, site.distinct)
                    print(f"  every page requested once in {time.monotonic() - started:.0f}s")
                warm = Phase(front, "warm-up")
                wrk(base, args.warmup, args, paths_file, script, warm)
                phases.append(
                    run_phase(
                        front, "idle", base, site, args, paths_file, script, False, False, varnish
                    )
                )
                if args.drafts_phase:
                    phases.append(
                        run_phase(
                            front,
                            "drafts only",
                            base,
                            site,
                            args,
                            paths_file,
                            script,
                            True,
                            True,
                            varnish,
                        )
                    )
                phases.append(
                    run_phase(
                        front,
                        "working day",
                        base,
                        site,
                        args,
                        paths_file,
                        script,
                        True,
                        False,
                        varnish,
                    )
                )
        finally:
            if varnish:
                varnish.stop()
                from django.conf import settings

                settings.VARNISH_PURGE_URLS = []
    load_after = os.getloadavg()
    report = render(args, sizes, site, phases, load_before, load_after)
    print(report)
    write_section(Path(args.output), report)
    print(f"== written to {os.path.relpath(args.output, REPO)}")


HOW_TO_RUN = """\
Readers under wrk while editors work through the editorial services, on PostgreSQL + Redis
with the bench data set, straight to gunicorn (`app`) and through Varnish running
deploy/varnish.vcl (`varnish`). Run it with
`.venv/bin/python bench/workday.py [--duration 60] [--fronts app,varnish] [--articles 2400]`
(`BENCH_REDIS_URL`, `BENCH_POSTGRES_URL` and `BENCH_DATABASE`, default `nr_workday`, pick
the services); it needs `wrk`, and `varnish` + `varnish-modules` for the Varnish front
(`bash .ci/install-varnish`). It rewrites only this section."""


def render(args, sizes, site, phases, load_before, load_after) -> str:
    machine = run.machine()
    lines = [
        START,
        "## Working day (bench/workday.py, issue 14)",
        "",
        HOW_TO_RUN,
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"`{' '.join(['bench/workday.py', *sys.argv[1:]])}`"
        f" — {args.duration} s per phase after {args.warmup} s of warm-up, wrk "
        f"{args.threads} threads × {args.connections} connections over {len(site.distinct):,} "
        f"distinct public pages (Zipf-like mix), {sizes['live']:,} live articles. "
        f"{machine['CPU']}, {machine['memory']}; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after.",
        "",
        "| front | phase | req/s | p50 ms | p99 ms | hit ratio (edge + app) | non-200 (503) | "
        "sampled | stale | draft leaks | editors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for p in phases:
        hits = f"{p.hit_ratio:.1%}"
        if p.edge_hits:
            hits += f" ({p.edge_hits / p.responses:.1%} + {p.app_hits / p.responses:.1%})"
        editors = ", ".join(f"{v} {k}" for k, v in p.editors.items()) if p.editors else "—"
        lines.append(
            f"| {p.front} | {p.name} | {p.rps:,.0f} | {p.p50_ms:.2f} | {p.p99_ms:.2f} | {hits} | "
            f"{p.non200} ({p.s503}) | {p.checks.sampled} | {p.checks.stale} | {p.checks.leaks} | "
            f"{editors} |"
        )
    lines.append("")
    for front in dict.fromkeys(p.front for p in phases):
        idle = next((p for p in phases if p.front == front and p.name == "idle"), None)
        day = next((p for p in phases if p.front == front and p.name == "working day"), None)
        if idle and day and idle.rps:
            lines.append(
                f"- **{front}**: working-day throughput is **{day.rps / idle.rps:.0%}** of idle "
                f"({day.rps:,.0f} / {idle.rps:,.0f} req/s); stale pages {day.checks.stale}."
            )
        drafts = next((p for p in phases if p.front == front and p.name == "drafts only"), None)
        if idle and drafts and idle.rps:
            lines.append(
                f"  - with the draft saves alone: **{drafts.rps / idle.rps:.0%}** of idle "
                f"({drafts.rps:,.0f} req/s)."
            )
        for seen in day.visibility if day else []:
            lines.append(
                "  - a published story visible after: "
                + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in seen.items())
            )
    lines += [
        "",
        "Stale = a sampled response (the edited article, home, its section, Recent Articles on "
        "another article, the newest story) showing an older edition of the edited headline, "
        "or not yet the newest story, although that change had committed before the request "
        "was sent. Visibility = time from the publish's commit to the first response showing "
        "the story on each page (polled every 20 ms).",
        END,
    ]
    return "\n".join(lines)


def write_section(output: Path, report: str) -> None:
    old = output.read_text() if output.exists() else ""
    if START in old and END in old:
        before, rest = old.split(START, 1)
        new = before + report + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + report + "\n"
    output.write_text(new)


if __name__ == "__main__":
    main()
