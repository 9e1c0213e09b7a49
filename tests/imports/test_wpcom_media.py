"""WordPress.com media: ``<site>.files.wordpress.com`` addresses and uploads on any host."""

import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from imports.models import ImportedItem
from imports.wordpress.uploads import upload_path
from tests.fixtures.wordpress.build_export import item
from tests.imports.helpers import article, mini_export, run, summary

pytestmark = pytest.mark.django_db

WPCOM = "https://harbourledger.files.wordpress.com"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (f"{WPCOM}/2008/06/quay-lamps.jpg", "2008/06/quay-lamps.jpg"),
        (f"{WPCOM}/2008/06/quay-lamps-300x200.jpg?w=300", "2008/06/quay-lamps-300x200.jpg"),
        ("https://i0.wp.com/harbourledger.files.wordpress.com/2008/06/a.jpg", "2008/06/a.jpg"),
        ("https://cdn.example.net/wp-content/uploads/2008/07/net.jpg", "2008/07/net.jpg"),
        ("/wp-content/uploads/2008/07/net.jpg", "2008/07/net.jpg"),
        ("https://harbourledger.wordpress.com/2008/06/27/a-post/", None),
        ("https://elsewhere.example/images/net.jpg", None),
    ],
)
def test_upload_path_reads_wordpress_com_and_any_host(url, path):
    assert upload_path(url) == path


def attachment(wp_id, url, title, alt):
    return item(
        wp_id,
        title,
        link=f"{WPCOM.replace('.files', '')}/?attachment_id={wp_id}",
        status="inherit",
        post_type="attachment",
        attachment_url=url,
        metas=[("_wp_attachment_image_alt", alt)],  # no _wp_attached_file: the URL says it
    )


def test_wordpress_com_media_is_found_imported_once_and_rewritten(tmp_path):
    media = tmp_path / "media"
    for path in ("2008/06/quay-lamps.jpg", "2008/07/net-loft.jpg"):
        (media / path).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (320, 200), (40, 60, 90)).save(media / path, format="JPEG")
    lamps = f"{WPCOM}/2008/06/quay-lamps.jpg"
    export = mini_export(
        tmp_path,
        attachment(950, lamps, "Lamps", "Lamps along the quay at dusk"),
        item(
            951,
            "Lamps on the quay",
            post_name="lamps",
            metas=[("_thumbnail_id", "950")],
            content=(
                f'<a href="{lamps}"><img src="{WPCOM}/2008/06/quay-lamps-300x200.jpg?w=300"'
                ' alt=""></a>\n\n'
                f'<img src="https://i0.wp.com/harbourledger.files.wordpress.com/2008/06/'
                'quay-lamps.jpg?resize=300%2C200" alt="The lamps again">'
            ),
        ),
        item(
            952,
            "The net loft",
            post_name="net-loft",
            content=(
                '<img src="https://cdn.example.net/wp-content/uploads/2008/07/'
                'net-loft-1024x683.jpg" alt="Nets hung to dry in the loft">\n\n'
                f'<img src="{WPCOM}/2008/07/net-loft.jpg" alt="The loft from outside">'
            ),
        ),
    )
    output = run(export, media_dir=str(media))
    assert summary(output)["images"][:2] == ["2", "0"]  # two files, each imported once
    stored = ImportedItem.objects.exclude(file="")
    assert sorted(stored.values_list("kind", flat=True)) == ["attachment", "file"]
    assert all(default_storage.exists(record.file) for record in stored)
    lamps_article = article(951)
    assert lamps_article.featured_image.name.startswith("wordpress/2008/06/quay-lamps")
    lamps_url = default_storage.url(lamps_article.featured_image.name)
    body = lamps_article.body
    assert "wordpress.com" not in body and "wp.com" not in body
    assert body.count(lamps_url) == 3  # the link, the size variant, the Jetpack copy
    assert 'alt="Lamps along the quay at dusk"' in body  # from the media library
    loft = article(952).body
    assert "cdn.example.net" not in loft and "wordpress.com" not in loft
    assert len(set(re.findall(r'src="([^"]+)"', loft))) == 1
    assert "/wordpress/2008/07/net-loft" in loft


def test_a_file_missing_from_the_media_dir_keeps_its_address(tmp_path):
    (tmp_path / "media").mkdir()
    export = mini_export(
        tmp_path,
        item(
            953, "Gone", post_name="gone", content=f'<img src="{WPCOM}/2009/01/gone.jpg" alt="A">'
        ),
    )
    output = run(export, media_dir=str(tmp_path / "media"))
    assert f'src="{WPCOM}/2009/01/gone.jpg"' in article(953).body
    assert "the file 2009/01/gone.jpg is missing from the media folder" in output
