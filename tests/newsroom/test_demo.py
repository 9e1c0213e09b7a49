"""The demo loader (``manage.py demo``): what it promises, and that it never duplicates."""

import io
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone
from imagekit.specs import ImageSpec
from PIL import Image
from reversion.models import Version
from taggit.models import Tag

from articles.models import Article, Byline, Section
from authors.models import Author
from books.isbn import is_valid_isbn
from books.models import Book, PurchaseLink
from images.validators import validate_alt_text
from newsroom.demo import loader
from newsroom.demo.books import isbn13
from newsroom.demo.images import MOTIFS, PALETTES, article_picture
from newsroom.demo.loader import DEMO_USERNAMES, DEV_PASSWORD
from newsroom.sanitize import sanitize_html
from pages.models import Page
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_renditions(monkeypatch, settings):
    """Make renditions on first use instead of on save, and hash passwords cheaply.

    The loader is under test here, not imagekit or Argon2; one test below keeps both real.
    """
    monkeypatch.setattr(
        ImageSpec, "cachefile_strategy", "imagekit.cachefiles.strategies.JustInTime"
    )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def content_counts() -> dict[str, int]:
    return {
        "articles": Article.objects.count(),
        "bylines": Byline.objects.count(),
        "sections": Section.objects.count(),
        "authors": Author.objects.count(),
        "books": Book.objects.count(),
        "links": PurchaseLink.objects.count(),
        "tags": Tag.objects.count(),
        "users": get_user_model().objects.count(),
    }


def media_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_demo_loads_everything_it_promises(settings):
    """End to end, with the real rendition strategy: what `make run` gives a newcomer."""
    output = run_demo()
    now = timezone.now()

    assert Author.objects.count() >= 4
    assert Author.objects.filter(user__isnull=True).count() == 1
    assert set(Section.objects.values_list("name", flat=True)) == {"Articles", "Opinion", "News"}
    assert all(Section.objects.values_list("description", flat=True))

    live = Article.objects.live()
    assert live.count() >= 12
    assert {a.section.name for a in live} == {"Articles", "Opinion", "News"}
    assert all(now - timedelta(days=61) < a.published_at <= now for a in live)
    assert live.filter(updated_at__gte=F("published_at") + timedelta(days=1)).exists()

    republished = live.exclude(source_name="").get()
    assert republished.source_url.startswith("https://")
    assert ".example.org/" in republished.source_url
    assert republished.permission_note == "republished with permission"

    draft = Article.objects.get(status=Article.Status.DRAFT)
    assert draft.published_at is None
    assert Article.objects.filter(status=Article.Status.REVIEW).exists()
    scheduled = Article.objects.get(status=Article.Status.PUBLISHED, published_at__gt=now)
    assert scheduled not in live
    assert scheduled.published_at > now + timedelta(days=2)

    assert Book.objects.count() >= 4
    for book in Book.objects.all():
        assert book.cover and book.cover.storage.exists(book.cover.name)
        assert is_valid_isbn(book.isbn), book.isbn
        assert 1 <= book.purchase_links.count() <= 3
        assert book.credit
    assert Book.objects.filter(is_on_shelf=False).count() == 1
    assert Book.objects.filter(authors__isnull=True).exclude(author_credit="").exists()

    assert "Demo content loaded." in output
    assert f"{settings.SITE_URL}/admin/" in output


def test_every_live_article_has_a_described_image_and_credits(fast_renditions):
    run_demo()
    for article in Article.objects.live().for_detail():
        assert article.featured_image.storage.exists(article.featured_image.name)
        assert article.featured_image_width and article.featured_image_height
        assert article.featured_image_alt.startswith("Abstract illustration:")
        validate_alt_text(article.featured_image_alt)
        assert article.featured_image_credit == "Illustration: Newsroom studio"
        # In the image library, with the same words (issue 18).
        assert article.image.file.name == article.featured_image.name
        assert article.image.alt_text == article.featured_image_alt
        assert article.image.credit == article.featured_image_credit
        assert 1 <= len(article.byline_authors) <= 3
        assert article.dek and article.tags.exists()
        assert 4 <= article.body.count("<p>") <= 8, article.headline


def test_demo_text_uses_the_site_name(fast_renditions, settings):
    settings.SITE_NAME = "The Policy Desk"
    run_demo()
    assert "The Policy Desk" in Author.objects.get(name="Mara Ellison").short_bio
    assert Article.objects.first().featured_image_credit == "Illustration: The Policy Desk studio"


def test_bodies_are_already_clean_so_the_sanitiser_changes_nothing(fast_renditions):
    run_demo()
    for body in Article.objects.values_list("body", flat=True):
        assert sanitize_html(body) == body


def test_article_bodies_show_every_kind_of_markup(fast_renditions):
    run_demo()
    bodies = "".join(Article.objects.live().values_list("body", flat=True))
    for tag in ("<h2>", "<blockquote>", "<ul>", "<ol>", '<a href="https://'):
        assert tag in bodies


def test_byline_roles_and_shared_tags(fast_renditions):
    run_demo()
    roles = Counter(Byline.objects.values_list("role", flat=True))
    assert roles[Byline.Role.BY] > roles[Byline.Role.REPORTED_BY] >= 1
    assert roles[Byline.Role.TRANSLATED_BY] >= 1
    live = Article.objects.live()
    shared = [tag for tag in Tag.objects.all() if live.filter(tags=tag).count() >= 3]
    assert len(shared) >= 3


def test_authors_have_bios_and_valid_social_handles(fast_renditions):
    run_demo()
    for author in Author.objects.all():
        author.full_clean()
        assert author.job_title and author.short_bio and author.long_bio
        for link in author.social_links:
            assert "example" in link["url"] or "bsky.app" in link["url"] or "x.com" in link["url"]
    assert Author.objects.filter(bluesky_handle__endswith=".bsky.social").exists()
    assert Author.objects.exclude(mastodon_handle="").exists()


@pytest.mark.parametrize("debug", [True, False])
def test_demo_users_and_their_passwords(fast_renditions, settings, debug):
    settings.DEBUG = debug
    output = run_demo()
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    assert users.count() == len(DEMO_USERNAMES)
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    for name in ("editor", "contributor"):
        user = users.get(username=name)
        assert user.is_staff and not user.is_superuser
        assert user.author_profile is not None
        assert user.check_password(DEV_PASSWORD) is debug
    if not debug:
        line = next(line for line in output.splitlines() if line.strip().startswith("admin "))
        password = line.split()[1]
        assert admin.check_password(password)
        assert "random password" in output


def test_staff_writers_are_linked_but_the_guest_is_not(fast_renditions):
    run_demo()
    guest = Author.objects.get(user__isnull=True)
    assert guest.job_title.endswith("guest contributor")
    assert Author.objects.filter(user__username="editor", name="Mara Ellison").exists()


@pytest.mark.parametrize(
    ("username", "group"),
    [
        ("admin", "Administrator"),
        ("editor", "Editor"),
        ("contributor", "Contributor"),
        ("priya", "Contributor"),
    ],
)
def test_users_join_their_role_group(fast_renditions, username, group):
    Group.objects.get_or_create(name=group)
    run_demo()
    user = get_user_model().objects.get(username=username)
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.is_staff


def test_users_are_made_even_without_role_groups(fast_renditions):
    Group.objects.all().delete()
    run_demo()
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and not editor.groups.exists()


def test_each_article_starts_with_one_revision_of_its_final_state(fast_renditions):
    run_demo()
    for article in Article.objects.all():
        versions = Version.objects.get_for_object(article)
        assert versions.count() == 1
        revision = versions.get().revision
        assert revision.user == article.created_by
        # The revision holds the bylines and tag links too, so a restore brings them back.
        kinds = {v.content_type.model for v in revision.version_set.all()}
        assert {"article", "byline", "taggeditem"} <= kinds


def test_if_empty_loads_an_empty_database_then_does_nothing(fast_renditions):
    first = run_demo("--if-empty")
    assert "Demo content loaded." in first
    before = content_counts()
    second = run_demo("--if-empty")
    assert "Content exists" in second
    assert content_counts() == before


def test_refuses_without_flags_when_articles_exist(fast_renditions):
    ArticleFactory()
    before = content_counts()
    with pytest.raises(CommandError, match="--reset"):
        run_demo()
    assert content_counts() == before


def test_reset_reloads_without_duplicates(
    fast_renditions, settings, django_capture_on_commit_callbacks
):
    run_demo()
    before = content_counts()
    first_images = media_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        output = run_demo("--reset")
    assert "Deleted:" in output
    assert content_counts() == before
    assert not Article.objects.filter(slug__regex=r"-\d+$").exists()
    # One version per article, byline, tag link and page (pages/: the demo's pages).
    assert (
        Version.objects.count()
        == Byline.objects.count()
        + Article.objects.count()
        + sum(article.tags.count() for article in Article.objects.all())
        + Page.objects.count()
    )
    # The old images went with the old rows; only the new set remains.
    after_images = media_files(settings)
    assert not first_images & after_images
    assert len(after_images) == len(first_images)


def test_reset_deletes_other_content_but_keeps_other_users(fast_renditions):
    reader = UserFactory(username="reader")
    ArticleFactory(headline="An article written by hand", tags=["handmade"])
    run_demo("--reset")
    assert not Article.objects.filter(headline="An article written by hand").exists()
    assert not Tag.objects.filter(name="handmade").exists()
    assert get_user_model().objects.filter(pk=reader.pk).exists()


def test_loading_reuses_existing_sections_and_leaves_existing_accounts_alone(fast_renditions):
    SectionFactory(name="News", description="Our own description.")
    admin = UserFactory(username="admin", password="my-own-password-123")
    output = run_demo()
    assert Section.objects.filter(name="News").count() == 1
    assert Section.objects.get(name="News").description == "Our own description."
    admin.refresh_from_db()
    assert admin.check_password("my-own-password-123")
    assert "existing account" in output


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(("answer", "reloads"), [("yes", True), ("no", False), ("", False)])
def test_reset_asks_first_on_a_terminal(fast_renditions, monkeypatch, answer, reloads):
    ArticleFactory(headline="Kept unless confirmed")
    monkeypatch.setattr("sys.stdin", FakeTerminal())
    questions = []
    monkeypatch.setattr("builtins.input", lambda q: questions.append(q) or answer)
    if reloads:
        run_demo("--reset")
    else:
        with pytest.raises(CommandError, match="cancelled"):
            run_demo("--reset")
    assert len(questions) == 1 and "DELETES all 1 articles" in questions[0]
    assert Article.objects.filter(headline="Kept unless confirmed").exists() is not reloads


def test_reset_with_no_input_does_not_ask(fast_renditions, monkeypatch):
    ArticleFactory()
    monkeypatch.setattr("sys.stdin", FakeTerminal())
    monkeypatch.setattr("builtins.input", lambda q: pytest.fail("asked for input"))
    run_demo("--reset", "--no-input")
    assert Article.objects.live().count() >= 12


def test_reset_and_if_empty_cannot_be_combined():
    with pytest.raises(CommandError):
        run_demo("--reset", "--if-empty")


def test_a_failed_load_leaves_no_rows_and_no_files(fast_renditions, settings, monkeypatch):
    def broken_cover(**kwargs):
        raise RuntimeError("the cover printer jammed")

    monkeypatch.setattr(loader, "book_cover", broken_cover)
    with pytest.raises(RuntimeError, match="jammed"):
        run_demo()
    assert content_counts()["articles"] == 0
    assert content_counts()["users"] == 0
    assert media_files(settings) == set()


@pytest.mark.parametrize(
    ("stem", "isbn"),
    [("978030640615", "9780306406157"), ("979100000000", "9791000000008")],
)
def test_isbn13_adds_the_check_digit(stem, isbn):
    assert isbn13(stem) == isbn
    assert is_valid_isbn(isbn)


@pytest.mark.parametrize("stem", ["97803064061", "97803064061X", ""])
def test_isbn13_refuses_a_bad_stem(stem):
    with pytest.raises(ValueError):
        isbn13(stem)


@pytest.mark.parametrize("section", sorted(PALETTES))
@pytest.mark.parametrize("motif", MOTIFS)
def test_pictures_are_real_jpegs_whose_alt_text_names_their_colours(section, motif):
    picture = article_picture(section=section, seed=7, motif=motif)
    with Image.open(io.BytesIO(picture.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (picture.width, picture.height)
    validate_alt_text(picture.alt)
    palette = PALETTES[section]
    assert palette.top.name in picture.alt and palette.bottom.name in picture.alt
    assert sum(colour.name in picture.alt for colour in palette.accents) >= 2
    assert len(picture.alt) <= Article._meta.get_field("featured_image_alt").max_length
