"""A file name is not alt text, in a real browser (issue 18): an editor tries to publish an
article whose featured library image is "described" by its camera file name, is refused
with the checklist item red, and publishes once the alt text is real words.

The image and its old alt text were put in the library before the rule existed (created
directly, as an import would), so only the publish-time check stands in the way.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from images.models import Image
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory, AuthorFactory, image_file

pytestmark = pytest.mark.django_db(transaction=True)

FILE_NAME = "29440323458_e31a08e3ad_b"
WORDS = "Passengers boarding the evening ferry at the harbour"


def test_a_file_name_for_alt_text_is_refused_and_real_words_publish(page, editor):
    image = Image.objects.create(
        file=image_file("ferry.jpg", size=(640, 360)), title="Evening ferry", alt_text=FILE_NAME
    )
    article = ArticleFactory(
        headline="Evening ferry gets a second crossing",
        status=Article.Status.DRAFT,
        published_at=None,
        authors=[AuthorFactory(name="Ada Quarry")],
        image=image,
        featured_image=image.file.name,
        featured_image_alt=FILE_NAME,
    )
    admin_login(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    checklist = page.locator("#desk-bar .desk-checklist")
    red = checklist.locator(".desk-check--problem")
    expect(red).to_have_count(1)
    expect(red).to_contain_text("Featured image alt text")
    expect(red).to_contain_text("file name")

    page.locator("#desk-bar").get_by_role("button", name="Publish or schedule").click()
    # Refused, saying why, next to the field and in the bar; nothing went out.
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-featured_image_alt .errorlist")).to_contain_text("file name")
    expect(page.locator("#desk-bar .desk-check--problem")).to_contain_text(
        "Featured image alt text"
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.published_at is None

    alt = page.locator("#id_featured_image_alt")
    alt.fill(WORDS)
    expect(checklist.locator(".desk-check--problem")).to_have_count(0)
    expect(checklist).to_contain_text("Ready to publish: every check passes")
    page.locator("#desk-bar").get_by_role("button", name="Publish or schedule").click()
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.locator("#desk-bar .desk-badge")).to_contain_text("Published")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.featured_image_alt == WORDS
    image.refresh_from_db()
    assert image.alt_text == WORDS  # the words belong to the library image


def test_the_desk_bar_with_a_red_checklist_passes_axe(new_context, editor, axe_source):
    """The bar as a screen reader meets it while something is red: axe-core, scoped to the
    bar, finds no violation of any impact; the checklist is a polite live region."""
    from tests.e2e.test_accessibility import describe

    image = Image.objects.create(file=image_file("gull.jpg"), alt_text=FILE_NAME)
    article = ArticleFactory(
        status=Article.Status.DRAFT,
        published_at=None,
        image=image,
        featured_image=image.file.name,
        featured_image_alt=FILE_NAME,
    )
    page = new_context(bypass_csp=True).new_page()
    admin_login(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    expect(page.locator("#desk-checklist .desk-check--problem")).to_have_count(1)
    expect(page.locator("#desk-checklist")).to_have_attribute("aria-live", "polite")
    page.add_script_tag(path=str(axe_source))
    violations = page.evaluate(
        "async () => (await axe.run({include: [['#desk-bar']]},"
        " {resultTypes: ['violations']})).violations"
    )
    assert not violations, describe(violations)
