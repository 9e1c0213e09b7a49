"""The editor's desk in a real browser (issue 18): autosave and restore, the leave warning,
the top bar staying in view, and the pre-publish checklist.

The autosave interval is shortened to one second through the setting the page reads; each
wait below is for something the page shows, bounded by Playwright's timeout.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from editorial.models import Autosave
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick_autosave(settings):
    settings.EDITORIAL_AUTOSAVE_SECONDS = 1


def dialogs_of(page) -> list[str]:
    """Accept every dialog (the leave warning), remembering its type."""
    seen: list[str] = []

    def handle(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", handle)
    return seen


def test_unsaved_changes_are_kept_restored_and_warned_about(page, editor):
    article = ArticleFactory(
        headline="Tram line extension approved", status=Article.Status.DRAFT, published_at=None
    )
    change = reverse("admin:articles_article_change", args=[article.pk])
    admin_login(page, editor)
    dialogs = dialogs_of(page)
    page.goto(change)
    headline = page.get_by_label("Headline")
    headline.press("End")
    headline.press_sequentially(" by council")
    expect(page.locator("#desk-autosave-status")).to_contain_text("Unsaved changes kept at")

    # Leaving asks first; the copy is on the server whatever the answer.
    page.goto(reverse("admin:index"))
    assert dialogs == ["beforeunload"]
    page.goto(change)
    restore = page.get_by_role("link", name="Restore your unsaved changes from")
    expect(restore).to_be_visible()
    restore.click()
    expect(page.get_by_label("Headline")).to_have_value("Tram line extension approved by council")

    # Saving is not leaving: no warning, and the kept copy is gone.
    page.locator("#desk-bar").get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert dialogs == ["beforeunload"]
    article.refresh_from_db()
    assert article.headline == "Tram line extension approved by council"
    assert not Autosave.objects.exists()


def test_a_new_article_is_kept_from_its_first_keystroke(page, editor):
    SectionFactory(name="City")
    admin_login(page, editor)
    page.goto(reverse("admin:articles_article_add"))
    page.get_by_label("Headline").press_sequentially("N")
    expect(page.locator("#desk-autosave-status")).to_contain_text("Unsaved changes kept at")
    copy = Autosave.objects.get()
    assert copy.object_id is None and copy.data["headline"] == ["N"]


def test_every_admin_form_warns_before_leaving_unsaved_changes(page, editor):
    """Not only articles: a section's form too, and never when it is submitted."""
    editor.is_superuser = True
    editor.save()
    section = SectionFactory(name="Transport")
    admin_login(page, editor)
    dialogs = dialogs_of(page)
    url = reverse("admin:articles_section_change", args=[section.pk])
    page.goto(url)
    page.goto(reverse("admin:index"))  # nothing changed: no question
    assert dialogs == []
    page.goto(url)
    page.get_by_label("Description").press_sequentially("Buses, trams and bikes.")
    page.goto(reverse("admin:index"))
    assert dialogs == ["beforeunload"]
    page.goto(url)
    page.get_by_label("Description").press_sequentially("Buses and trams.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert dialogs == ["beforeunload"]


def test_the_top_bar_stays_in_view_with_its_checklist(page, editor):
    article = ArticleFactory(
        status=Article.Status.DRAFT,
        published_at=None,
        excerpt="An excerpt that goes on. " * 20,
    )
    admin_login(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    bar = page.locator("#desk-bar")
    checklist = bar.locator(".desk-checklist")
    expect(checklist.locator(".desk-check--problem")).to_have_count(1)
    expect(checklist.locator(".desk-check--problem")).to_contain_text("Excerpt length")
    expect(checklist.locator(".desk-check--ok").filter(has_text="Headline")).to_have_count(1)
    expect(checklist).to_contain_text("Before publishing: 1 thing to fix")

    # Scrolled to the end of the form (instantly: no smooth scrolling to wait for).
    page.evaluate("window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})")
    assert page.evaluate("window.scrollY") > 500
    publish = bar.get_by_role("button", name="Publish or schedule")
    expect(publish).to_be_in_viewport()
    box = bar.bounding_box()
    assert box is not None and -1 <= box["y"] <= 5


def test_the_checklist_follows_the_form_as_the_editor_types(page, editor):
    """No save: the bar's checklist asks the server about the open form after each pause."""
    article = ArticleFactory(
        status=Article.Status.DRAFT,
        published_at=None,
        excerpt="An excerpt that goes on. " * 20,
    )
    admin_login(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    checklist = page.locator("#desk-bar .desk-checklist")
    expect(checklist).to_contain_text("Before publishing: 1 thing to fix")

    page.get_by_label("Excerpt").fill("A short excerpt.")
    expect(checklist).to_contain_text("Ready to publish: every check passes")
    expect(checklist.locator(".desk-check--problem")).to_have_count(0)

    page.get_by_label("Headline").fill("")
    expect(checklist).to_contain_text("Before publishing: 1 thing to fix")
    expect(checklist.locator(".desk-check--problem")).to_contain_text(
        "Give the article a headline."
    )
    article.refresh_from_db()
    assert article.headline and article.excerpt.startswith("An excerpt")  # nothing saved
