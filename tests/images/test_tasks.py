"""Renditions as a background task: queued after the save commits, made outside the request,
retried when they fail, with a sized placeholder on the page until they exist (issue 15 #3,
issue 21 #5)."""

import io
import logging
import re
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks import default_task_backend
from PIL import Image

from articles.models import Article
from images import renditions, tasks
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from tests.security.helpers import admin_form_data, jpeg_bytes

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def rendition_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT, "renditions")
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def after_commit_for_real(monkeypatch):
    """Undo tests/conftest.py's shortcut: renditions wait for the commit, as in production."""
    monkeypatch.setattr(
        tasks,
        "after_commit",
        lambda callback, using: tasks.transaction.on_commit(callback, using=using, robust=True),
    )


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def big_png() -> bytes:
    """40 megapixels, 16 bits a pixel: a few hundred KB on disk, 80 MB and more decoded."""
    buffer = io.BytesIO()
    Image.new("I;16", (8000, 5000), 4000).save(buffer, format="PNG")
    return buffer.getvalue()


def admin_post(editor_client, image: bytes, name="harbour.png") -> dict:
    data = admin_form_data(editor_client.get(ADD_URL).content.decode())
    data.update(
        {
            "headline": "Harbour crane is taken down",
            "section": str(SectionFactory(name="News").pk),
            "body": "<p>The crane came down on Monday.</p>",
            "featured_image_alt": "A crane lowered onto a barge at dusk",
            "bylines-0-author": str(AuthorFactory().pk),
            "featured_image": ContentFile(image, name=name),
        }
    )
    return data


def media_links(html: str) -> list[str]:
    return re.findall(r"""/media/[^\s"',]+""", html)


# --- the save does no image work -------------------------------------------------------------


def test_the_admin_save_makes_no_rendition_and_queues_one_task_after_commit(
    editor_client, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    """Issue 15 #3: a 40-megapixel 16-bit PNG took 22–28 s inside the save's transaction,
    and on SQLite every other editor's save failed meanwhile. The save now only queues."""
    settings.TASKS = DUMMY
    data = admin_post(editor_client, big_png())
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(ADD_URL, data)
        assert rendition_files(settings) == [], "no rendition inside the transaction"
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content[:300]
    assert rendition_files(settings) == [], "nor anywhere in the request"
    assert callbacks, "the task is queued after the commit"
    [queued] = default_task_backend.results
    article = Article.objects.get()
    assert queued.kwargs["name"] == article.featured_image.name
    assert (article.featured_image_width, article.featured_image_height) == (8000, 5000)
    assert elapsed < 10, f"the save took {elapsed:.1f}s"


def test_a_rolled_back_save_queues_nothing(settings, after_commit_for_real):
    settings.TASKS = DUMMY
    ArticleFactory(featured_image=ContentFile(jpeg_bytes(), name="scene.jpg"))
    # The test's transaction never commits, so neither did the save.
    assert default_task_backend.results == []


# --- placeholder, then the picture ---------------------------------------------------------


def test_the_page_shows_a_sized_placeholder_until_the_renditions_exist(
    client, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        article = ArticleFactory(
            featured_image=ContentFile(jpeg_bytes((1800, 1200)), name="scene.jpg"),
            featured_image_alt="Market stalls in the rain",
        )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture" not in html
    assert 'class="picture-placeholder"' in html
    assert re.search(r'width="1024" height="683" alt="Market stalls in the rain"', html)
    assert "/media/renditions/" not in html, "no link to a file that does not exist yet"
    assert "og:image" not in html or "/media/" not in html

    for callback in callbacks:  # the commit; the immediate backend runs the task
        callback()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture" in html and "picture-placeholder" not in html
    for url in media_links(html):
        assert Path(settings.MEDIA_ROOT, url.removeprefix("/media/")).is_file(), url


def test_the_task_is_idempotent_and_ignores_a_replaced_image(settings):
    article = ArticleFactory(featured_image=ContentFile(jpeg_bytes(), name="one.jpg"))
    name = article.featured_image.name
    assert renditions.is_ready(Article.objects.get(), "featured_image")
    before = {p: p.stat().st_mtime_ns for p in rendition_files(settings)}
    assert tasks.make_renditions_now(Article, article.pk, "featured_image", name) == "done"
    assert {p: p.stat().st_mtime_ns for p in rendition_files(settings)} == before
    assert tasks.make_renditions_now(Article, article.pk, "featured_image", "gone.jpg") == (
        "replaced"
    )


# --- failures: retried, placeholder meanwhile, filled in later -------------------------------


def test_a_failed_rendition_keeps_the_save_retries_and_is_filled_in_later(
    editor_client, client, settings, caplog
):
    """Issue 21 #5: with renditions/ unwritable the save committed and 7 of the page's media
    links answered 404. The save still commits, but the page shows a placeholder; the task
    retries a bounded number of times; a later run fills the renditions in."""
    settings.RENDITION_RETRIES = 2
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    (media / "renditions").write_text("a file where the folder should be")  # not writable

    with caplog.at_level(logging.WARNING, logger="images.tasks"):
        response = editor_client.post(ADD_URL, admin_post(editor_client, jpeg_bytes((1800, 1200))))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.featured_image and not renditions.is_ready(article, "featured_image")
    attempts = [r for r in caplog.records if r.name == "images.tasks"]
    assert len(attempts) == 3, [r.getMessage() for r in attempts]  # the first and 2 retries
    assert "failed 3 times" in attempts[-1].getMessage()

    article.status = Article.Status.PUBLISHED
    article.published_at = article.created_at
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=article.created_at
    )
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "picture-placeholder" in html
    for url in media_links(html):  # every media link on the page answers
        assert (media / url.removeprefix("/media/")).is_file(), url

    (media / "renditions").unlink()  # the folder is fixed
    call_command("make_renditions", stdout=io.StringIO())
    article.refresh_from_db()
    assert renditions.is_ready(article, "featured_image")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture" in html
    links = media_links(html)
    assert links
    for url in links:
        assert (media / url.removeprefix("/media/")).is_file(), url


def test_make_renditions_verify_finds_files_that_went_missing(settings):
    article = ArticleFactory(featured_image=ContentFile(jpeg_bytes(), name="scene.jpg"))
    lost = Path(settings.MEDIA_ROOT, article.lead_640_webp.name)
    lost.unlink()
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "for 0 image(s)" in out.getvalue()  # without --verify, marked means made
    call_command("make_renditions", "--verify", stdout=out)
    assert "for 1 image(s)" in out.getvalue()
    assert lost.is_file()


# --- memory ------------------------------------------------------------------------------


def test_a_source_too_big_to_decode_is_refused_and_keeps_its_placeholder(settings, caplog):
    settings.RENDITION_MAX_BYTES = 1_000_000
    png = io.BytesIO()
    Image.new("RGB", (1000, 1000), (10, 20, 30)).save(png, format="PNG")  # 3 MB decoded
    with caplog.at_level(logging.ERROR, logger="images.tasks"):
        article = ArticleFactory(featured_image=ContentFile(png.getvalue(), name="big.png"))
    assert not renditions.is_ready(Article.objects.get(pk=article.pk), "featured_image")
    assert "RENDITION_MAX_BYTES" in caplog.text
    assert rendition_files(settings) == []


def test_large_jpegs_are_decoded_at_a_reduced_scale(settings):
    """4000×3000 RGB is 36 MB decoded; draft mode decodes it at 1/2 (9 MB) for 1600 wide."""
    settings.RENDITION_MAX_BYTES = 10_000_000
    article = ArticleFactory(
        featured_image=ContentFile(jpeg_bytes((4000, 3000)), name="wide.jpg"),
        featured_image_alt="A wide view of the bay",
    )
    assert renditions.is_ready(Article.objects.get(pk=article.pk), "featured_image")
    with Image.open(Path(settings.MEDIA_ROOT, article.lead_1600_jpeg.name)) as image:
        assert image.size == (1600, 1200)
