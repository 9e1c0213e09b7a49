"""Browser-test fixtures: one headless Debian chromium per session, a live server, users.

Why these choices:
- Debian's ``/usr/bin/chromium`` is driven by Playwright for Python; no browser is ever
  downloaded. When it (or the Node packages, or Java) is missing the tests skip with a clear
  message locally and *fail* in CI (``CI=true``), where a missing requirement is a bug.
- pytest-django's ``live_server`` runs the site in a thread of this process. Data made in a
  test must be visible to that thread, so every browser test uses transactional database
  access. Such a test ends by emptying the tables, so the ``roles`` fixture makes the groups
  of the workflow's data migration again (``serialized_rollback`` would too, but it leaves
  the database without content types for whichever transactional test runs next).
- When a test fails, every page it opened is saved as a screenshot under ``var/e2e/``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import UserFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOT_DIR = REPO_ROOT / "var" / "e2e"
PASSWORD = "e2e-Correct-horse-7"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def require(condition: bool, message: str) -> None:
    """Skip locally, fail in CI: a missing browser or tool there is a broken pipeline."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: a missing requirement is a failure)", pytrace=False)
    pytest.skip(f"{message}; run `bash .ci/install-browser` to install it")


def pytest_collection_modifyitems(items):
    """Everything in this folder is a browser test, selectable with ``-m e2e``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the item so fixtures can screenshot on failure."""
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator:
    require(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Screenshots in var/e2e/ are of this run's failures only.
    for old in SCREENSHOT_DIR.glob("*.png"):
        old.unlink()

    # Playwright's sync API runs an event loop in this thread; Django would then refuse ORM
    # calls made by the test itself (factories, assertions) as "async unsafe". The calls are
    # synchronous and on the test's own thread, so allowing them is correct here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as driver:
        yield driver
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One headless chromium for the whole session; each test gets fresh contexts."""
    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=args
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(request, browser, live_server) -> Iterator[Callable]:
    """Make browser contexts (isolated cookie jars) pointed at the live server.

    Several contexts stand for several people (two editors at once). On failure, the
    current page of every context is saved to ``var/e2e/<test>-<n>.png``.
    """
    contexts = []

    def make(viewport: dict | None = None, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale="en-US",
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make

    report = getattr(request.node, "e2e_report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        shots = 0
        for context in contexts:
            for page in context.pages:
                shots += 1
                try:
                    page.screenshot(path=SCREENSHOT_DIR / f"{stem}-{shots}.png", full_page=True)
                except Exception as error:  # a crashed page must not hide the real failure
                    print(f"could not screenshot {page.url}: {error}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A desktop-sized page in a fresh context."""
    return new_context().new_page()


@pytest.fixture
def axe_source() -> Path:
    require(AXE_JS.exists(), f"axe-core is not installed at {AXE_JS}")
    return AXE_JS


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    require(java is not None, "Java is not installed (the Nu Html Checker needs it)")
    require(VNU_JAR.exists(), f"vnu-jar is not installed at {VNU_JAR}")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="session")
def migrated_apps():
    """The app registry as the migrations leave it, for re-running data migrations."""
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(None, ignore_no_migrations=True).project_state().apps


@pytest.fixture
def roles(transactional_db, migrated_apps):
    """The role groups made by the workflow's data migration.

    A transactional test ends by emptying every table, so rows that only a data migration
    creates are gone for the next one; they are made again here the way the migration does.
    """
    from django.contrib.auth.models import Group

    try:
        from editorial.roles import ROLE_PERMISSIONS, sync_roles
    except ImportError:
        pytest.xfail("editorial/roles.py (issue 5: the workflow's role groups) is missing")
    if Group.objects.filter(name__in=list(ROLE_PERMISSIONS)).count() < len(ROLE_PERMISSIONS):
        sync_roles(migrated_apps)
    return {group.name: group for group in Group.objects.all()}


def _user_in_group(roles, username: str, group_name: str):
    user = UserFactory(username=username, is_staff=True, password=PASSWORD)
    if group_name not in roles:
        pytest.xfail(f'role group "{group_name}" does not exist (issue 5: workflow roles)')
    user.groups.add(roles[group_name])
    return user


@pytest.fixture
def contributor(roles):
    return _user_in_group(roles, "casey.contributor", "Contributor")


@pytest.fixture
def editor(roles):
    return _user_in_group(roles, "erin.editor", "Editor")


@pytest.fixture
def second_editor(roles):
    return _user_in_group(roles, "eli.editor", "Editor")


def admin_login(page, user) -> None:
    """Sign in through the admin's real login form."""
    from playwright.sync_api import expect

    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


@pytest.fixture
def reader_site(db):
    """A small, complete site: a rich article with image, author, books and other stories."""
    from types import SimpleNamespace

    from django.utils import timezone

    from tests.factories import (
        ArticleFactory,
        AuthorFactory,
        BookFactory,
        SectionFactory,
        image_file,
    )

    # Small images: every upload is turned into renditions when saved, and big ones are slow.
    now = timezone.now()
    section = SectionFactory(name="Cities", description="How our cities are changing.")
    author = AuthorFactory(
        name="Noor Haddad",
        job_title="Housing correspondent",
        short_bio="Noor Haddad reports on rents, planning and the people they touch.",
        long_bio="Noor Haddad has covered housing for a decade, from tenant unions to towers.",
        photo=image_file("noor.jpg", size=(240, 240), color=(120, 80, 60)),
        x_handle="noorwrites",
        website_url="https://noor.example.org/",
    )
    book = BookFactory(
        title="Streets We Share",
        description="Essays on the life of neighbourhood streets.",
        cover=image_file("streets-cover.jpg", size=(300, 450), color=(30, 110, 70)),
        authors=[author],
    )
    second_book = BookFactory(title="Water Under the City", authors=[author])
    others = [
        ArticleFactory(
            headline=f"Riverside market reopens after repairs, part {n}",
            section=section,
            authors=[author],
            published_at=now - timezone.timedelta(days=n + 1),
            featured_image=image_file(f"market-{n}.jpg", size=(480, 270)),
            featured_image_alt=f"Stalls under a striped awning at the riverside market, view {n}",
        )
        for n in range(1, 4)
    ]
    article = ArticleFactory(
        headline="Tenants win a say over the new tram depot",
        dek="A year of meetings ends with a seat on the planning board.",
        body=(
            "<p>After a year of meetings, tenants on Alder Street have a seat on the board.</p>"
            "<h2>What changes</h2>"
            "<ul><li>Two tenant members</li><li>Open minutes</li></ul>"
            '<p>The <a href="https://council.example.org/minutes">minutes</a> are public.</p>'
            "<blockquote><p>We asked to be heard, and now we are.</p></blockquote>"
        ),
        section=section,
        authors=[author],
        tags=["housing", "transport"],
        published_at=now - timezone.timedelta(minutes=30),
        featured_image=image_file("depot.jpg", size=(800, 450), color=(70, 90, 160)),
        featured_image_alt="Residents around a table studying the tram depot plans",
        featured_image_caption="Residents study the depot plans at a public meeting.",
        featured_image_credit="Newsroom photo",
    )
    return SimpleNamespace(
        section=section,
        author=author,
        book=book,
        second_book=second_book,
        article=article,
        others=others,
        tag_slug="housing",
    )


SEARCH_ROUTE_NAMES = ["articles:search", "search:search", "search"]
MISSING_PATH = "/articles/no-such-story-here/"


def search_path(query: str) -> str | None:
    """The search page's address, or None while the search feature (issue 4) is absent."""
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    for name in SEARCH_ROUTE_NAMES:
        try:
            return f"{reverse(name)}?{urlencode({'q': query})}"
        except NoReverseMatch:
            continue
    return None


def public_pages(site) -> dict[str, str | None]:
    """Every kind of public page for the content of ``reader_site``, by a short name."""
    from django.urls import reverse

    return {
        "home": "/",
        "article": site.article.get_absolute_url(),
        "author": site.author.get_absolute_url(),
        "authors": reverse("authors:list"),
        "books": reverse("books:list"),
        "book": site.book.get_absolute_url(),
        "section": site.section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": site.tag_slug}),
        "search": search_path("tram depot"),
        "404": MISSING_PATH,
    }


def choose_autocomplete(page, field_name: str, text: str) -> None:
    """Pick ``text`` in one of the admin's select2 autocomplete widgets.

    The real <select> (named ``field_name``) is hidden; select2 draws a combobox right after it,
    opens a dropdown with a search box, and lists matches as options fetched from the server.
    """
    widget = page.locator(f'select[name="{field_name}"] + .select2')
    widget.get_by_role("combobox").click()
    page.get_by_role("searchbox").last.fill(text)
    page.get_by_role("option", name=text).click()


def body_editor(page):
    """The rich-text editor of the article body: the page's one contenteditable area."""
    from playwright.sync_api import expect

    editor = page.locator('[contenteditable="true"]')
    expect(editor).to_have_count(1)
    return editor
