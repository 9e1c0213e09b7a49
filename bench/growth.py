"""The growth table: every public page type as the archive grows (issue 22).

    .venv/bin/python bench/run.py --articles 2400,10000,100000

For each size, a PostgreSQL database ``nr_growth_<N>`` (kept between runs; ``--reload``
rebuilds it) gets N articles with 500 authors, 2,000 tags and 6 sections, built with bulk
inserts in batches, the search vectors filled by the app's own ``update_search_vectors`` and
the sitemap summaries by ``summaries.rebuild_all``. Then every public page type is requested
through Django's test client with DEBUG=false and the page and fragment caches off: the
number of SQL queries, and the median wall time of 20 requests (after one warm-up request).
The table goes into bench/RESULTS.md between the growth markers.

No images, no Redis: this measures what grows with the archive (SQL and rendering), not
renditions or the cache.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from pathlib import Path

AUTHORS, TAGS, SECTIONS, BOOKS = 500, 2000, 6, 20
BATCH = 2000
REPEAT = 20
START, END = "<!-- growth:start -->", "<!-- growth:end -->"


def database_name(articles: int) -> str:
    return f"nr_growth_{articles}"


def environment(postgres: str, articles: int, var: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "false",
        "SECRET_KEY": "growth-bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "SITE_URL": "https://bench.example.org",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{postgres}/{database_name(articles)}",
        "NEWSROOM_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "PAGE_CACHE": "false",
        "FRAGMENT_CACHE": "false",
    }


def build(articles: int, words: tuple[str, ...], verbs: tuple[str, ...]) -> dict[str, int]:
    """Bulk-load the data set: a few hundred paragraphs generated once and recombined, so
    100,000 bodies cost string joins, not millions of random choices."""
    from django.db import connection, transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles import summaries
    from articles.models import Article, Byline, Section
    from articles.search import update_search_vectors
    from authors.models import Author
    from books.models import Book

    rng = random.Random(22)
    now = timezone.now()

    def sentence(count: int) -> str:
        text = " ".join(rng.choice(words) for _ in range(count))
        return text[0].upper() + text[1:] + "."

    paragraphs = [
        "<p>" + " ".join(sentence(rng.randint(10, 22)) for _ in range(4)) + "</p>"
        for _ in range(400)
    ]
    with transaction.atomic():
        sections = Section.objects.bulk_create(
            Section(name=name, slug=name.lower(), position=i)
            for i, name in enumerate(["News", "City", "Opinion", "Culture", "Climate", "Books"])
        )
        sections = list(Section.objects.order_by("pk"))
        Author.objects.bulk_create(
            Author(name=f"{rng.choice(words).title()} Writer {n}", slug=f"writer-{n}")
            for n in range(AUTHORS)
        )
        authors = list(Author.objects.values_list("pk", flat=True))
        Book.objects.bulk_create(
            Book(title=f"Book {n}", slug=f"book-{n}", year=2000 + n, shelf_position=n)
            for n in range(BOOKS)
        )
        Tag.objects.bulk_create(
            Tag(name=f"{rng.choice(words)} {n}", slug=f"tag-{n}") for n in range(TAGS)
        )
        tags = list(Tag.objects.values_list("pk", flat=True))
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Article)
    for start in range(0, articles, BATCH):
        with transaction.atomic():
            batch = [
                Article(
                    headline=f"{rng.choice(words).title()} {rng.choice(verbs)} "
                    f"{rng.choice(words)} {rng.choice(words)} plan {n}",
                    slug=f"story-{n}",
                    dek=sentence(14),
                    body="\n".join(rng.sample(paragraphs, rng.randint(5, 9))),
                    section=rng.choice(sections),
                    status=Article.Status.PUBLISHED,
                    # A story every ~20 minutes, newest first: 100,000 span about 4 years.
                    published_at=now - dt.timedelta(minutes=n * 20 + rng.randint(0, 10)),
                )
                for n in range(start, min(start + BATCH, articles))
            ]
            created = Article.objects.bulk_create(batch)
            bylines, tagged = [], []
            for article in created:
                for position, author in enumerate(rng.sample(authors, rng.randint(1, 3))):
                    bylines.append(Byline(article=article, author_id=author, position=position))
                for tag in rng.sample(tags, rng.randint(3, 8)):
                    tagged.append(
                        TaggedItem(content_type=content_type, object_id=article.pk, tag_id=tag)
                    )
            Byline.objects.bulk_create(bylines)
            TaggedItem.objects.bulk_create(tagged)
            # As the app fills them (articles/signals.py), one UPDATE per batch.
            update_search_vectors([article.pk for article in created])
    summaries.rebuild_all()  # bulk writes send no signals
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would soon after a real import
    return {"articles": Article.objects.count(), "tagged items": TaggedItem.objects.count()}


def pages() -> dict[str, str]:
    """One URL per public page type, the busiest tag and author of the data set."""
    from django.db.models import Count
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Section
    from authors.models import Author
    from books.models import Book

    article = Article.objects.live().order_by("-published_at").first()
    section = Section.objects.order_by("pk").first()
    tag = Tag.objects.order_by("pk").first()
    author = Author.objects.annotate(n=Count("bylines")).order_by("-n", "pk").first()
    book = Book.objects.order_by("pk").first()
    sitemap = reverse("sitemap-section", kwargs={"section": "articles"})
    return {
        "home": reverse("articles:home"),
        "home ?page=last": reverse("articles:home") + "?page=last",
        "home ?page=8000": reverse("articles:home") + "?page=8000",
        "article": article.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": tag.slug}),
        "author": author.get_absolute_url(),
        "authors": reverse("authors:list"),
        "books": reverse("books:list"),
        "book": book.get_absolute_url(),
        "search (common word)": reverse("articles:search") + "?q=harbour",
        "search ?page=last": reverse("articles:search") + "?q=harbour&page=last",
        "search (rare words)": reverse("articles:search") + '?q="plan 17"',
        "feed (site)": reverse("articles:feed"),
        "feed (tag)": reverse("articles:tag-feed", kwargs={"slug": tag.slug}),
        "feed (author)": reverse("articles:author-feed", kwargs={"slug": author.slug}),
        "/sitemap.xml": reverse("sitemap"),
        "sitemap articles (last page)": f"{sitemap}?p=last",
        "sitemap tags": reverse("sitemap-section", kwargs={"section": "tags"}),
        "sitemap authors": reverse("sitemap-section", kwargs={"section": "authors"}),
        "sitemap sections": reverse("sitemap-section", kwargs={"section": "sections"}),
        "/sitemap-news.xml": reverse("sitemap-news"),
    }


def measure(urls: dict[str, str]) -> dict[str, tuple]:
    """{name: (queries, median wall ms, status, bytes, median Django CPU ms)}, nothing
    cached. The CPU figure leaves out the database's time but barely moves when other work
    shares the machine; the wall time includes both."""
    from django.db import connection
    from django.test import Client

    from articles.sitemaps import ArticleSitemap

    client = Client()
    results = {}
    for name, url in urls.items():
        if url.endswith("?p=last"):
            url = url.replace("last", str(ArticleSitemap().num_pages()))
        client.get(url)  # warm process-wide caches (ContentTypes, templates)
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = client.get(url)
        times, cpu = [], []
        for _ in range(REPEAT):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[name] = (
            count,
            statistics.median(times),
            response.status_code,
            len(response.content),
            statistics.median(cpu),
        )
    return results


def table(runs: dict[int, dict[str, tuple]]) -> str:
    sizes = sorted(runs)
    head = "| page | " + " | ".join(f"{n:,} articles" for n in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)
    lines = [head, rule]
    for name in next(iter(runs.values())):
        cells = []
        for n in sizes:
            queries, ms, status, size, cpu = runs[n].get(name, (0, 0.0, 0, 0, 0.0))
            note = "" if status == 200 else f" ({status})"
            cells.append(f"{queries} q · {ms:.0f} ms ({cpu:.0f}){note}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(results_md: Path, runs, notes: str) -> None:
    text = results_md.read_text() if results_md.exists() else "# Benchmark results\n"
    block = f"{START}\n{notes}\n\n{table(runs)}\n{END}"
    if START in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = (
            text.rstrip()
            + "\n\n## Growth: every public page as the archive grows\n\n"
            + block
            + "\n"
        )
    results_md.write_text(text)


def run_one(articles: int, postgres: str, var: Path, reload: bool, words, verbs):
    """Build (if needed) and measure one size in this process."""
    import psycopg

    name = database_name(articles)
    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as connection:
        if reload:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(environment(postgres, articles, var))
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", interactive=False, verbosity=0)
    if not Article.objects.exists():
        started = time.monotonic()
        sizes = build(articles, words, verbs)
        print(f"  built in {time.monotonic() - started:.0f}s: {sizes}", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    return measure(pages())


def main(sizes: list[int], postgres: str, var: Path, reload: bool, output: Path) -> None:
    """Measure each size in its own process (one database per Django setup), then write the
    table."""
    import json
    import subprocess
    import sys

    runs = {}
    for articles in sizes:
        print(f"== {articles:,} articles", flush=True)
        command = [sys.executable, __file__, str(articles), postgres, str(var)]
        if reload:
            command.append("--reload")
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        print("\n".join(line for line in done.stderr.splitlines() if "Not Found" not in line))
        lines = done.stdout.strip().splitlines()
        print("\n".join(lines[:-1]))
        runs[articles] = {k: tuple(v) for k, v in json.loads(lines[-1]).items()}
        for name, (queries, ms, status, size, cpu) in runs[articles].items():
            print(f"  {name:<30} {queries:>3} q {ms:8.1f} ms {cpu:7.1f} cpu {status} {size:,} B")
    import platform

    notes = (
        f"`bench/run.py --articles {','.join(str(n) for n in sizes)}` on {dt.date.today()} "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work; load {os.getloadavg()[0]:.1f}). "
        f"{AUTHORS} authors, {TAGS:,} tags, {SECTIONS} sections; PostgreSQL; Django test "
        f"client, DEBUG=false, page and fragment caches off. Each cell: queries of one request · "
        f"median wall time of {REPEAT} (median CPU time in Django, "
        "without the database's). `?page=8000` is past the list bound: a 404 that says so."
    )
    write(output, runs, notes)


if __name__ == "__main__":
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.run import VERBS, WORDS

    size, postgres_url, var_dir = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    result = run_one(size, postgres_url, var_dir, "--reload" in sys.argv, WORDS, VERBS)
    print(json.dumps(result))
