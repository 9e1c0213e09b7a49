"""The desk in a browser: its counts, and admin pages that fit the screen (issue 18)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from editorial import services
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def draft_by(user, headline: str, author) -> Article:
    article = ArticleFactory(
        headline=headline, status=Article.Status.DRAFT, published_at=None, authors=[author]
    )
    article.created_by = user
    article.save()
    return article


def count_of(page, section: str, key: str) -> int:
    box = page.locator(f'[data-desk="{section}"] [data-desk-list="{key}"]')
    return int(box.get_attribute("data-count"))


def test_the_desk_counts_what_waits(new_context, editor, contributor):
    author = AuthorFactory(name="Casey Contributor", user=contributor)
    for n in range(2):
        services.content_submit_for_review(
            obj=draft_by(contributor, f"Waiting story {n}", author), by=contributor
        )
    ArticleFactory(
        headline="Tomorrow's story",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )
    ArticleFactory(headline="Out already")

    page = new_context(viewport=LAPTOP).new_page()
    admin_login(page, editor)
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="The desk")).to_be_visible()
    assert count_of(page, "article", "review") == 2
    assert count_of(page, "article", "scheduled") == 1
    assert count_of(page, "article", "published") == 1
    review = page.locator('[data-desk="article"] [data-desk-list="review"]')
    expect(review.get_by_role("link", name="Waiting story 0")).to_be_visible()
    expect(page.locator(".desk-header-count")).to_have_text("Notifications (2)")

    # A third submission shows on the next visit, and the writer's desk shows theirs.
    services.content_submit_for_review(
        obj=draft_by(contributor, "Waiting story 2", author), by=contributor
    )
    page.reload()
    assert count_of(page, "article", "review") == 3
    expect(page.locator(".desk-header-count")).to_have_text("Notifications (3)")

    writer = new_context(viewport=PHONE).new_page()
    admin_login(writer, contributor)
    writer.goto("/admin/")
    assert count_of(writer, "article", "review") == 3
    assert count_of(writer, "article", "published") == 0  # not theirs
    assert _overflow(writer) <= 0


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 or less: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _scrolls_sideways(page, selector: str) -> list[str]:
    """Elements inside ``selector`` that scroll sideways (text inputs aside)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector + ', ' + selector + ' *'))
            .filter(e => e.tagName !== 'INPUT' && !e.className.toString().includes('select2')
                && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
            .map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '/' + e.clientWidth)""",
        selector,
    )


def test_admin_pages_fit_a_laptop_and_a_phone(new_context, editor):
    author = AuthorFactory(name="Alexandrina Wolfeschlegelsteinhausen-Bergdorff")
    long = (
        "Council approves the long-delayed redevelopment of the riverside warehouses "
        "after a nine-hour meeting and three amendments"
    )
    article = ArticleFactory(headline=long, authors=[author])
    for n in range(5):
        ArticleFactory(headline=f"{long} ({n})", authors=[author])

    laptop = new_context(viewport=LAPTOP).new_page()
    admin_login(laptop, editor)
    laptop.goto("/admin/articles/article/")
    assert _overflow(laptop) <= 0, "the article list is wider than a 1,280 px window"
    assert _scrolls_sideways(laptop, "#changelist") == []  # was .results 799/631
    laptop.goto("/admin/")
    assert _overflow(laptop) <= 0

    phone = new_context(viewport=PHONE).new_page()
    admin_login(phone, editor)
    phone.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(phone.locator("#bylines-group")).to_be_visible()
    assert _overflow(phone) <= 0, "the change form (byline table) is wider than a phone"
    assert _scrolls_sideways(phone, "#bylines-group") == []  # was 750/360
    expect(phone.locator("#bylines-group .empty-form")).to_be_hidden()
    phone.goto("/admin/")
    assert _overflow(phone) <= 0
