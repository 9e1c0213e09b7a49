"""An editor embeds a video in an article by pasting its address alone in a paragraph, in
the real body editor (django-prose-editor in chromium): the editor shows it as the card
readers will get (static/js/admin-embeds.js), saving keeps the card, and a card already in
the body shows as a card and survives being edited."""

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
    body = admin.locator(".ProseMirror[contenteditable=true]")
    # The stored card shows as the card readers see, not as a link and a caption.
    stored = body.locator("figure[data-embed=vimeo]")
    expect(stored.locator("a")).to_have_text("Watch on Vimeo")
    expect(stored.locator("figcaption")).to_have_text("vimeo.com/7654321")
    expect(body.locator("figure:not([data-embed])")).to_have_count(0)
    # The card is one piece: a click chooses it whole (and does not follow its link), and
    # the left arrow from it puts the caret after the last character of the paragraph
    # before it, however that paragraph wraps.
    stored.locator("a").click()
    expect(body.locator("figure.ProseMirror-selectednode[data-embed=vimeo]")).to_have_count(1)
    assert admin.url.endswith(f"/admin/articles/article/{article.pk}/change/")
    admin.keyboard.press("ArrowLeft")
    expect(body.locator(".ProseMirror-selectednode")).to_have_count(0)
    admin.keyboard.press("Enter")
    admin.keyboard.insert_text(NEW)
    expect(body.locator("p", has_text=NEW)).to_have_count(1)  # still being typed: text
    admin.keyboard.press("Enter")
    # Once the caret leaves it, the address is the card, in the editor already.
    card = body.locator("figure[data-embed=youtube]")
    expect(card.locator("a")).to_have_text("Watch on YouTube")
    expect(card.locator("a")).to_have_attribute("href", NEW)
    expect(card.locator("figcaption")).to_have_text("youtube.com/watch?v=harbour42")
    expect(body.locator("p", has_text=NEW)).to_have_count(0)
    admin.keyboard.insert_text("Watch it before you travel.")
    expect(body.locator("figure[data-embed=youtube] + p")).to_have_text(
        "Watch it before you travel."
    )
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


def test_a_pasted_address_shows_as_a_card_at_once(new_context, editor):
    """Pasted alone in an empty paragraph, the address is the card before anything else is
    typed, and writing goes on in the paragraph below it."""
    article = ArticleFactory(
        headline="Night ferries return", body="<p>The first sailing is at ten.</p><p></p>"
    )
    admin = new_context().new_page()
    admin_login(admin, editor)
    admin.goto(f"/admin/articles/article/{article.pk}/change/")
    body = admin.locator(".ProseMirror[contenteditable=true]")
    expect(body.locator("p").first).to_have_text("The first sailing is at ten.")
    body.locator("p").first.click()
    admin.keyboard.press("Control+End")  # the empty paragraph at the end
    # Paste only once the caret is there (a loaded machine may not have moved it yet).
    admin.wait_for_function(
        """() => {
            const node = window.getSelection().anchorNode;
            const block = node && (node.nodeType === 1 ? node : node.parentElement);
            const p = block && block.closest(".ProseMirror p");
            return p !== null && p.textContent === "" && p.previousElementSibling !== null;
        }"""
    )
    body.evaluate(
        """(editor, url) => {
            const data = new DataTransfer();
            data.setData("text/plain", url);
            editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data,
                bubbles: true, cancelable: true}));
        }""",
        NEW,
    )
    card = body.locator("figure[data-embed=youtube]")
    expect(card.locator("a")).to_have_text("Watch on YouTube")
    expect(card.locator("figcaption")).to_have_text("youtube.com/watch?v=harbour42")
    expect(body.locator("p", has_text="youtube.com")).to_have_count(0)
    admin.keyboard.insert_text("Sailings run nightly.")
    expect(body.locator("figure[data-embed=youtube] + p")).to_have_text("Sailings run nightly.")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("successfully")
    assert Article.objects.get(pk=article.pk).body == sanitize_html(
        f"<p>The first sailing is at ten.</p>{embed_html(NEW)}<p>Sailings run nightly.</p>"
    )
