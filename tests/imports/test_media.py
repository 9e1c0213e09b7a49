"""Images: attachments, files posts show, missing media folders, copies rolled back."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError

from articles.models import Article
from images.storage import originals_storage
from imports.models import ImportedItem
from imports.wordpress.ledger import Ledger
from tests.fixtures.wordpress import build_export
from tests.images.test_originals import assert_clean, phone_photo
from tests.imports.helpers import SITE, article, mini_export, run, subset

pytestmark = pytest.mark.django_db


def test_images(imported):
    """Featured images, with alt text from the media library, and the problems."""
    # featured images
    dawn = article(201)
    assert dawn.featured_image.name.startswith("wordpress/2021/07/harbour-dawn")
    assert default_storage.exists(dawn.featured_image.name)
    assert (dawn.featured_image_width, dawn.featured_image_height) == (300, 200)
    assert dawn.featured_image_alt == "Fishing boats moored in the harbour at dawn"
    assert dawn.featured_image_caption == "The harbour at first light."
    assert dawn.featured_image_credit == "Marta Reyes"
    # WordPress media become library images with their words (issue 18).
    assert dawn.image.file.name == dawn.featured_image.name
    assert (dawn.image.alt_text, dawn.image.caption, dawn.image.credit) == (
        "Fishing boats moored in the harbour at dawn",
        "The harbour at first light.",
        "Marta Reyes",
    )
    chamber = article(221)
    assert chamber.featured_image_alt == "Council members voting in the chamber"  # its title
    camera = article(222)
    assert camera.featured_image and camera.featured_image_alt == ""  # IMG_2041 describes nothing
    assert "its featured image has no usable alt text" in imported
    market = article(214)
    assert market.featured_image_alt == "Apples from the hills"  # the caption
    for wp_id in (211, 212, 220):
        assert not article(wp_id).featured_image
    assert (
        "attachment 103 “Missing photo”: skipped — the file 2021/10/missing-photo.jpg is missing"
        in imported
    )
    assert (
        "attachment 104 “Not really a photo”: skipped — 2021/10/not-really.jpg is not an image "
        "we accept" in imported
    )
    assert "leads outside the media folder; refused" in imported
    assert "its featured image (attachment 103) was not imported" in imported
    stored = ImportedItem.objects.filter(kind__in=["attachment", "file"]).exclude(file="")
    assert stored.count() == 13
    assert all(default_storage.exists(item.file) for item in stored)


def test_without_media_dir_posts_still_come_in():
    output = run()
    assert Article.objects.count() == 46
    assert "No --media-dir was given" in output
    assert not article(201).featured_image
    assert 'src="https://old.harbourledger.example/wp-content/uploads/2021/07/' in article(201).body


def test_partial_export_without_attachments_keeps_inline_images(tmp_path, media_dir):
    export = mini_export(
        tmp_path,
        build_export.item(
            9,
            "Only a post",
            content=f'<img src="{SITE}/wp-content/uploads/2021/11/market-stall-300x200.jpg">',
            post_name="only-a-post",
        ),
    )
    run(export, media_dir=str(media_dir))
    body = Article.objects.get(slug="only-a-post").body
    assert 'src="/media/wordpress/2021/11/market-stall-' in body  # the original, copied


def test_copied_file_is_removed_when_its_record_fails(media_dir, monkeypatch, tmp_path):
    original = Ledger.remember

    def failing(self, kind, key, obj=None, **fields):
        if kind == ImportedItem.Kind.ATTACHMENT and str(key) == "101":
            raise RuntimeError("no")
        return original(self, kind, key, obj, **fields)

    monkeypatch.setattr(Ledger, "remember", failing)
    with pytest.raises(CommandError):
        run(subset(tmp_path, 100, 101, 201, 221), media_dir=str(media_dir))
    names = [p.name for p in Path(default_storage.location).rglob("*") if p.is_file()]
    assert any(name.startswith("harbour-dawn") for name in names)
    assert not any(name.startswith("council-chamber") for name in names)
    assert not article(221).featured_image


def test_the_wordpress_import_stores_images_without_gps(tmp_path, media_dir):
    (media_dir / "2021/07/harbour-dawn.jpg").write_bytes(phone_photo((300, 200)))
    run(subset(tmp_path, 100, 201), media_dir=str(media_dir))
    name = article(201).featured_image.name
    with originals_storage().open(name) as handle:
        assert_clean(handle.read())  # the featured image's private original
    with default_storage.open(name) as handle:
        assert_clean(handle.read())  # the public copy post bodies show
