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


def per_request(app, path: str, count: int) -> float:
    """Microseconds of wall time per request (one thread; medians are taken by the caller)."""
    started = time.perf_counter()
    for _ in range(count):
        call(app, path)
    return (time.perf_counter() - started) / count * 1_000_000


def hits(article_url: str, rounds: int = 7, count: int = 2000) -> dict[str, float]:
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
    import os

    os.environ["BENCH_BYTES_FILE"] = str(bytes_file)
    view_status, _h, view_body = call(front, "/bench/bytes/")
    assert view_status.startswith("200") and view_body == body, view_status
    assert call(django_only, article_url)[1].get("X-Page-Cache") == "HIT"
    samples: dict[str, list[float]] = {"front hit": [], "view": [], "middleware hit": []}
    for _ in range(rounds):
        samples["front hit"].append(per_request(front, article_url, count))
        samples["view"].append(per_request(front, "/bench/bytes/", count))
        samples["middleware hit"].append(per_request(django_only, article_url, count))
    result = {name: statistics.median(values) for name, values in samples.items()}
    result["bytes"] = len(body)
    return result


def after_publication(urls: list[str], rounds: int = 3) -> dict[str, float]:
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
        started = time.perf_counter()
        for url in urls:
            assert call(app, url)[1].get("X-Page-Cache") == "PARTIAL"
        partial.append((time.perf_counter() - started) / len(urls) * 1_000_000)
        with override_settings(PAGE_CACHE_ENABLED=False):
            call(app, urls[0])  # shared fragments stored again
            started = time.perf_counter()
            for url in urls:
                call(app, url)
            whole.append((time.perf_counter() - started) / len(urls) * 1_000_000)
    return {"partial": statistics.median(partial), "whole": statistics.median(whole)}


def article_urls(count: int) -> list[str]:
    from articles.models import Article

    return [a.get_absolute_url() for a in Article.objects.live().order_by("pk")[:count]]


def profile_miss(urls: list[str]) -> tuple[dict[str, float], str]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    app = WSGIHandler()
    with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=True):
        for url in urls[:5]:
            call(app, url)  # shared fragments stored, templates compiled
        with CaptureQueriesContext(connection) as queries:
            call(app, urls[0])
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
    summary = {"cpu ms": cpu, "queries": len(queries.captured_queries), "pages": len(urls)}
    sql = "\n".join(q["sql"][:300] for q in queries.captured_queries)
    return summary, text.getvalue() + "\n\nQueries of one render:\n" + sql


def main(args, sizes: dict[str, int], pages: dict[str, str]) -> None:
    lines = []
    if args.hits:
        print("== a page-cache hit in front of Django vs the smallest Django view (µs/request)")
        result = hits(pages["article"])
        ratio = result["view"] / result["front hit"]
        for name in ("front hit", "middleware hit", "view"):
            print(f"  {name:<15} {result[name]:8.1f} µs  ({1e6 / result[name]:,.0f} req/s)")
        print(f"  ratio view / front hit: {ratio:.2f}×   ({result['bytes']:,} bytes)")
        urls = article_urls(200)
        published = after_publication(urls)
        print("== article pages after a publication (µs/request, 200 pages)")
        print(
            f"  assembled (own part kept, Recent Articles re-rendered): {published['partial']:.0f}"
        )
        print(f"  rendered whole (shared fragments stored):              {published['whole']:.0f}")
        lines += [
            "In-process WSGI calls, one thread, median of alternating rounds "
            f"(`bench/run.py --hits`, {sizes['articles']:,} articles, PostgreSQL + Redis):",
            "",
            "| request | µs / request | requests/s on one core |",
            "|---|---:|---:|",
            f"| article page, hit in the front layer | {result['front hit']:.1f} "
            f"| {1e6 / result['front hit']:,.0f} |",
            f"| article page, hit in the middleware | {result['middleware hit']:.1f} "
            f"| {1e6 / result['middleware hit']:,.0f} |",
            f"| smallest Django view, same {result['bytes']:,} bytes | {result['view']:.1f} "
            f"| {1e6 / result['view']:,.0f} |",
            "",
            f"**A front-layer hit costs {ratio:.2f}× less than the smallest Django view** "
            "(target ≥ 1.5×).",
            "",
            "After a publication (`articles:list` invalidated), 200 article pages: "
            f"**{published['partial']:.0f} µs** each assembled (own part kept, Recent Articles "
            f"re-rendered once from the shared cards) vs **{published['whole']:.0f} µs** each "
            "rendered whole with the shared fragments stored (before assembly, every one).",
        ]
    if args.profile_miss:
        print("== the article page's own render under cProfile")
        summary, text = profile_miss(article_urls(300))
        VAR.mkdir(parents=True, exist_ok=True)
        (VAR / "profile-miss.txt").write_text(text)
        print(
            f"  {summary['cpu ms']:.2f} ms CPU per render (without the profiler), "
            f"{summary['queries']} queries, {summary['pages']} pages; profile in "
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
