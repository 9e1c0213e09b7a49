"""An editor works the review queue: preview a draft, publish it, schedule another.

What readers see is checked from a separate, anonymous browser context: the editor's own
session must not be what makes an article visible.
"""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory, AuthorFactory, image_file

pytestmark = pytest.mark.django_db(transaction=True)

SCHEDULE_IN = timedelta(seconds=6)
APPEAR_WITHIN = timedelta(seconds=30)


def in_review(headline: str, contributor) -> Article:
    article = ArticleFactory(
        headline=headline,
        status=Article.Status.REVIEW,
        published_at=None,
        authors=[AuthorFactory(name="Casey Contributor", user=contributor)],
        featured_image=image_file("review.jpg", size=(1200, 675)),
        featured_image_alt="Workers repainting the lines of a pedestrian crossing",
    )
    article.created_by = contributor
    article.save()
    return article


def reload_until_visible(page, path: str, link_name: str, within: timedelta) -> None:
    """Reload ``path`` until a link named ``link_name`` shows, failing after ``within``.

    A bounded functional wait: the page has no live updates, so a reader sees a scheduled
    article by loading the page again once its time has come.
    """
    deadline = time.monotonic() + within.total_seconds()
    while True:
        page.goto(path)
        if page.get_by_role("link", name=link_name).count():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{link_name!r} did not appear on {path} within {within}")
        page.wait_for_timeout(500)


def test_editor_reviews_previews_and_publishes(new_context, editor, contributor):
    article = in_review("Crossing guards return to Mill Road school", contributor)
    ArticleFactory(headline="Library hours extended for exam season")  # already live
    reader = new_context().new_page()
    reader.goto("/")
    expect(reader.get_by_role("link", name=article.headline)).to_have_count(0)

    context = new_context()
    page = context.new_page()
    admin_login(page, editor)

    # The review queue: the article list filtered to "In review".
    page.goto("/admin/articles/article/")
    page.get_by_role("navigation", name="Filter").get_by_role("link", name="In review").click()
    expect(page).to_have_url(re.compile(r"state=review"))
    queue = page.get_by_role("main").get_by_role("table")
    expect(queue.get_by_role("link", name=article.headline)).to_be_visible()
    expect(queue.get_by_role("link", name="Library hours extended for exam season")).to_have_count(
        0
    )
    queue.get_by_role("link", name=article.headline).click()
    expect(page.get_by_role("heading", name="Change article", level=1)).to_be_visible()

    # Preview opens the draft in the real article template, in a new tab.
    with context.expect_page() as new_tab:
        page.get_by_role("link", name="Preview").click()
    preview = new_tab.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=1)).to_have_text(article.headline)
    expect(preview.get_by_role("img", name=article.featured_image_alt)).to_be_visible()
    preview.close()

    page.get_by_role("button", name="Publish or schedule").click()
    expect(page.get_by_text(re.compile(r"^Published\. "))).to_be_visible()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_live

    # Readers see it at once: on the home page and at its address.
    reader.goto("/")
    expect(reader.get_by_role("link", name=article.headline).first).to_be_visible()
    reader.get_by_role("link", name=article.headline).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(article.headline)


def test_editor_schedules_an_article_that_appears_when_due(new_context, editor, contributor):
    article = in_review("Harbour ferry timetable changes next week", contributor)
    page = new_context().new_page()
    admin_login(page, editor)
    page.goto(f"/admin/articles/article/{article.pk}/change/")

    due = timezone.localtime(timezone.now() + SCHEDULE_IN).replace(microsecond=0)
    page.locator('input[name="publish_at_0"]').fill(due.strftime("%Y-%m-%d"))
    page.locator('input[name="publish_at_1"]').fill(due.strftime("%H:%M:%S"))
    page.get_by_role("button", name="Publish or schedule").click()

    expect(page.get_by_text(re.compile(r"^Scheduled: the article becomes public"))).to_be_visible()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == due
    # The admin calls it what it is: scheduled, not yet public.
    page.goto("/admin/articles/article/?state=scheduled")
    expect(page.get_by_role("link", name=article.headline)).to_be_visible()

    reader = new_context().new_page()
    if timezone.now() < due - timedelta(seconds=1):
        reader.goto("/")
        expect(reader.get_by_role("link", name=article.headline)).to_have_count(0)
        assert reader.goto(article.get_absolute_url()).status == 404

    reload_until_visible(reader, "/", article.headline, APPEAR_WITHIN)
    assert timezone.now() >= due, "the article was public before its time"
    assert reader.goto(article.get_absolute_url()).status == 200
