"""The image library in a real browser: an upload that survives a form error, and a library
image inserted into the body (issue 18)."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from images.models import Image
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory, AuthorFactory, image_file

pytestmark = pytest.mark.django_db(transaction=True)


def draft_by(user) -> Article:
    article = ArticleFactory(
        headline="Ferry timetable changes",
        status=Article.Status.DRAFT,
        published_at=None,
        authors=[AuthorFactory(name="Erin Editor", user=user)],
    )
    article.created_by = user
    article.save()
    return article


def test_an_upload_survives_a_form_error(new_context, editor, tmp_path):
    article = draft_by(editor)
    picture = tmp_path / "ferry.jpg"
    picture.write_bytes(image_file("ferry.jpg", size=(640, 360)).read())
    page = new_context().new_page()
    admin_login(page, editor)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator("input[type=file][name=featured_image]").set_input_files(str(picture))
    page.locator("#id_featured_image_alt").fill("The evening ferry leaving the quay")
    page.locator("#id_headline").fill("")  # the error
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    preview = page.locator(".library-chooser__preview")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.naturalWidth") > 0  # the kept image really shows
    page.locator("#id_headline").fill("Ferry timetable changes again")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_have_count(0)
    article.refresh_from_db()
    kept = Image.objects.get()
    assert article.image == kept
    assert article.featured_image.name == kept.file.name
    assert kept.alt_text == "The evening ferry leaving the quay"


def test_an_editor_inserts_a_library_image_into_the_body(new_context, editor):
    image = Image.objects.create(
        file=image_file("gulls.jpg", size=(640, 360)),
        title="Gulls on the harbour wall",
        alt_text="Gulls lined up on the harbour wall",
        caption="Waiting for the boats.",
    )
    article = draft_by(editor)
    page = new_context().new_page()
    admin_login(page, editor)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.get_by_role("button", name="Insert image from the library").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Search the image library").fill("gulls")
    dialog.locator(f"button[data-image-id='{image.pk}']").click()
    expect(dialog).to_have_count(0)
    # The editor writes its document into the form's field as it changes: wait for it there
    # before saving (on a loaded machine the click on Save can come first).
    expect(page.locator("textarea[name=body]")).to_have_value(
        re.compile(rf"/admin/images/library/{image.pk}/")
    )
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_have_count(0)
    article.refresh_from_db()
    assert f'<figure data-image-id="{image.pk}">' in article.body
    assert ("article (in the body)", article) in image.usage()


def test_the_chooser_lists_matches_with_a_thumbnail(new_context, editor):
    """The featured-image chooser's search results each show a small picture of the image,
    and picking one still chooses it (the chooser's own select2, images/forms.py)."""
    image = Image.objects.create(
        file=image_file("crane.jpg", size=(320, 180)),
        title="Crane at the container quay",
        alt_text="A crane lifting a container at dusk",
    )
    article = draft_by(editor)
    page = new_context().new_page()
    admin_login(page, editor)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    widget = page.locator('select[name="image"] + .select2')
    widget.get_by_role("combobox").click()
    page.get_by_role("searchbox").last.fill("crane")
    option = page.get_by_role("option", name="Crane at the container quay")
    thumbnail = option.locator("img.library-result__thumbnail")
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_attribute("src", f"/admin/images/library/{image.pk}/")
    thumbnail.evaluate("img => img.decode()")
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    option.click()
    expect(page.locator("select[name=image]")).to_have_value(str(image.pk))
    expect(page.locator(".library-chooser__preview")).to_be_visible()
