"""Does one huge image block other editors' saves? (issue 15 #3; a measurement, not a test)

    NEWSROOM_VAR_DIR=$(mktemp -d) .venv/bin/python bench/big_image.py

On a fresh SQLite database (the `make serve` default) editor A saves an article with a
40-megapixel 16-bit PNG while editor B, half a second later, saves a small one. Prints how
long each save took and, when renditions are a background task, how long the task took
afterwards. Before renditions left the save, A's save held SQLite's write lock while it made
every rendition and B waited for it (or failed with "database is locked").
"""

import io
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("TASKS_BACKEND", "database")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, transaction  # noqa: E402
from PIL import Image  # noqa: E402

from articles.models import Article, Section  # noqa: E402


def big_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("I;16", (8000, 5000), 4000).save(buffer, format="PNG")
    return buffer.getvalue()


def save(headline: str, image: bytes | None, results: dict) -> None:
    close_old_connections()
    started = time.monotonic()
    try:
        with transaction.atomic():
            fields = {"headline": headline, "section": Section.objects.get()}
            if image:
                fields["featured_image"] = ContentFile(image, name="huge.png")
            Article.objects.create(**fields)
        results[headline] = f"{time.monotonic() - started:.2f} s"
    except Exception as exc:  # what editor B would have seen as a 503
        results[headline] = f"failed after {time.monotonic() - started:.2f} s: {exc}"
    finally:
        close_old_connections()


def main() -> None:
    call_command("migrate", verbosity=0)
    Section.objects.get_or_create(name="News")
    png = big_png()
    print(f"PNG: 8000×5000, 16-bit grey, {len(png) / 1024:.0f} KB on disk")
    results: dict[str, str] = {}
    a = threading.Thread(target=save, args=("A: the huge image", png, results))
    b = threading.Thread(target=save, args=("B: a small edit", None, results))
    a.start()
    time.sleep(0.5)
    b.start()
    a.join()
    b.join()
    for name, outcome in results.items():
        print(f"{name:22} save {outcome}")
    try:
        from images.tasks import make_renditions_now
    except ImportError:
        print("renditions: made inside A's save (no task queue)")
        return
    article = Article.objects.exclude(featured_image="").get()
    started = time.monotonic()
    name = article.featured_image.name
    outcome = make_renditions_now(Article, article.pk, "featured_image", name)
    print(f"rendition task (worker, later): {outcome} in {time.monotonic() - started:.2f} s")


if __name__ == "__main__":
    main()
