"""A contributor writes an article in the admin and sends it to the editors; they cannot publish.

The body is written with the rich-text editor's own toolbar (heading, link, list) and the
featured image is a real file picked in the upload field, so this covers what the Django test
client cannot: the editor's JavaScript producing the HTML the server then sanitises.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import admin_login, body_editor, choose_autocomplete
from tests.factories import AuthorFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE = "Night buses return to the harbour route"
ALT = "A double-decker bus waiting at the harbour stop after dark"
LINK = "https://transit.example.org/timetables"


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "harbour-bus.jpg"
    path.write_bytes(image_file(size=(1200, 800), color=(20, 40, 90)).read())
    return path


@pytest.fixture
def writer(contributor):
    """The contributor's author profile, so they can credit themselves in the byline."""
    return AuthorFactory(name="Casey Contributor", user=contributor)


def write_body(page) -> None:
    """Type the body with the editor toolbar: a heading, a paragraph with a link, a list."""
    editor = body_editor(page)
    editor.click()
    page.keyboard.type("What changes for riders")
    page.get_by_role("button", name="paragraph").click(force=True)  # the block-type menu
    page.get_by_role("button", name="Heading 2").click()
    heading = editor.get_by_role("heading", name="What changes for riders", level=2)
    expect(heading).to_be_visible()

    editor.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("The new timetable is online.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="unordered list").click()
    page.keyboard.type("Buses every 20 minutes")
    page.keyboard.press("Enter")
    page.keyboard.type("Last departure at 1:30")
    expect(editor.get_by_role("listitem")).to_have_count(2)

    # Select the paragraph's last word and make it a link through the editor's dialog.
    editor.get_by_text("The new timetable is online.").click()
    page.keyboard.press("End")
    for _ in "online.":
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("button", name="insert link").click()
    link_dialog = page.get_by_role("dialog")
    link_dialog.get_by_role("textbox", name="URL").fill(LINK)
    link_dialog.get_by_role("button", name="Update").click()
    expect(link_dialog).to_be_hidden()
    expect(editor.get_by_role("link", name="online.")).to_be_visible()
    expect(editor).to_contain_text("The new timetable is online.")


def test_contributor_writes_and_submits_an_article_for_review(page, contributor, writer, photo):
    SectionFactory(name="Transport")
    admin_login(page, contributor)

    page.goto("/admin/articles/article/add/")
    expect(page.get_by_role("heading", name="Add article", level=1)).to_be_visible()
    # A contributor is offered no way to publish, not even greyed out.
    expect(page.get_by_role("button", name=re.compile("publish", re.IGNORECASE))).to_have_count(0)

    page.get_by_label("Headline:").fill(HEADLINE)
    page.get_by_label("Standfirst:").fill("Late-shift workers get their ride home back.")
    choose_autocomplete(page, "section", "Transport")
    write_body(page)
    page.locator("input[type=file][name=featured_image]").set_input_files(photo)
    page.get_by_label("Alt text:").fill(ALT)
    page.get_by_label("Caption:").fill("The first night bus in two years.")
    choose_autocomplete(page, "bylines-0-author", writer.name)

    page.get_by_role("button", name="Save and submit for review").click()

    expect(page.get_by_text(re.compile(r"^Submitted for review\. "))).to_be_visible()
    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Article.Status.REVIEW
    assert article.created_by == contributor
    assert "<h2>What changes for riders</h2>" in article.body
    assert f'<a href="{LINK}"' in article.body
    assert re.search(r"<ul>\s*<li>(<p>)?Buses every 20 minutes", article.body), article.body
    assert article.featured_image, "the uploaded image was not saved"
    assert article.featured_image_alt == ALT
    assert [b.author for b in article.bylines.all()] == [writer]

    # Once in review the article is the editors'; the contributor still has no publish button.
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("publish", re.IGNORECASE))).to_have_count(0)
    assert not Article.objects.live().filter(pk=article.pk).exists()


def test_contributor_cannot_publish_by_forging_the_button(new_context, contributor, writer):
    """Pressing a publish button that was never shown (a forged POST) is refused with 403."""
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        status=Article.Status.DRAFT, published_at=None, authors=[writer], headline="Own draft"
    )
    article.created_by = contributor
    article.save()
    page = new_context().new_page()
    admin_login(page, contributor)
    change_url = f"/admin/articles/article/{article.pk}/change/"
    page.goto(change_url)
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("publish", re.IGNORECASE))).to_have_count(0)

    token = page.locator('input[name="csrfmiddlewaretoken"]').first.input_value()
    response = page.request.post(
        change_url,
        form={"csrfmiddlewaretoken": token, "headline": "Own draft", "_publish": "Publish"},
    )

    assert response.status == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.live().filter(pk=article.pk).exists()
