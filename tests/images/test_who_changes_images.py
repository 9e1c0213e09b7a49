"""Who may change a library image's file and words: changing an image changes every page
that shows it, at once and without review. Editors change any image; contributors only
their own uploads that no published or scheduled content shows (images/library.py
``change_refusal``), in the library's admin and through an article's image words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from images.models import Image
from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import ArticleFactory, AuthorFactory, image_file

pytestmark = pytest.mark.django_db

NOTE = "Ask an editor: this image appears on published pages."
ALT = "Rain on the empty quay at dawn"


def library_image(uploaded_by=None) -> Image:
    return Image.objects.create(
        file=image_file("quay.jpg", size=(900, 600)),
        alt_text="Rain on the quay",
        caption="The quay in the morning.",
        uploaded_by=uploaded_by,
    )


def image_url(image: Image) -> str:
    return reverse("admin:images_image_change", args=[image.pk])


def use(image: Image, how: str):
    """Show ``image`` on content in the state ``how``."""
    now = timezone.now()
    if how == "live":
        ArticleFactory(image=image, status=Article.Status.PUBLISHED, published_at=now)
    elif how == "scheduled":
        ArticleFactory(
            image=image, status=Article.Status.PUBLISHED, published_at=now + timedelta(days=2)
        )
    elif how == "draft":
        ArticleFactory(image=image, status=Article.Status.DRAFT, published_at=None)
    elif how == "author photo":
        AuthorFactory(image=image)


def image_post(client, image: Image, alt: str):
    response = client.get(image_url(image))
    data = {
        "title": image.title,
        "alt_text": alt,
        "caption": image.caption,
        "credit": image.credit,
    }
    return response, client.post(image_url(image), data)


# role, who uploaded, where it is used, may change
CASES = [
    ("Editor", "someone else", "live", True),
    ("Editor", "someone else", "scheduled", True),
    ("Contributor", "them", "nowhere", True),
    ("Contributor", "them", "draft", True),
    ("Contributor", "them", "live", False),
    ("Contributor", "them", "scheduled", False),
    ("Contributor", "them", "author photo", False),
    ("Contributor", "someone else", "nowhere", False),
]


@pytest.mark.parametrize("role, uploader, where, may_change", CASES)
def test_who_may_change_a_library_image_in_the_library(client, role, uploader, where, may_change):
    user = staff_in(role)
    other = staff_in("Contributor", "someone")
    image = library_image(uploaded_by=user if uploader == "them" else other)
    use(image, where)
    client.force_login(user)

    page, response = image_post(client, image, ALT)
    assert page.status_code == 200
    html = page.content.decode()
    image.refresh_from_db()
    if may_change:
        assert 'name="alt_text"' in html
        assert "Ask an editor" not in html
        assert response.status_code == 302
        assert image.alt_text == ALT
    else:
        assert 'name="alt_text"' not in html, "shown read-only"
        assert "Ask an editor" in html
        if where != "nowhere":
            assert NOTE in html
        assert response.status_code == 403
        assert image.alt_text == "Rain on the quay"


@pytest.mark.parametrize(
    "role, uploader, elsewhere, may_change",
    [
        ("Editor", "someone else", "live", True),
        ("Contributor", "them", "nowhere", True),
        ("Contributor", "them", "live", False),
        ("Contributor", "someone else", "draft", False),
    ],
)
def test_an_articles_form_rewrites_a_shared_image_only_when_its_user_may(
    client, role, uploader, elsewhere, may_change
):
    user = staff_in(role)
    other = staff_in("Contributor", "someone")
    image = library_image(uploaded_by=user if uploader == "them" else other)
    use(image, elsewhere)
    article = article_by(user, image=image)
    client.force_login(user)

    data = form_data(client.get(change_url(article)))
    data["featured_image_alt"] = ALT
    data["featured_image_caption"] = "The quay, later."
    response = client.post(change_url(article), data)
    image.refresh_from_db()
    article.refresh_from_db()
    if may_change:
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert image.alt_text == ALT and image.caption == "The quay, later."
        assert article.featured_image_alt == ALT
    else:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "Ask an editor" in errors["featured_image_alt"][0]
        assert "Ask an editor" in errors["featured_image_caption"][0]
        assert image.alt_text == "Rain on the quay" and image.caption == "The quay in the morning."
        assert article.featured_image_alt == "Rain on the quay", "nothing half-saved"


def test_a_contributor_may_still_use_a_shared_image_without_changing_its_words(client):
    contributor = staff_in("Contributor")
    image = library_image(uploaded_by=staff_in("Editor"))
    use(image, "live")
    article = article_by(contributor)
    client.force_login(contributor)
    data = form_data(client.get(change_url(article)))
    data["image"] = str(image.pk)
    data["featured_image_alt"] = image.alt_text
    data["featured_image_caption"] = image.caption
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.image == image and article.featured_image_alt == "Rain on the quay"
