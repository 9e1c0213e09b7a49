"""Assembled pages, measured in-process (issue 14): a measurement, not a test.

    .venv/bin/python bench/run.py --hits            # hit through the front layer vs a view
    .venv/bin/python bench/run.py --profile-miss    # cProfile of the article's own render

Both run inside one Python process, on the bench data set (PostgreSQL ``nr_bench``, Redis
database 8 unless ``BENCH_DATABASE``/``BENCH_REDIS_URL`` say otherwise) with the production
settings, calling the WSGI application as gunicorn would: no HTTP server, no wrk, so the
figures are what one request costs a core, and the ratio between two of them holds on a
machine shared with other work (each figure is the median of several alternating rounds).

``--hits`` compares, for the same article page's bytes:

- the page-cache hit answered by the front layer (``newsroom.wsgi.application``: the host
  check, one ``MGET`` of tag versions in Redis, the bytes from the process's copy);
- the smallest Django view returning those bytes (``/bench/bytes/``) through Django's
  handler and the production middleware;
- the same hit answered by the middleware (Django's handler, no front layer);
- after a publication (``articles:list`` invalidated), an article page whose own part is
  still stored and whose Recent Articles part is rendered again (``PARTIAL``), against the
  same page rendered whole with the shared fragments stored (the cost before assembly).

``--profile-miss`` renders distinct article pages with the page cache off and the shared
fragments stored — the article's own part — under cProfile, and writes the profile to
var/bench/profile-miss.txt.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VAR = REPO / "var" / "bench"
START, END = "<!-- assembly:start -->", "<!-- assembly:end -->"


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(app, path: str) -> tuple[str, dict, bytes]:
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    result = app(environ(path), start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], body


def per_request(app, path: str, count: int) -> tuple[float, float]:
    """Microseconds per request: CPU time of this process, and wall time (which includes
    waiting for Redis and, on a shared machine, for a core)."""
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        call(app, path)
    wall = (time.perf_counter() - started) / count * 1_000_000
    return (time.process_time() - cpu) / count * 1_000_000, wall


def hits(article_url: str, rounds: int = 5, count: int = 500) -> dict[str, float]:
    from django.core.handlers.wsgi import WSGIHandler

    import newsroom.wsgi

    front = newsroom.wsgi.application
    django_only = WSGIHandler()
    status, headers, body = call(front, article_url)
    status, headers, body = call(front, article_url)
    assert headers.get("X-Page-Cache") == "HIT", headers
    VAR.mkdir(parents=True, exist_ok=True)
    bytes_file = VAR / "article-bytes.html"
    bytes_file.write_bytes(body)
    os.environ["BENCH_BYTES_FILE"] = str(bytes_file)
    view_status, _h, view_body = call(front, "/bench/bytes/")
    assert view_status.startswith("200") and view_body == body, view_status
    assert call(django_only, article_url)[1].get("X-Page-Cache") == "HIT"
    samples: dict[str, list[tuple[float, float]]] = {
        "front hit": [],
        "view": [],
        "middleware hit": [],
    }
    for _ in range(rounds):
        samples["front hit"].append(per_request(front, article_url, count))
        samples["view"].append(per_request(front, "/bench/bytes/", count))
        samples["middleware hit"].append(per_request(django_only, article_url, count))
    result = {}
    for name, values in samples.items():
        result[name] = statistics.median(cpu for cpu, _wall in values)
        result[name + " wall"] = statistics.median(wall for _cpu, wall in values)
    result["bytes"] = len(body)
    return result


def after_publication(urls: list[str], rounds: int = 2) -> dict[str, float]:
    """Serving article pages after a publication: assembled (own part kept) vs whole."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    from caching import cache

    app = WSGIHandler()
    for url in urls:
        call(app, url)
    partial, whole = [], []
    for _ in range(rounds):
        cache.invalidate({"articles:list"})  # what a publication invalidates, among others
        started = time.process_time()
        for url in urls:
            assert call(app, url)[1].get("X-Page-Cache") == "PARTIAL"
        partial.append((time.process_time() - started) / len(urls) * 1_000_000)
        with override_settings(PAGE_CACHE_ENABLED=False):
            call(app, urls[0])  # shared fragments stored again
            started = time.process_time()
            for url in urls:
                call(app, url)
            whole.append((time.process_time() - started) / len(urls) * 1_000_000)
    return {"partial": statistics.median(partial), "whole": statistics.median(whole)}


def article_urls(count: int) -> list[str]:
    from articles.models import Article

    return [a.get_absolute_url() for a in Article.objects.live().order_by("pk")[:count]]


def profile_miss(urls: list[str]) -> tuple[dict[str, float], str]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import override_settings
    from redis.client import Redis

    app = WSGIHandler()
    sql: list[str] = []
    commands: list[str] = []

    def note(execute, statement, params, many, context):
        sql.append(statement)
        return execute(statement, params, many, context)

    original = Redis.execute_command

    def count_command(self, *args, **options):
        commands.append(str(args[0]))
        return original(self, *args, **options)

    with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=True):
        for url in urls[:5]:
            call(app, url)  # shared fragments stored, templates compiled
        Redis.execute_command = count_command
        try:
            with connection.execute_wrapper(note):
                call(app, urls[7])
        finally:
            Redis.execute_command = original
        started = time.process_time()
        for url in urls:
            call(app, url)
        cpu = (time.process_time() - started) / len(urls) * 1000
        profiler = cProfile.Profile()
        profiler.enable()
        for url in urls:
            call(app, url)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    summary = {"cpu ms": cpu, "queries": len(sql), "redis": len(commands), "pages": len(urls)}
    listing = "\n".join(statement[:300] for statement in sql)
    return summary, (
        f"{text.getvalue()}\n\nQueries of one render:\n{listing}\n\n"
        f"Redis commands of one render: {' '.join(commands)}\n"
    )


def main(args, sizes: dict[str, int], pages: dict[str, str]) -> None:
    lines = []
    if args.hits:
        print("== a page-cache hit in front of Django vs the smallest Django view (µs/request)")
        result = hits(pages["article"])
        ratio = result["view"] / result["front hit"]
        for name in ("front hit", "middleware hit", "view"):
            print(
                f"  {name:<15} {result[name]:8.1f} µs CPU  ({1e6 / result[name]:,.0f} req/s "
                f"on one core), {result[name + ' wall']:8.1f} µs wall"
            )
        print(f"  ratio view / front hit: {ratio:.2f}×   ({result['bytes']:,} bytes)")
        urls = article_urls(200)
        published = after_publication(urls)
        print("== article pages after a publication (µs CPU/request, 200 pages)")
        print(
            f"  assembled (own part kept, Recent Articles re-rendered): {published['partial']:.0f}"
        )
        print(f"  rendered whole (shared fragments stored):              {published['whole']:.0f}")
        lines += [
            "In-process WSGI calls, one thread, median of alternating rounds; CPU time of "
            "the app process (wall time includes Redis and, here, a machine shared with other "
            "sessions) "
            f"(`bench/run.py --hits`, {sizes['articles']:,} articles, PostgreSQL + Redis; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):",
            "",
            "| request | µs CPU / request | requests/s on one core | µs wall |",
            "|---|---:|---:|---:|",
            *(
                f"| {label} | {result[name]:.1f} | {1e6 / result[name]:,.0f} "
                f"| {result[name + ' wall']:.1f} |"
                for label, name in (
                    ("article page, hit in the front layer", "front hit"),
                    ("article page, hit in the middleware", "middleware hit"),
                    (f"smallest Django view, same {result['bytes']:,} bytes", "view"),
                )
            ),
            "",
            f"**A front-layer hit costs {ratio:.2f}× less than the smallest Django view** "
            "(target ≥ 1.5×).",
            "",
            "After a publication (`articles:list` invalidated), 200 article pages: "
            f"**{published['partial']:.0f} µs CPU** each assembled (own part kept, Recent Articles "
            f"re-rendered once from the shared cards) vs **{published['whole']:.0f} µs CPU** each "
            "rendered whole with the shared fragments stored (before assembly, every one).",
        ]
    if args.profile_miss:
        print("== the article page's own render under cProfile")
        summary, text = profile_miss(article_urls(300))
        VAR.mkdir(parents=True, exist_ok=True)
        (VAR / "profile-miss.txt").write_text(text)
        print(
            f"  {summary['cpu ms']:.2f} ms CPU per render (without the profiler), "
            f"{summary['queries']} queries, {summary['redis']} Redis commands, "
            f"{summary['pages']} pages; profile in "
            f"{(VAR / 'profile-miss.txt').relative_to(REPO)}"
        )
        print(text[:6000])
    if lines:
        output = Path(args.output)
        old = output.read_text() if output.exists() else ""
        section = START + "\n## Assembled pages and hits in front of Django\n\n"
        section += "\n".join(lines) + "\n" + END
        if START in old and END in old:
            new = old.split(START, 1)[0] + section + old.split(END, 1)[1]
        else:
            new = old.rstrip("\n") + "\n\n" + section + "\n"
        output.write_text(new)
        print(f"== written to {output}")
