"""An editor embeds a video in an article by pasting its address alone in a paragraph, in
the real body editor (django-prose-editor in chromium): on save it becomes the card, and a
card already in the body survives being edited."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from newsroom.embeds import embed_html
from newsroom.sanitize import sanitize_html
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

OLD = "https://vimeo.com/7654321"
NEW = "https://www.youtube.com/watch?v=harbour42"


def test_editor_pastes_a_video_address_and_saves_a_card(new_context, editor):
    article = ArticleFactory(
        headline="Ferry timetable changes",
        body=f"<p>The new timetable starts on Monday.</p>{embed_html(OLD)}",
    )
    admin = new_context().new_page()
    admin_login(admin, editor)
    admin.goto(f"/admin/articles/article/{article.pk}/change/")
    admin.wait_for_load_state("networkidle")  # the editor's modules loaded and mounted
    body = admin.locator(".ProseMirror[contenteditable=true]")
    # The caret goes after the paragraph's last character: a click on the right half of that
    # character, then End (which alone stops at the end of the first visual line when the
    # editor column is narrow and the paragraph wraps: the URL was once typed mid-sentence).
    first = body.locator("p").first
    last_character = first.evaluate(
        """p => {
            const text = p.lastChild, range = document.createRange();
            range.setStart(text, text.length - 1);
            range.setEnd(text, text.length);
            const box = range.getBoundingClientRect(), own = p.getBoundingClientRect();
            return {x: box.right - own.left - 1, y: box.top - own.top + box.height / 2};
        }"""
    )
    first.click(position=last_character)
    admin.keyboard.press("End")
    admin.keyboard.press("Enter")
    admin.keyboard.insert_text(NEW)
    admin.keyboard.press("Enter")
    admin.keyboard.insert_text("Watch it before you travel.")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("successfully")
    saved = Article.objects.get(pk=article.pk).body
    assert saved == sanitize_html(
        "<p>The new timetable starts on Monday.</p>"
        f"{embed_html(NEW)}<p>Watch it before you travel.</p>{embed_html(OLD)}"
    )
    # Readers get the cards: links, nothing loaded from the providers.
    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator("figure[data-embed=youtube] a")).to_have_attribute("href", NEW)
    expect(reader.locator("figure[data-embed=vimeo] a")).to_have_text("Watch on Vimeo")
    assert reader.locator("iframe").count() == 0
