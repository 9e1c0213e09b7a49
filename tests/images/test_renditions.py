"""Image renditions: the size arithmetic, and files that match what the pages announce."""

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from images import renditions
from tests.factories import ArticleFactory, AuthorFactory, BookFactory, image_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("size", "max_width", "expected"),
    [
        ((1600, 900), 640, (640, 360)),
        ((1600, 900), 1600, (1600, 900)),
        ((900, 600), 1024, (900, 600)),  # never enlarged
        ((1000, 333), 640, (640, 213)),
        ((3000, 1), 640, (640, 1)),  # never zero pixels high
    ],
)
def test_fit_size(size, max_width, expected):
    assert renditions.fit_size(*size, max_width) == expected


@pytest.mark.parametrize(
    ("size", "aspect", "expected"),
    [
        ((1600, 900), (3, 2), (1350, 900)),
        ((900, 1600), (3, 2), (900, 600)),
        ((600, 400), (3, 2), (600, 400)),
        ((500, 400), (1, 1), (400, 400)),
        ((400, 500), (1, 1), (400, 400)),
    ],
)
def test_crop_size(size, aspect, expected):
    assert renditions.crop_size(*size, aspect) == expected


def _size(cache_file) -> tuple[int, int]:
    with default_storage.open(cache_file.name) as handle:
        return Image.open(handle).size


@pytest.mark.parametrize("upload", [(1600, 900), (700, 1000), (333, 250)])
def test_generated_files_match_the_srcset(upload):
    article = ArticleFactory(
        featured_image=image_file("x.png", size=upload, fmt="PNG"),
        featured_image_alt="A test pattern in blue",
    )
    for family in (renditions.LEAD, renditions.CARD):
        files = {
            getattr(article, family.field_name(width, fmt)).url: getattr(
                article, family.field_name(width, fmt)
            )
            for width in family.widths
            for fmt in renditions.FORMATS
        }
        picture = renditions.picture(article, "featured_image", family)
        for srcset, extension in ((picture.webp_srcset, ".webp"), (picture.jpeg_srcset, ".jpg")):
            for entry, (width, height) in zip(srcset.split(", "), picture.candidates, strict=True):
                url, descriptor = entry.split()
                assert url.endswith(extension)
                # The file is exactly as wide as the srcset says, and as high as announced.
                assert _size(files[url]) == (width, height)
                assert descriptor == f"{width}w"
                assert width <= upload[0]  # never enlarged
        assert _size(files[picture.src]) == (picture.width, picture.height)


def test_portrait_and_cover_renditions():
    author = AuthorFactory(photo=image_file("p.jpg", size=(500, 700)))
    for width in renditions.PORTRAIT.widths:
        expected = renditions.output_size(500, 700, width, (1, 1))
        assert _size(getattr(author, f"portrait_{width}_webp")) == expected
    book = BookFactory(cover=image_file("c.jpg", size=(400, 600)))
    assert _size(book.cover_160_jpeg) == (160, 240)
    assert _size(book.cover_640_jpeg) == (400, 600)


def test_open_graph_image_is_always_1200_by_630():
    article = ArticleFactory(
        featured_image=image_file("s.jpg", size=(800, 800)), featured_image_alt="A square test"
    )
    assert _size(article.og_image) == (1200, 630)


def test_no_image_no_picture():
    article = ArticleFactory()
    assert renditions.picture(article, "featured_image", renditions.LEAD) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/media/a.jpg", "https://news.example.org/media/a.jpg"),
        ("https://cdn.example.net/a.jpg", "https://cdn.example.net/a.jpg"),
        ("//cdn.example.net/a.jpg", "https://cdn.example.net/a.jpg"),
    ],
)
def test_absolute_media_url(settings, url, expected):
    settings.SITE_URL = "https://news.example.org"
    assert renditions.absolute_media_url(url) == expected
