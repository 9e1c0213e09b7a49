"""Library images and the page cache: changing an image's words refreshes every cached page
that shows it — as a featured image (through the article's copy) or in a body (through the
``image:N`` tag the render recorded)."""

import pytest

from caching import cache
from images.models import Image
from tests.factories import ArticleFactory, image_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def cached(client, url: str) -> str:
    client.get(url)
    response = client.get(url)
    assert response[cache.STATUS_HEADER] == "HIT"
    return response.content.decode()


@pytest.mark.parametrize("where", ["featured", "body"])
def test_an_image_alt_text_change_refreshes_the_pages_showing_it(client, where):
    image = Image.objects.create(file=image_file("gull.jpg"), alt_text="A gull on a post")
    if where == "featured":
        article = ArticleFactory(image=image)
    else:
        article = ArticleFactory(
            body=f'<p>Text.</p><figure><img src="/admin/images/library/{image.pk}/"></figure>'
        )
    url = article.get_absolute_url()
    assert 'alt="A gull on a post"' in cached(client, url)
    image.alt_text = "A herring gull watching the harbour"
    image.save()
    html = client.get(url).content.decode()
    assert 'alt="A herring gull watching the harbour"' in html
    assert 'alt="A gull on a post"' not in html


def test_an_unrelated_image_change_keeps_the_page(client):
    article = ArticleFactory(image=Image.objects.create(file=image_file("a.jpg"), alt_text="A"))
    other = Image.objects.create(file=image_file("b.jpg"), alt_text="Boats")
    url = article.get_absolute_url()
    cached(client, url)
    other.caption = "Not on this page"
    other.save()
    assert client.get(url)[cache.STATUS_HEADER] == "HIT"
