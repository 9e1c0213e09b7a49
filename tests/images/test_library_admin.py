"""The image library in the admin: the library itself, the chooser, and uploads that
survive a form error (issue 18)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from authors.models import Author
from images.models import Image
from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import AuthorFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db


def upload(name="quay.jpg", size=(800, 450)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_file(name, size=size).read(), "image/jpeg")


def test_an_upload_survives_a_form_error_and_the_next_save_keeps_it(client, editor):
    article = article_by(editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(article)))
    data.update(
        featured_image=upload(),
        featured_image_alt="Cranes over the container quay",
        section="",  # the error
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["section"]
    kept = Image.objects.get()
    assert form.kept_image == kept
    assert form["image"].value() == str(kept.pk)
    assert kept.alt_text == "Cranes over the container quay"
    assert kept.uploaded_by == editor
    html = response.content.decode()
    assert f'src="/admin/images/library/{kept.pk}/"' in html  # shown on the redisplayed form
    assert "Your upload is kept" in html
    article.refresh_from_db()
    assert not article.featured_image  # nothing saved yet

    again = form_data(response)  # what the browser sends next: no file this time
    assert "featured_image" not in again
    again["section"] = str(article.section_id)
    response = client.post(change_url(article), again)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.image == kept
    assert article.featured_image.name == kept.file.name
    assert article.featured_image_alt == "Cranes over the container quay"
    assert Image.objects.count() == 1


def test_a_new_articles_upload_survives_a_missing_headline(client, editor):
    section = SectionFactory(name="Port")
    client.force_login(editor)
    add = reverse("admin:articles_article_add")
    data = form_data(client.get(add))
    data.update(featured_image=upload(), headline="", featured_image_alt="A quiet quay")
    response = client.post(add, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["headline"]
    again = form_data(response)
    again["headline"] = "Night shift at the port"
    again["section"] = str(section.pk)
    response = client.post(add, again)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(headline="Night shift at the port")
    assert article.image == Image.objects.get()
    assert article.featured_image


def test_an_author_photo_survives_a_form_error(client, editor):
    author = AuthorFactory(name="Mina Park")
    client.force_login(editor)
    url = reverse("admin:authors_author_change", args=[author.pk])
    data = form_data(client.get(url))
    data.update(photo=upload("mina.jpg", (400, 400)), facebook_url="https://example.org/x")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["facebook_url"]
    again = form_data(response)
    again["facebook_url"] = ""
    assert client.post(url, again).status_code == 302
    author = Author.objects.get(pk=author.pk)
    assert author.image == Image.objects.get()
    assert author.photo.name == author.image.file.name


def test_a_bad_file_is_refused_and_not_kept(client, editor):
    article = article_by(editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(article)))
    data.update(
        featured_image=SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg"), section=""
    )
    response = client.post(change_url(article), data)
    assert response.context["adminform"].form.errors["featured_image"]
    assert not Image.objects.exists()


def test_choosing_from_the_library_and_editing_its_words_in_the_article(client, editor):
    image = Image.objects.create(file=image_file("lib.jpg"), alt_text="Rain on the quay")
    article = article_by(editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(article)))
    data["image"] = str(image.pk)
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.featured_image.name == image.file.name
    assert article.featured_image_alt == "Rain on the quay"

    data = form_data(client.get(change_url(article)))
    data["featured_image_alt"] = "Heavy rain on the empty quay"
    assert client.post(change_url(article), data).status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "Heavy rain on the empty quay"  # the words belong to the image

    data = form_data(client.get(change_url(article)))
    data["image"] = ""  # emptying the chooser removes the image
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert not article.featured_image and article.image is None
    assert Image.objects.filter(pk=image.pk).exists()  # still in the library


def test_the_library_lists_searches_and_shows_where_an_image_is_used(client, editor):
    used = Image.objects.create(file=image_file("u.jpg"), title="Harbour cranes")
    Image.objects.create(file=image_file("v.jpg"), title="Market stalls")
    article = article_by(editor, image=used)
    client.force_login(editor)
    changelist = reverse("admin:images_image_changelist")
    html = client.get(changelist, {"q": "cranes"}).content.decode()
    assert "Harbour cranes" in html and "Market stalls" not in html
    assert f'src="/admin/images/library/{used.pk}/"' in html  # thumbnails
    html = client.get(changelist, {"alt": "missing"}).content.decode()
    assert "Market stalls" in html
    html = client.get(reverse("admin:images_image_change", args=[used.pk])).content.decode()
    assert change_url(article) in html
    assert "article (featured image)" in html


def test_uploading_into_the_library_records_the_uploader(client, editor):
    client.force_login(editor)
    add = reverse("admin:images_image_add")
    response = client.post(
        add, {"file": upload(), "title": "Quay", "alt_text": "An empty quay at night"}
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == editor
    assert (image.width, image.height) == (800, 450)


def test_an_image_a_body_shows_cannot_be_deleted(client, editor):
    image = Image.objects.create(file=image_file("w.jpg"), alt_text="A lighthouse")
    article_by(editor, body=f'<figure><img src="/admin/images/library/{image.pk}/"></figure>')
    client.force_login(editor)
    url = reverse("admin:images_image_delete", args=[image.pk])
    response = client.post(url, {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    assert "in the body" in response.content.decode()


def test_library_addresses_need_a_staff_login_and_the_permission(client, editor):
    image = Image.objects.create(file=image_file("p.jpg"), alt_text="A ferry")
    one = reverse("images:library-image", kwargs={"pk": image.pk})
    search = reverse("images:library-search")
    assert client.get(one).status_code == 302  # to the login page
    assert client.get(search).status_code == 302
    staff = staff_in("Contributor", "casey")
    client.force_login(staff)
    assert client.get(one).status_code == 200
    results = client.get(search, {"q": "ferry"}).json()["results"]
    assert [r["id"] for r in results] == [image.pk]
    assert client.get(reverse("images:library-image", kwargs={"pk": 98765})).status_code == 404


@pytest.mark.parametrize("how_many", [3, 20])
def test_chooser_search_results_carry_a_thumbnail_in_fixed_queries(
    client, editor, how_many, django_assert_max_num_queries
):
    """The article form's image chooser lists matches with a small picture of each (the
    staff-only library address its preview uses), at a cost that does not grow with the
    number of images."""
    images = [
        Image.objects.create(file=image_file(f"q{n}.jpg", size=(40, 30)), alt_text=f"Quay {n}")
        for n in range(how_many)
    ]
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    search = reverse("admin:images_image_chooser_search")
    assert f'data-ajax--url="{search}"' in page  # the chooser asks this endpoint
    params = {
        "term": "quay",
        "app_label": "articles",
        "model_name": "article",
        "field_name": "image",
    }
    with django_assert_max_num_queries(7):  # session, user, permissions, count, page
        response = client.get(search, params)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == how_many
    by_id = {r["id"]: r for r in results}
    for image in images:
        found = by_id[str(image.pk)]
        assert found["text"] == str(image)
        assert found["thumbnail"] == reverse("images:library-image", kwargs={"pk": image.pk})
    assert client.get(found["thumbnail"]).status_code in {200, 302}


def test_chooser_search_keeps_the_admin_autocomplete_checks(client, editor):
    """Same refusals as the admin's own autocomplete: a field that is not an autocomplete
    over the library is refused, and so is someone not logged in."""
    search = reverse("admin:images_image_chooser_search")
    params = {"term": "", "app_label": "articles", "model_name": "article"}
    assert client.get(search, {**params, "field_name": "image"}).status_code == 302
    client.force_login(editor)
    assert client.get(search, {**params, "field_name": "headline"}).status_code == 403
