"""Newsroom's benchmark: a measurement, not a test (issue 6). One machine, one run.

    .venv/bin/python bench/run.py                      # the full run (about 8 minutes)
    .venv/bin/python bench/run.py --duration 3 --workers gthread   # a quick look
    .venv/bin/python bench/run.py --articles 2400,10000,100000     # the growth table
    .venv/bin/python bench/run.py --hits --profile-miss   # in-process (bench/assembly.py)

What it does, in order:

1. Loads a data set into its own PostgreSQL database ``nr_bench`` (2,400 articles, 50
   authors, 20 books, 300 tags; kept between runs, ``--reload`` rebuilds it), with Redis
   database 8 as the shared cache.
2. Counts the SQL queries of each measured page, uncached and from the page cache.
3. Writes the framework-ceiling template (the article page's own HTML as a template) and the
   same bytes as a static file.
4. For each gunicorn worker class: starts ``make serve`` (the production server, with
   bench/settings.py for the ceiling URL) with the page cache on, then off, and measures with
   wrk: the ceiling, then the article page (cached and uncached), home, an author page,
   search and the RSS feed.
5. Starts nginx twice: serving the article's bytes as a static file (the static limit), and
   as deploy/nginx.conf in front of the app (the micro-cached article page).
6. Prints every figure with its ratio to both references and writes bench/RESULTS.md.

Requirements: PostgreSQL and Redis on 127.0.0.1 (as on the development machines), wrk and
nginx (Debian packages ``wrk`` and ``nginx-light``). Everything it starts it stops.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

VAR = REPO / "var" / "bench"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "nr_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
SEARCH_WORD = "harbour"

ARTICLES, AUTHORS, BOOKS, TAGS, SECTIONS = 2400, 50, 20, 300, 6


# --- environment ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(port: int, secret_key: str, **extra: str) -> dict[str, str]:
    """The app's environment: production settings on the bench database and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX="bench",
        NEWSROOM_VAR_DIR=str(VAR),
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        BENCH_TEMPLATE_DIR=str(VAR / "templates"),
        SERVE_MEDIA="true",
        PORT=str(port),
        RELEASE="bench",
    )
    env.update(extra)
    return env


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


# --- the data set ---------------------------------------------------------------------------

_WORD_TEXT = (
    "council harbour ferry market school river bridge library budget housing street tram "
    "station museum garden hospital winter summer festival election mayor residents plan "
    "vote report study workers union rent water power energy climate flood storm forest "
    "farm bread coffee bakery fishing port crane quay tunnel railway cycling lane park "
    "square theatre choir teacher nurse doctor pupil parent neighbour shop owner price "
    "wage tax audit contract record archive letter survey answer question promise delay "
    "repair opening closing extension hearing ruling appeal court judge witness evidence "
    "district village town city region coast island valley hill road ring junction"
)
WORDS = tuple(_WORD_TEXT.split())
VERBS = ("approves", "rejects", "opens", "delays", "extends", "reviews", "doubles", "cuts")


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body_html(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(8, 14)):
        text = " ".join(sentence(rng, rng.randint(10, 22)) for _ in range(rng.randint(3, 5)))
        paragraphs.append(f"<p>{text}</p>")
    paragraphs.insert(3, f"<h2>{sentence(rng, 4)[:-1]}</h2>")
    return "\n".join(paragraphs)


def picture(size: tuple[int, int], seed: int):
    """An original image made with Pillow: bands of colour, as a ContentFile."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for band in range(0, size[1], max(1, size[1] // 9)):
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([0, band, size[0], band + size[1] // 18], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"bench-{seed}.jpg")


def load_dataset() -> dict[str, int]:
    """Fill the bench database. Images are made once and shared, renditions included."""
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Byline, Section
    from articles.search import update_search_vectors
    from authors.models import Author
    from books.models import Book, PurchaseLink
    from caching import cache
    from newsroom.sanitize import sanitize_html

    rng = random.Random(2026)
    now = timezone.now()
    with transaction.atomic():
        sections = [
            Section.objects.create(name=name, position=i)
            for i, name in enumerate(["News", "City", "Opinion", "Culture", "Climate", "Books"])
        ][:SECTIONS]

        first_author = Author(name="Ada Lindqvist", job_title="Reporter", short_bio="Ada reports.")
        first_author.photo.save("ada.jpg", picture((800, 800), 1), save=False)
        first_author.save()
        authors = [first_author]
        for n in range(1, AUTHORS):
            authors.append(
                Author(
                    name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}son {n}",
                    slug=f"author-{n}",
                    job_title=rng.choice(["Reporter", "Editor", "Columnist", "Photographer"]),
                    short_bio=sentence(rng, 14),
                    long_bio=" ".join(sentence(rng, 16) for _ in range(4)),
                    photo=first_author.photo.name,
                    photo_width=first_author.photo_width,
                    photo_height=first_author.photo_height,
                )
            )
        Author.objects.bulk_create(authors[1:])
        authors = list(Author.objects.order_by("pk"))

        first_book = Book(title="The Harbour Years", description=sentence(rng, 30), year=2024)
        first_book.cover.save("harbour-years.jpg", picture((600, 900), 2), save=False)
        first_book.save()
        books = [first_book]
        for n in range(1, BOOKS):
            books.append(
                Book(
                    title=f"{sentence(rng, 3)[:-1]} {n}",
                    slug=f"book-{n}",
                    description=" ".join(sentence(rng, 18) for _ in range(3)),
                    year=2000 + n,
                    shelf_position=n,
                    cover=first_book.cover.name,
                    cover_width=first_book.cover_width,
                    cover_height=first_book.cover_height,
                )
            )
        Book.objects.bulk_create(books[1:])
        books = list(Book.objects.order_by("pk"))
        for book in books:
            book.authors.add(*rng.sample(authors, rng.randint(1, 2)))
        PurchaseLink.objects.bulk_create(
            PurchaseLink(book=book, label="Buy from the publisher", url="https://shop.example.org/")
            for book in books
        )

        tags = Tag.objects.bulk_create(
            Tag(name=f"{word} {n}", slug=f"{word}-{n}")
            for n, word in enumerate(rng.choice(WORDS) for _ in range(TAGS))
        )
        tags = list(Tag.objects.order_by("pk"))

        lead = Article(
            headline="Harbour ferry returns after the winter repairs",
            dek=sentence(rng, 14),
            body=body_html(rng),
            section=sections[0],
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(minutes=5),
            featured_image_alt="A ferry leaving the harbour under a grey sky",
        )
        lead.featured_image.save("lead.jpg", picture((1600, 1000), 3), save=False)
        lead.save()  # the one save that makes the renditions
        articles = []
        for n in range(1, ARTICLES):
            articles.append(
                Article(
                    headline=f"{rng.choice(WORDS).title()} {rng.choice(VERBS)} "
                    f"{rng.choice(WORDS)} {rng.choice(WORDS)} plan {n}",
                    slug=f"story-{n}",
                    dek=sentence(rng, 14),
                    body=sanitize_html(body_html(rng)),
                    section=rng.choice(sections),
                    status=Article.Status.PUBLISHED,
                    published_at=now - dt.timedelta(hours=n * 3 + rng.randint(0, 2)),
                    featured_image=lead.featured_image.name,
                    featured_image_width=lead.featured_image_width,
                    featured_image_height=lead.featured_image_height,
                    featured_image_alt="A ferry leaving the harbour under a grey sky",
                )
            )
        Article.objects.bulk_create(articles, batch_size=500)
        articles = list(Article.objects.order_by("pk"))

        bylines, tagged = [], []
        for index, article in enumerate(articles):
            count = 3 if index % 4 == 0 else rng.randint(1, 2)
            for position, author in enumerate(rng.sample(authors, count)):
                bylines.append(Byline(article=article, author=author, position=position))
            for tag in rng.sample(tags, rng.randint(3, 10)):
                tagged.append(TaggedItem(content_object=article, tag=tag))
        Byline.objects.bulk_create(bylines, batch_size=1000)
        TaggedItem.objects.bulk_create(tagged, batch_size=2000)
        update_search_vectors(Article.objects.values("pk"))
    cache.content_changed()  # bulk writes send no signals
    return {
        "articles": Article.objects.count(),
        "authors": Author.objects.count(),
        "books": Book.objects.count(),
        "tags": Tag.objects.count(),
        "bylines": Byline.objects.count(),
        "tagged items": TaggedItem.objects.count(),
    }


# --- pages and query counts -----------------------------------------------------------------


def pick_pages() -> dict[str, str]:
    """The measured URLs: a typical article (3 authors, tags, image), home, author, search,
    the RSS feed."""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article
    from authors.models import Author

    article = (
        Article.objects.live()
        .annotate(authors_count=Count("bylines"))
        .filter(authors_count=3)
        .order_by("-published_at")
        .first()
    )
    author = Author.objects.annotate(n=Count("bylines")).order_by("-n", "pk").first()
    return {
        "article": article.get_absolute_url(),
        "home": reverse("articles:home"),
        "author": author.get_absolute_url(),
        "search": f"{reverse('articles:search')}?q={SEARCH_WORD}",
        "feed": reverse("articles:feed"),
    }


class QueryCounter:
    """Counts SQL statements through ``connection.execute_wrapper`` (the query log is capped,
    and a long migrate can leave it full)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count_queries(pages: dict[str, str]) -> dict[str, dict[str, int]]:
    """SQL queries per page: rendered with nothing cached, rendered with the shared fragments
    stored (page cache off), and served from the page cache."""
    from django.db import connection
    from django.test import Client, override_settings

    client = Client()
    counts: dict[str, dict[str, int]] = {}
    for name, url in pages.items():
        cold, uncached, cached = QueryCounter(), QueryCounter(), QueryCounter()
        with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=False):
            client.get(url)  # warm process-wide caches (Site, ContentTypes)
            with connection.execute_wrapper(cold):
                client.get(url)
        with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=True):
            client.get(url)  # stores the shared fragments
            with connection.execute_wrapper(uncached):
                response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with override_settings(PAGE_CACHE_ENABLED=True):
            client.get(url)
            with connection.execute_wrapper(cached):
                hit = client.get(url)
        assert hit.get("X-Page-Cache") == "HIT", url
        counts[name] = {
            "cold": cold.count,
            "uncached": uncached.count,
            "cached": cached.count,
            "bytes": len(response.content),
        }
    return counts


def cpu_per_request(pages: dict[str, str], repeat: int = 30) -> dict[str, dict[str, float]]:
    """CPU milliseconds per request inside Django (one thread, no HTTP server, no wrk).

    Unlike requests/s, this barely moves when other work shares the machine, so it is the
    figure to compare between runs: what one request costs an app server's core.
    """
    from django.test import Client, override_settings

    client = Client()

    def cost(url: str) -> float:
        client.get(url)
        started = time.process_time()
        for _ in range(repeat):
            client.get(url)
        return (time.process_time() - started) / repeat * 1000

    with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=False):
        result = {"ceiling": {"uncached": cost("/bench/ceiling/")}}
        for name, url in pages.items():
            result[name] = {"cold": cost(url)}
    with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=True):
        for name, url in pages.items():
            result[name]["uncached"] = cost(url)
    with override_settings(PAGE_CACHE_ENABLED=True, FRAGMENT_CACHE_ENABLED=True):
        for name, url in pages.items():
            result[name]["cached"] = cost(url)
    return result


def write_references(article_url: str) -> bytes:
    """The ceiling template and the static file: both the article page's own bytes."""
    from django.test import Client, override_settings

    with override_settings(PAGE_CACHE_ENABLED=False):
        html = Client().get(article_url).content
    text = html.decode()
    before, _, rest = text.partition("<title>")
    _, _, after = rest.partition("</title>")
    template = (
        "{% verbatim %}"
        + before
        + "<title>{% endverbatim %}{{ title }}{% verbatim %}</title>"
        + after
        + "{% endverbatim %}"
    )
    (VAR / "templates" / "bench").mkdir(parents=True, exist_ok=True)
    (VAR / "templates" / "bench" / "ceiling.html").write_text(template)
    (VAR / "nginx" / "www").mkdir(parents=True, exist_ok=True)
    (VAR / "nginx" / "www" / "article.html").write_bytes(html)
    return html


# --- processes ------------------------------------------------------------------------------


def wait_for(url: str, seconds: float = 90, process: subprocess.Popen | None = None) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited while starting ({url})")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds}s")


class AppServer:
    """`make serve`, with the bench's environment, in its own process group."""

    log_mode = "wb"

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log_path = env, log
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return ["make", "--no-print-directory", "serve", f"PORT={self.env['PORT']}"]

    def __enter__(self) -> AppServer:
        self.log = open(self.log_path, self.log_mode)  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            self.command(),
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{self.env['PORT']}/healthz", process=self.process)
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Nginx:
    """nginx with a generated configuration, its pid and logs under var/bench/nginx."""

    def __init__(self, name: str, config: str):
        self.dir = VAR / "nginx" / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "nginx.conf"
        self.conf.write_text(config)
        self.pid_file = self.dir / "nginx.pid"

    def __enter__(self) -> Nginx:
        subprocess.run(["nginx", "-q", "-t", "-c", str(self.conf), "-p", str(self.dir)], check=True)
        subprocess.run(["nginx", "-c", str(self.conf), "-p", str(self.dir)], check=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.pid_file.exists():
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, signal.SIGQUIT)
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)


def static_nginx_config(port: int) -> str:
    www = VAR / "nginx" / "www"
    return f"""
user root;
worker_processes auto;
pid {VAR}/nginx/static/nginx.pid;
error_log {VAR}/nginx/static/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {www};
    }}
}}
"""


def proxy_nginx_config(port: int, app_port: int) -> str:
    """deploy/nginx.conf as shipped, pointed at the bench's paths and ports."""
    text = (REPO / "deploy" / "nginx.conf").read_text()
    proxy_dir = VAR / "nginx" / "proxy"
    # The plain-HTTP redirect server goes; the TLS server listens on a loopback port.
    text = re.sub(r"\n    server \{\n        listen 80;.*?\n    \}\n", "\n", text, flags=re.S)
    text = re.sub(
        r"        listen 443 ssl http2;\n        listen \[::\]:443 ssl http2;\n",
        f"        listen 127.0.0.1:{port};\n",
        text,
    )
    text = re.sub(r"        ssl_certificate.*\n", "", text)
    replacements = {
        "pid /run/nginx-newsroom.pid;": f"user root;\npid {proxy_dir}/nginx.pid;",
        "/var/log/nginx/newsroom.error.log": f"{proxy_dir}/error.log",
        "access_log /var/log/nginx/newsroom.access.log": "access_log off; #",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/srv/newsroom/var/static/": f"{VAR}/static/",
        "/srv/newsroom/var/media/": f"{VAR}/media/",
        "/srv/newsroom/cache/nginx": f"{proxy_dir}/cache",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    url: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    notes: list[str] = field(default_factory=list)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(name: str, url: str, args: argparse.Namespace) -> Measure:
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--timeout", "10s", "--latency"]
    subprocess.run([*base, "-d1s", url], capture_output=True, check=True)  # warm up
    out = subprocess.run(
        [*base, f"-d{args.duration}s", url], capture_output=True, text=True, check=True
    ).stdout
    measure = Measure(name, url)
    measure.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    measure.p50_ms = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    measure.p99_ms = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors:.*", out)
    measure.errors = int(bad.group(1)) if bad else 0
    if sock:
        measure.notes.append(sock.group(0))
    print(
        f"  {name:<34} {measure.rps:>9.0f} req/s  p50 {measure.p50_ms:7.2f} ms  "
        f"p99 {measure.p99_ms:7.2f} ms" + (f"  ({measure.errors} errors)" if measure.errors else "")
    )
    return measure


def header_of(url: str, name: str) -> str:
    import requests

    return requests.get(url, timeout=10).headers.get(name, "")


# --- the run --------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    def run(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"

    cpu = re.search(r"Model name:\s+(.*)", run("lscpu"))
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    import django
    import gunicorn

    return {
        "CPU": f"{cpu.group(1) if cpu else platform.processor()} × {os.cpu_count()} cores",
        "memory": f"{int(memory.group(1)) // 1024 // 1024} GiB" if memory else "?",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "PostgreSQL": run(
            "psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"
        ),
        "Redis": run("redis-cli", "-h", "127.0.0.1", "INFO", "server")
        .split("redis_version:")[-1]
        .split()[0],
        "nginx": run("nginx", "-v")
        or subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
        "wrk": run("wrk", "--version").splitlines()[0] if run("wrk", "--version") else "wrk",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", default="gthread,sync", help="worker classes to try")
    parser.add_argument("--reload", action="store_true", help="rebuild the data set")
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument(
        "--articles",
        help="comma-separated archive sizes: build each data set and write the growth table "
        "(bench/growth.py) instead of the load run",
    )
    parser.add_argument(
        "--hits",
        action="store_true",
        help="in-process WSGI calls: a page-cache hit through the front layer against the "
        "smallest Django view returning the same bytes (bench/assembly.py)",
    )
    parser.add_argument(
        "--profile-miss",
        action="store_true",
        help="cProfile of the article page's own render, shared fragments stored "
        "(bench/assembly.py)",
    )
    args = parser.parse_args()
    if args.hits or args.profile_miss:
        from bench import assembly

        env = server_env(free_port(), secrets.token_urlsafe(50))
        os.environ.update(env)
        sizes = prepare_data(args.reload)
        assembly.main(args, sizes, pick_pages())
        return
    if args.articles:
        from bench import growth

        sizes = [int(size.replace("_", "")) for size in args.articles.split(",")]
        growth.main(sizes, POSTGRES, VAR / "growth", args.reload, Path(args.output))
        return
    for tool in ("wrk", "nginx", "make"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (apt-get install wrk nginx-light make)")

    LOAD["before"] = os.getloadavg()[0]
    VAR.mkdir(parents=True, exist_ok=True)
    app_port, static_port, proxy_port = free_port(), free_port(), free_port()
    secret_key = secrets.token_urlsafe(50)
    env = server_env(app_port, secret_key)
    os.environ.update(env)

    sizes = prepare_data(args.reload)
    pages = pick_pages()
    _continue_main(args, env, app_port, static_port, proxy_port, sizes, pages)


def prepare_data(reload: bool) -> dict[str, int]:
    """The bench database, loaded (``--reload`` rebuilds it), migrated and Django set up."""
    if reload:
        drop_database()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article

    print("== data set")
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    if Article.objects.count() < ARTICLES:
        started = time.monotonic()
        drop_database()
        ensure_database()
        from django.db import connections

        connections.close_all()
        call_command("migrate", interactive=False, verbosity=0)
        sizes = load_dataset()
        print(f"  loaded in {time.monotonic() - started:.0f}s: {sizes}")
    from taggit.models import Tag

    from articles.models import Byline
    from authors.models import Author
    from books.models import Book
    from caching import cache

    sizes = {
        "articles": Article.objects.count(),
        "authors": Author.objects.count(),
        "books": Book.objects.count(),
        "tags": Tag.objects.count(),
        "bylines": Byline.objects.count(),
    }
    print(f"  {sizes}")
    cache.content_changed()
    return sizes


def _continue_main(args, env, app_port, static_port, proxy_port, sizes, pages) -> None:
    print("== SQL queries per page (nothing cached / fragments stored / from the page cache)")
    queries = count_queries(pages)
    for name, count in queries.items():
        print(
            f"  {name:<8} {count['cold']:>3} / {count['uncached']:>3} / {count['cached']}"
            f"   {count['bytes']:,} bytes"
        )
    html = write_references(pages["article"])
    print("== CPU ms per request inside Django (nothing cached / fragments / page cache)")
    cpu = cpu_per_request(pages)
    for name, cost in cpu.items():
        print(
            f"  {name:<8} {cost.get('cold', 0):7.2f} / {cost['uncached']:7.2f} / "
            f"{cost.get('cached', 0):.2f}"
        )
    from django.db import connections

    connections.close_all()

    results: dict[str, list[Measure]] = {}
    base = f"http://127.0.0.1:{app_port}"
    cores = os.cpu_count() or 2
    for worker_class in [w.strip() for w in args.workers.split(",") if w.strip()]:
        workers = {"gthread": cores, "sync": 2 * cores + 1}.get(worker_class, cores)
        threads = 4 if worker_class == "gthread" else 1
        label = f"{worker_class} ({workers} workers × {threads} threads)"
        print(f"== gunicorn {label}")
        measures = []
        server_settings = {
            "GUNICORN_WORKER_CLASS": worker_class,
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
        }
        with AppServer({**env, **server_settings, "PAGE_CACHE": "true"}, VAR / "serve.log"):
            measures.append(wrk("framework ceiling", f"{base}/bench/ceiling/", args))
            for name in ["article", "home", "author", "search", "feed"]:
                url = f"{base}{pages[name]}"
                assert header_of(url, "X-Page-Cache") in {"HIT", "MISS"}
                measures.append(wrk(f"{name}, cached", url, args))
        uncached_env = {**env, **server_settings, "PAGE_CACHE": "false", "FRAGMENT_CACHE": "true"}
        with AppServer(uncached_env, VAR / "serve.log"):
            for name in ["article", "home", "author", "search", "feed"]:
                measures.append(wrk(f"{name}, uncached", f"{base}{pages[name]}", args))
        with AppServer({**uncached_env, "FRAGMENT_CACHE": "false"}, VAR / "serve.log"):
            measures.append(wrk("article, nothing cached", f"{base}{pages['article']}", args))
        results[label] = measures

    print("== nginx")
    with Nginx("static", static_nginx_config(static_port)):
        static = wrk(
            "static limit (nginx, same bytes)", f"http://127.0.0.1:{static_port}/article.html", args
        )
    best_label = max(results, key=lambda label: _find(results[label], "article, cached").rps)
    best_class = best_label.split()[0]
    workers = {"gthread": cores, "sync": 2 * cores + 1}.get(best_class, cores)
    server_settings = {
        "GUNICORN_WORKER_CLASS": best_class,
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": "4" if best_class == "gthread" else "1",
        "PAGE_CACHE": "true",
    }
    proxy = Nginx("proxy", proxy_nginx_config(proxy_port, app_port))
    with AppServer({**env, **server_settings}, VAR / "serve.log"), proxy:
        url = f"http://127.0.0.1:{proxy_port}{pages['article']}"
        wait_for(url)
        header_of(url, "X-Proxy-Cache")
        proxied = wrk("article behind deploy/nginx.conf", url, args)
        proxied.notes.append(f"X-Proxy-Cache: {header_of(url, 'X-Proxy-Cache')}")

    LOAD["after"] = os.getloadavg()[0]
    report = render_report(
        args, results, static, proxied, best_label, queries, pages, sizes, len(html), cpu
    )
    # Keep the sections other scripts write between markers (bench/load_test.py,
    # bench/assembly.py, bench/workday.py, bench/faults.py, bench/newsletter_send.py…).
    output = Path(args.output)
    old = output.read_text() if output.exists() else ""
    for marker in dict.fromkeys(re.findall(r"<!-- ([a-z-]+):start -->", old)):
        start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
        if start in old and end in old:
            report += "\n\n" + start + old.split(start, 1)[1].split(end, 1)[0] + end + "\n"
    output.write_text(report)
    print(f"== written to {os.path.relpath(args.output, REPO)}")
    print(json.dumps({"best": best_label}, indent=None))


LOAD: dict[str, float] = {}


def default_worker_class() -> str:
    """The worker class gunicorn.conf.py picks when GUNICORN_WORKER_CLASS is not set."""
    text = (REPO / "gunicorn.conf.py").read_text()
    found = re.search(r'"GUNICORN_WORKER_CLASS", "(\w+)"', text)
    return found.group(1) if found else "?"


def _find(measures: list[Measure], name: str) -> Measure:
    return next(m for m in measures if m.name == name)


def render_report(
    args, results, static, proxied, best_label, queries, pages, sizes, page_bytes, cpu
) -> str:
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (a measurement, not a test). Server, database, Redis, nginx",
        "and wrk all share the one machine below, so wrk's own CPU use is part of every figure.",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Command: `.venv/bin/python bench/run.py{_args(args)}`; each figure is "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency` "
        "after a 1 s warm-up",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- Load average (1 min) before / after the run: {LOAD.get('before', 0):.2f} / "
        f"{LOAD.get('after', 0):.2f} (anything above ~0.5 before the run means other work "
        "shared the machine and every figure is lower than it would be alone)",
        f"- Data set: {', '.join(f'{v:,} {k}' for k, v in sizes.items())} "
        f"(PostgreSQL `{DATABASE}`, Redis db 8)",
        f"- Article page measured: `{pages['article']}`, {page_bytes:,} bytes "
        "(3 authors, 3–10 tags, lead image, Our Books, Recent Articles)",
        "- References, same run, same gunicorn settings: the **framework ceiling** is "
        "`/bench/ceiling/` (bench/views.py: Django renders the article page's own HTML as a "
        "template, no database, full middleware stack); the **static limit** is nginx serving "
        "the same bytes as a file.",
        "- *Uncached* figures come from the same server with `PAGE_CACHE=false`: every request "
        "renders the page, with the blocks many pages share (navigation, Recent Articles, Our "
        "Books, author boxes, cards) taken from the fragment cache as they are after the first "
        "page of a content generation (caching/fragments.py). *Nothing cached* also turns "
        "fragments off (`FRAGMENT_CACHE=false`): the page entirely from PostgreSQL, as the very "
        "first request after a change sees it.",
        "",
    ]
    for label, measures in results.items():
        ceiling = _find(measures, "framework ceiling").rps
        kept = " — faster on the cached article page in this run" if label == best_label else ""
        lines += [
            f"## gunicorn {label}{kept}",
            "",
            _table(measures, ceiling, static.rps, queries),
            "",
        ]
    best = results[best_label]
    ceiling = _find(best, "framework ceiling").rps
    lines += [
        "## References and the proxy",
        "",
        _table([static, proxied], ceiling, static.rps, {}),
        "",
        f"The proxied figure is deploy/nginx.conf in front of gunicorn {best_label} "
        f"({'; '.join(proxied.notes)}). gunicorn.conf.py's default is "
        f"`{default_worker_class()}` (its docstring says why).",
        "",
        "## Targets (issue 6)",
        "",
        "A page from the page cache beats the ceiling because a hit skips the view, the "
        "template and every middleware after the cache (sessions, CSRF, authentication, CSP); "
        "the ceiling goes through all of them. An uncached article page is still far from the "
        "ceiling: with the shared fragments stored it costs "
        f"{cpu['article']['uncached']:.1f} ms of CPU (nothing cached: "
        f"{cpu['article']['cold']:.1f} ms) against the ceiling's "
        f"{cpu['ceiling']['uncached']:.2f} ms (table below). What is left is the article's "
        f"own work: {queries['article']['uncached']} SQL queries through the ORM (the article, "
        "its bylines and tags; its corrections when it has any) and its template (byline, lead "
        "picture, body, topics, share links, Open Graph and JSON-LD).",
        "",
    ]
    cached, uncached = _find(best, "article, cached"), _find(best, "article, uncached")
    targets = [
        ("Article page, cached ≥ 90% of the framework ceiling", cached.rps / ceiling, 0.90),
        (
            "Article page behind deploy/nginx.conf ≥ 50% of the static limit",
            proxied.rps / static.rps,
            0.50,
        ),
        ("Article page, uncached ≥ 40% of the framework ceiling", uncached.rps / ceiling, 0.40),
        (
            "(the same with nothing cached, fragments off too)",
            _find(best, "article, nothing cached").rps / ceiling,
            0.40,
        ),
    ]
    for text, ratio, goal in targets:
        lines.append(f"- {text}: **{ratio:.0%}** — {'met' if ratio >= goal else 'not met'}")
    uncached_queries, cached_queries = queries["article"]["uncached"], queries["article"]["cached"]
    met = uncached_queries <= 10 and cached_queries == 0
    lines.append(
        "- Article page ≤ 10 SQL queries uncached and 0 cached: "
        f"**{uncached_queries}** and **{cached_queries}** — {'met' if met else 'not met'}"
    )
    lines += [
        "",
        "## SQL queries per page",
        "",
        "| page | URL | nothing cached | fragments stored | from the page cache | bytes |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {name} | `{pages[name]}` | {count['cold']} | {count['uncached']} "
            f"| {count['cached']} | {count['bytes']:,} |"
            for name, count in queries.items()
        ),
        "",
        "Every page's count is flat as the data grows: tests/perf/test_query_counts.py.",
        "",
        "## CPU time per request inside Django",
        "",
        "One thread, Django's test client, no HTTP server and no wrk: what a request costs an",
        "app server's core. It hardly depends on other load, so compare runs with it.",
        "",
        "| page | nothing cached (ms) | fragments stored (ms) | from the page cache (ms) "
        "| fragments stored vs ceiling |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {name} | {cost['cold']:.2f} | {cost['uncached']:.2f} | "
            f"{cost['cached']:.2f} | {cpu['ceiling']['uncached'] / cost['uncached']:.0%} |"
            if "cached" in cost
            else f"| framework ceiling | | {cost['uncached']:.2f} | | 100% |"
            for name, cost in cpu.items()
        ),
        "",
    ]
    return "\n".join(lines)


def _args(args) -> str:
    defaults = {"duration": 10, "connections": 32, "threads": 2, "workers": "gthread,sync"}
    return "".join(
        f" --{key} {getattr(args, key)}"
        for key, value in defaults.items()
        if getattr(args, key) != value
    )


def _table(measures, ceiling: float, static: float, queries) -> str:
    rows = [
        "| measured | req/s | p50 ms | p99 ms | vs ceiling | vs static | SQL queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measures:
        page, _, kind = m.name.partition(", ")
        kind = {"nothing cached": "cold"}.get(kind, kind)
        count = queries.get(page, {}).get(kind, "") if kind else ""
        if m.name == "framework ceiling":
            count = 0
        errors = f" ({m.errors} errors)" if m.errors else ""
        rows.append(
            f"| {m.name}{errors} | {m.rps:,.0f} | {m.p50_ms:.2f} | {m.p99_ms:.2f} | "
            f"{m.rps / ceiling:.0%} | {m.rps / static:.1%} | {count} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
