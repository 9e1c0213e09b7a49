""" "Preview changes" shows the open form as it is (issue 18): its text, its bylines (order,
roles, authors added or removed), its tags and a newly chosen or uploaded featured image —
and saves nothing: no row, no file, no revision, no cache invalidation.

Through the admin's real URLs, with the form as the browser posts it (``form_data``).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles.models import Article, Byline
from caching import cache
from editorial.models import Autosave
from images.models import Image
from pages.models import Page
from tests.articles.workflow_helpers import change_url, form_data
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, image_file

pytestmark = pytest.mark.django_db

Status = Article.Status
RED = (220, 20, 30)


def preview_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[obj.pk])


def edited(client, obj, **changes) -> dict:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url))
    data.update(changes)
    return data


def red_upload(name="red-harbour.png", size=(900, 500)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, RED).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def stored_files() -> list[str]:
    """Every file under the media and private (originals) folders."""
    found = []
    for root in (django_settings.MEDIA_ROOT, django_settings.PRIVATE_MEDIA_ROOT):
        root = Path(root)
        if root.exists():
            found += sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return found


def database_state(article=None) -> dict:
    """What a preview must leave as it was."""
    state = {
        "bylines": list(
            Byline.objects.order_by("pk").values_list("article_id", "author_id", "role", "position")
        ),
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "name", "slug")),
        "tagged": list(TaggedItem.objects.order_by("pk").values_list("tag_id", "object_id")),
        "images": Image.objects.count(),
        "versions": Version.objects.count(),
        "autosaves": Autosave.objects.count(),
        "files": stored_files(),
    }
    if article is not None:
        state["article"] = Article.objects.filter(pk=article.pk).values().get()
    return state


def byline_text(html: str) -> str:
    match = re.search(r'<p class="byline">(.*?)</p>', html, re.DOTALL)
    assert match, "the preview has no byline"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def topics(html: str) -> list[str]:
    match = re.search(r'<ul class="topics__list"[^>]*>(.*?)</ul>', html, re.DOTALL)
    if not match:
        return []
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.DOTALL)
    ]


def figure_img(html: str) -> str:
    match = re.search(r'<figure class="story__figure[^"]*">\s*(<img[^>]*>)', html)
    assert match, "the preview shows no featured image"
    return match.group(1)


def decoded(data_url: str) -> PILImage.Image:
    prefix = "data:image/jpeg;base64,"
    assert data_url.startswith(prefix)
    return PILImage.open(io.BytesIO(base64.b64decode(data_url[len(prefix) :]))).convert("RGB")


def near(colour, expected, tolerance=30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


@pytest.fixture
def draft():
    ada = AuthorFactory(name="Ada Quarry")
    return ArticleFactory(
        headline="Harbour dredging starts",
        status=Status.DRAFT,
        published_at=None,
        authors=[ada],
        tags=["ferries"],
    )


# --- bylines --------------------------------------------------------------------------------


def test_preview_shows_the_forms_bylines_in_order_with_roles(client, editor, draft):
    cy, dee = AuthorFactory(name="Cy Harbour"), AuthorFactory(name="Dee Tiller")
    client.force_login(editor)
    data = edited(client, draft)
    data.update(
        {
            "bylines-TOTAL_FORMS": "3",
            "bylines-0-position": "3",  # Ada, a plain "By" credit, goes last
            "bylines-1-author": str(cy.pk),
            "bylines-1-role": "photos_by",
            "bylines-1-position": "1",
            "bylines-2-author": str(dee.pk),
            "bylines-2-role": "reported_by",
            "bylines-2-position": "2",
        }
    )
    before = database_state(draft)
    response = client.post(preview_url(draft), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert byline_text(html) == "Photographs by Cy Harbour Reported by Dee Tiller By Ada Quarry"
    assert "About the authors" in html  # one box per person, the new ones included
    assert "Cy Harbour covers housing" in html and "Dee Tiller covers housing" in html
    assert database_state(draft) == before
    assert [b.author.name for b in draft.bylines.all()] == ["Ada Quarry"]


def test_preview_leaves_out_a_byline_marked_for_removal(client, editor):
    ada, ben = AuthorFactory(name="Ada Quarry"), AuthorFactory(name="Ben Tiller")
    article = ArticleFactory(status=Status.DRAFT, published_at=None, authors=[ada, ben])
    client.force_login(editor)
    data = edited(client, article)
    assert str(data["bylines-0-author"]) == str(ada.pk)
    data["bylines-0-DELETE"] = "on"
    before = database_state(article)
    html = client.post(preview_url(article), data).content.decode()
    assert byline_text(html) == "By Ben Tiller"
    assert "Ada Quarry" not in html
    assert database_state(article) == before


# --- tags -----------------------------------------------------------------------------------


def test_preview_shows_the_forms_tags_new_ones_included(client, editor, draft):
    ArticleFactory(tags=["Harbour"])  # a tag that exists, on a live article
    client.force_login(editor)
    data = edited(client, draft, tags=["harbour", "Night buses"])
    before = database_state(draft)
    html = client.post(preview_url(draft), data).content.decode()
    assert topics(html) == ["Harbour", "Night buses"]  # as saving would name them
    tag_page = reverse("articles:tag", args=[Tag.objects.get(name="Harbour").slug])
    assert f'href="{tag_page}"' in html
    assert database_state(draft) == before
    assert set(draft.tags.names()) == {"ferries"}
    assert not Tag.objects.filter(name__iexact="night buses").exists()


# --- the featured image ---------------------------------------------------------------------


def test_preview_shows_a_new_upload_and_stores_nothing(client, editor, draft):
    client.force_login(editor)
    data = edited(
        client, draft, featured_image=red_upload(), featured_image_alt="A red crane at dawn"
    )
    before = database_state(draft)
    response = client.post(preview_url(draft), data)
    assert response.status_code == 200
    img = figure_img(response.content.decode())
    assert 'alt="A red crane at dawn"' in img
    src = re.search(r'src="([^"]+)"', img).group(1)
    shown = decoded(src)
    assert shown.size == (900, 500)
    assert near(shown.getpixel((450, 250)), RED)
    assert database_state(draft) == before  # no library image, no file, no revision
    draft.refresh_from_db()
    assert not draft.featured_image and draft.image is None


def test_an_upload_with_a_form_error_is_previewed_not_kept(client, editor, draft):
    """A save with an error keeps the upload in the library; a preview keeps nothing."""
    client.force_login(editor)
    data = edited(
        client,
        draft,
        featured_image=red_upload(),
        featured_image_alt="A red crane at dawn",
        section="",
    )
    before = database_state(draft)
    html = client.post(preview_url(draft), data).content.decode()
    assert near(
        decoded(re.search(r'src="([^"]+)"', figure_img(html)).group(1)).getpixel((1, 1)), RED
    )
    assert database_state(draft) == before


def test_preview_shows_another_library_image_chosen_in_the_form(client, editor):
    first = Image.objects.create(file=image_file("first.jpg"), alt_text="Boats in the harbour")
    other = Image.objects.create(
        file=image_file("other.jpg", size=(1200, 800)), alt_text="Rain on the empty quay"
    )
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    data = edited(client, article, image=str(first.pk))
    assert client.post(change_url(article), data).status_code == 302

    data = edited(client, article, image=str(other.pk))
    before = database_state(article)
    html = client.post(preview_url(article), data).content.decode()
    img = figure_img(html)
    assert f'src="/admin/images/library/{other.pk}/"' in img
    assert 'alt="Rain on the empty quay"' in img  # the chosen image's words
    assert 'width="1024" height="683"' in img
    assert database_state(article) == before
    article.refresh_from_db()
    assert article.image == first


def test_preview_without_a_new_image_shows_the_saved_one(client, editor):
    image = Image.objects.create(file=image_file("first.jpg"), alt_text="Boats in the harbour")
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    assert (
        client.post(change_url(article), edited(client, article, image=str(image.pk))).status_code
        == 302
    )
    html = client.post(preview_url(article), edited(client, article)).content.decode()
    assert "picture-unsaved" not in html
    assert 'alt="Boats in the harbour"' in html


def test_preview_of_an_emptied_chooser_shows_no_image(client, editor):
    image = Image.objects.create(file=image_file("first.jpg"), alt_text="Boats in the harbour")
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    assert (
        client.post(change_url(article), edited(client, article, image=str(image.pk))).status_code
        == 302
    )
    html = client.post(preview_url(article), edited(client, article, image="")).content.decode()
    assert "story__figure" not in html
    article.refresh_from_db()
    assert article.image == image


def test_page_preview_shows_a_new_upload(client, editor):
    page = PageFactory(title="About us", status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    data = edited(client, page, featured_image=red_upload(), featured_image_alt="Our red door")
    before = database_state()
    html = client.post(preview_url(page), data).content.decode()
    img = figure_img(html)
    assert 'alt="Our red door"' in img
    assert near(decoded(re.search(r'src="([^"]+)"', img).group(1)).getpixel((450, 250)), RED)
    assert database_state() == before
    assert not Page.objects.get(pk=page.pk).featured_image


# --- nothing public changes ------------------------------------------------------------------


def test_a_preview_invalidates_no_cached_page(client, editor, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.FRAGMENT_CACHE_ENABLED = True
    settings.PAGE_CACHE_STATE_ALIAS = "default"
    ada = AuthorFactory(name="Ada Quarry")
    article = ArticleFactory(headline="Harbour dredging starts", authors=[ada], tags=["ferries"])
    cache.content_changed()
    reader = Client()
    url = article.get_absolute_url()
    assert reader.get(url).status_code == 200
    assert reader.get(url)[cache.STATUS_HEADER] == "HIT"

    client.force_login(editor)
    data = edited(
        client,
        article,
        headline="Harbour dredging starts in May",
        tags=["night buses"],
        featured_image=red_upload(),
        featured_image_alt="A red crane at dawn",
        section="",  # an error too: nothing is kept either way
    )
    data.update({"bylines-1-author": str(AuthorFactory(name="Cy Harbour").pk)})
    cache.content_changed()  # the new author above was a change of its own
    assert reader.get(url).status_code == 200
    assert reader.get(url)[cache.STATUS_HEADER] == "HIT"
    assert client.post(preview_url(article), data).status_code == 200

    again = reader.get(url)
    assert again[cache.STATUS_HEADER] == "HIT"
    assert "Harbour dredging starts in May" not in again.content.decode()
