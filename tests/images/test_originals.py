"""Originals: stored without location and device data, and not public (issue 15 #1).

Before: a JPEG uploaded as a featured image (or by the WordPress import) kept its EXIF, GPS
included, and was served under /media/ at an address any rendition's address gave away.
"""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageCms

from articles.models import Article
from images.metadata import clean_image
from images.storage import originals_storage
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from tests.security.helpers import admin_form_data, gps_exif, has_gps

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_photo(size=(1200, 800), orientation: int | None = None) -> bytes:
    """A JPEG as a phone writes it: GPS, camera model, a comment, XMP, an ICC profile."""
    exif = gps_exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(
        buffer,
        format="JPEG",
        exif=exif,
        icc_profile=SRGB,
        comment=b"taken at the source's flat",
        xmp=b"<x:xmpmeta><exif:GPSLatitude>51,30.4N</exif:GPSLatitude></x:xmpmeta>",
    )
    return buffer.getvalue()


def assert_clean(data: bytes) -> None:
    assert not has_gps(data)
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), "no EXIF at all: camera model, serial, time"
        assert image.info.get("icc_profile") == SRGB, "the colour profile is kept"
        assert "xmp" not in image.info and "comment" not in image.info
    assert b"GPSLatitude" not in data and b"source's flat" not in data


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_an_admin_upload_is_stored_clean_private_and_upright(editor_client, settings):
    assert has_gps(phone_photo())
    data = admin_form_data(editor_client.get(ADD_URL).content.decode())
    data.update(
        {
            "headline": "Harbour crane is taken down",
            "section": str(SectionFactory(name="News").pk),
            "body": "<p>The crane came down on Monday.</p>",
            "featured_image_alt": "A crane lowered onto a barge at dusk",
            "bylines-0-author": str(AuthorFactory().pk),
            # Taken with the phone on its side: EXIF says "rotate 90° clockwise".
            "featured_image": ContentFile(phone_photo(orientation=6), name="crane.jpg"),
        }
    )
    assert editor_client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get()
    name = article.featured_image.name

    stored = Path(settings.PRIVATE_MEDIA_ROOT, name)
    assert stored.is_file()
    assert_clean(stored.read_bytes())
    with Image.open(stored) as image:
        assert image.size == (800, 1200), "the orientation is applied to the pixels"
    assert (article.featured_image_width, article.featured_image_height) == (800, 1200)

    # Not public: nothing under MEDIA_ROOT, no address under /media/.
    assert not Path(settings.MEDIA_ROOT, name).exists()
    assert not article.featured_image.url.startswith(settings.MEDIA_URL)
    editor_client.logout()
    assert editor_client.get(f"/media/{name}").status_code == 404
    # Its admin address is for staff only.
    response = editor_client.get(article.featured_image.url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_who_may_edit_it_can_download_the_original(editor_client):
    article = ArticleFactory(featured_image=ContentFile(phone_photo(), name="scene.jpg"))
    response = editor_client.get(article.featured_image.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_clean(b"".join(response.streaming_content))


def test_staff_without_permission_cannot(client):
    article = ArticleFactory(featured_image=ContentFile(phone_photo(), name="scene.jpg"))
    client.force_login(UserFactory(is_staff=True))
    assert client.get(article.featured_image.url).status_code == 403
    assert client.get(reverse("images:original", args=["../../etc/passwd"])).status_code == 403


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_other_formats_lose_their_exif_too(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(buffer, format=fmt, exif=gps_exif())
    assert has_gps(buffer.getvalue())
    article = ArticleFactory(featured_image=ContentFile(buffer.getvalue(), name="x.img"))
    with originals_storage().open(article.featured_image.name) as handle:
        assert not has_gps(handle.read())


def test_an_image_without_metadata_is_stored_as_it_came():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(buffer, format="JPEG")
    assert clean_image(io.BytesIO(buffer.getvalue())) is None
    article = ArticleFactory(featured_image=ContentFile(buffer.getvalue(), name="plain.jpg"))
    with originals_storage().open(article.featured_image.name) as handle:
        assert handle.read() == buffer.getvalue()


def test_clean_originals_moves_and_strips_what_is_already_stored(settings):
    """Uploads from before: in the public storage, with their GPS. The command moves them
    to private storage without it, reports each, and finds nothing to do the second time."""
    legacy = default_storage.save("articles/2024/01/old-scene.jpg", ContentFile(phone_photo()))
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(featured_image=legacy)
    imported = default_storage.save("wordpress/2020/01/body.jpg", ContentFile(phone_photo()))
    assert has_gps(Path(settings.MEDIA_ROOT, legacy).read_bytes())

    out = io.StringIO()
    call_command("clean_originals", stdout=out)
    report = out.getvalue()
    assert f"moved: {legacy}" in report
    assert f"stripped: {imported}" in report
    assert "1 original(s) moved to private storage, 2 file(s) stripped" in report
    assert not Path(settings.MEDIA_ROOT, legacy).exists(), "no longer public"
    assert_clean(Path(settings.PRIVATE_MEDIA_ROOT, legacy).read_bytes())
    assert_clean(Path(settings.MEDIA_ROOT, imported).read_bytes())  # bodies still show it
    assert Article.objects.get(pk=article.pk).featured_image.name == legacy

    again = io.StringIO()
    call_command("clean_originals", stdout=again)
    assert "Changed: 0 original(s) moved to private storage, 0 file(s) stripped" in (
        again.getvalue()
    )
    assert "moved:" not in again.getvalue() and "stripped:" not in again.getvalue()
