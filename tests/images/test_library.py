"""The image library (images/models.py, images/library.py): every image is a library object
whose words travel with it, wherever it is shown."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from authors.models import Author
from images import renditions
from images.body import render_body
from images.migration_support import adopt_files, release_files
from images.models import Image
from newsroom.sanitize import sanitize_html
from pages.models import Page
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, image_file

pytestmark = pytest.mark.django_db


def library_image(**words) -> Image:
    words.setdefault("alt_text", "Fishing boats moored at the harbour wall")
    return Image.objects.create(file=image_file("harbour.jpg", size=(900, 600)), **words)


def figure(image: Image, caption: str = "") -> str:
    inner = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="/admin/images/library/{image.pk}/" alt="">{inner}</figure>'


# --- the owner's copy -------------------------------------------------------------------------


def test_an_upload_made_on_the_row_goes_into_the_library_with_its_words():
    article = ArticleFactory(
        featured_image=image_file("pier.jpg", size=(800, 450)),
        featured_image_alt="A pier at low tide",
        featured_image_caption="Low tide at Saltcombe.",
        featured_image_credit="Ana Ruiz",
    )
    article.refresh_from_db()
    image = article.image
    assert image.file.name == article.featured_image.name  # one stored original, shared
    assert (image.alt_text, image.caption, image.credit) == (
        "A pier at low tide",
        "Low tide at Saltcombe.",
        "Ana Ruiz",
    )
    assert (image.width, image.height) == (800, 450)
    article.save()
    assert Image.objects.count() == 1


def test_a_file_name_is_not_kept_as_the_library_alt_text():
    article = ArticleFactory(featured_image=image_file("x.jpg"), featured_image_alt="IMG_2034.jpg")
    article.refresh_from_db()
    assert article.image.alt_text == ""


def test_choosing_a_library_image_shows_its_file_and_words():
    image = library_image(caption="Morning at the harbour.", credit="Lee Chan")
    article = ArticleFactory(image=image)
    article.refresh_from_db()
    assert article.featured_image.name == image.file.name
    assert (article.featured_image_width, article.featured_image_height) == (900, 600)
    assert article.featured_image_alt == image.alt_text
    assert article.featured_image_caption == "Morning at the harbour."
    assert article.featured_image_credit == "Lee Chan"
    assert renditions.is_ready(article, "featured_image")


def test_changing_an_image_changes_every_row_that_shows_it():
    image = library_image()
    article = ArticleFactory(image=image)
    page = PageFactory(image=image)
    author = AuthorFactory(image=image)
    image.alt_text = "Two fishing boats at dawn"
    image.credit = "Harbour Trust"
    image.save()
    article.refresh_from_db()
    page.refresh_from_db()
    assert article.featured_image_alt == "Two fishing boats at dawn"
    assert article.featured_image_credit == "Harbour Trust"
    assert page.featured_image_alt == "Two fishing boats at dawn"
    uses = {what for what, _ in image.usage()}
    assert uses == {"article (featured image)", "page (image)", "author (photo)"}
    assert Author.objects.get(pk=author.pk).photo.name == image.file.name


def test_usage_lists_bodies_that_embed_the_image():
    image = library_image()
    article = ArticleFactory(body=f"<p>Text.</p>{figure(image)}")
    assert ("article (in the body)", article) in image.usage()


# --- alt text at publish ------------------------------------------------------------------


def test_a_decorative_image_publishes_with_empty_alt(client):
    image = library_image(alt_text="", is_decorative=True)
    article = ArticleFactory(image=image)
    assert "featured_image_alt" not in article.publication_problems()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt=""' in html


@pytest.mark.parametrize("alt", ["29440323458_e31a08e3ad_b", "IMG_2034.jpg", "", "image"])
def test_a_featured_library_image_needs_real_alt_text_to_publish(alt):
    image = Image.objects.create(file=image_file("y.jpg"), alt_text=alt)  # no form: unchecked
    article = ArticleFactory(image=image, status=Article.Status.DRAFT, published_at=None)
    assert article.publication_problems()["featured_image_alt"]


@pytest.mark.parametrize("alt", ["29440323458_e31a08e3ad_b", "DSC_0042", "", "photo"])
def test_body_images_need_real_alt_text_to_publish(alt):
    good = library_image()
    bad = Image.objects.create(file=image_file("z.jpg"), alt_text=alt)
    body = f"<p>Text.</p>{figure(good)}{figure(bad)}"
    article = ArticleFactory(body=body, status=Article.Status.DRAFT, published_at=None)
    problems = article.publication_problems()["body_images"]
    assert len(problems) == 1
    assert problems[0].startswith("Image 2 in the body")
    page = PageFactory(body=body, status="draft", published_at=None)
    assert any("Image 2 in the body" in p for p in page.publication_problems()["body_images"])
    bad.is_decorative = True
    bad.save()
    assert "body_images" not in article.publication_problems()


# --- the body ---------------------------------------------------------------------------------


def test_the_sanitiser_marks_library_figures_and_only_them():
    image = library_image()
    html = sanitize_html(
        figure(image, "A caption")
        + '<figure data-image-id="99"><img src="https://example.org/a.jpg" alt="a"></figure>'
        + '<p data-image-id="3">x</p>'
        + '<figure data-image-id="1 onload=x"><img src="/x.jpg" alt="b"></figure>'
    )
    assert html.count("data-image-id") == 1
    assert f'<figure data-image-id="{image.pk}">' in html
    assert sanitize_html(html) == html  # idempotent


def test_a_body_figure_prints_renditions_alt_caption_and_credit(client):
    image = library_image(caption="Boats at rest.", credit="Lee Chan")
    article = ArticleFactory(body=f"<p>Text.</p>{figure(image)}")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "/admin/images/" not in html  # readers get renditions, never the staff address
    assert f'data-image-id="{image.pk}"><picture>' in html
    assert 'srcset="' in html
    assert 'alt="Fishing boats moored at the harbour wall"' in html
    assert '<span class="caption">Boats at rest.</span>' in html
    assert "Lee Chan</span>" in html


def test_a_caption_typed_in_the_body_wins_and_a_deleted_image_prints_nothing():
    image = library_image(caption="Library caption")
    html = str(render_body(sanitize_html(figure(image, "Typed <em>here</em>"))))
    assert "Typed <em>here</em>" in html and "Library caption" not in html
    gone = sanitize_html(figure(image)).replace(f'"{image.pk}"', '"987654"')
    assert render_body(gone) == ""


def test_body_images_cost_one_query_whatever_their_number(client):
    images = [library_image() for _ in range(4)]
    one = ArticleFactory(body=f"<p>Text.</p>{figure(images[0])}")
    four = ArticleFactory(body="<p>Text.</p>" + "".join(figure(i) for i in images))
    counts = []
    for article in (one, four):
        client.get(article.get_absolute_url())  # warm per-process memos
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- the data migration -----------------------------------------------------------------


def test_the_data_migration_puts_existing_files_into_the_library_and_back():
    shared = ArticleFactory(
        featured_image=image_file("a.jpg", size=(640, 480)),
        featured_image_alt="Ferry leaving the quay",
        featured_image_caption="The 7:10 ferry.",
        featured_image_credit="Port Authority",
    )
    flickr = ArticleFactory(
        featured_image=image_file("b.jpg"), featured_image_alt="29440323458_e31a08e3ad_b"
    )
    shared.refresh_from_db()
    # As before the migration: files on the rows, no library.
    Article.objects.update(image=None)
    Page.objects.update(image=None)
    Image.objects.all().delete()
    editor = SimpleNamespace(connection=connection)
    adopt_files(
        apps,
        editor,
        model="articles.Article",
        source="featured_image",
        title="headline",
        alt_text="featured_image_alt",
        caption="featured_image_caption",
        credit="featured_image_credit",
    )
    shared.refresh_from_db()
    flickr.refresh_from_db()
    assert shared.image.file.name == shared.featured_image.name
    assert (shared.image.alt_text, shared.image.caption, shared.image.credit) == (
        "Ferry leaving the quay",
        "The 7:10 ferry.",
        "Port Authority",
    )
    assert (shared.image.width, shared.image.height) == (640, 480)
    assert shared.image.title == shared.headline
    assert flickr.image.alt_text == ""  # a file name is not carried over as alt text
    release_files(apps, editor, model="articles.Article")
    assert not Image.objects.exists()
    assert Article.objects.filter(image__isnull=False).count() == 0


def test_code_that_changes_the_row_wins_over_the_image():
    """As the WordPress importer does on a re-run: new words, another file, or none."""
    image = library_image()
    article = ArticleFactory(image=image)
    article.featured_image_alt = "Boats leaving at first light"
    article.save()
    image.refresh_from_db()
    assert image.alt_text == "Boats leaving at first light"  # the words are the image's

    other = Image.objects.create(file=image_file("other.jpg"), alt_text="A lighthouse")
    article.featured_image = other.file.name
    article.save()
    article.refresh_from_db()
    assert article.image == other

    article.featured_image = ""
    article.save()
    article.refresh_from_db()
    assert article.image is None and not article.featured_image


def two_colour_image(name: str):
    """1200×400: red left half, blue right half."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    img = PILImage.new("RGB", (1200, 400), (200, 0, 0))
    img.paste((0, 0, 200), (600, 0, 1200, 400))
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=95)
    return ContentFile(buffer.getvalue(), name=name)


def left_edge_colour(cachefile) -> tuple[int, int, int]:
    from PIL import Image as PILImage

    with cachefile.storage.open(cachefile.name) as handle, PILImage.open(handle) as img:
        return img.convert("RGB").getpixel((2, img.size[1] // 2))


def test_crops_keep_the_focal_point_in_view_and_follow_its_changes():
    image = Image.objects.create(
        file=two_colour_image("split.jpg"),
        alt_text="A red and blue flag",
        focal_point_x=100,
        focal_point_y=50,
    )
    article = ArticleFactory(image=image)
    article.refresh_from_db()
    assert renditions.is_ready(article, "featured_image")
    red, green, blue = left_edge_colour(article.card_400_jpeg)
    assert blue > 150 and red < 60  # the 3:2 card is cut from the right-hand side

    image.focal_point_x = 0
    image.save()
    article.refresh_from_db()
    assert renditions.is_ready(article, "featured_image")  # made again by the task
    red, green, blue = left_edge_colour(article.card_400_jpeg)
    assert red > 150 and blue < 60


def image_with_a_red_block_at_the_right_edge(name: str):
    """A wide grey picture whose subject (a red block) stands near its right-hand edge,
    outside the centred 1200×630 crop."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    img = PILImage.new("RGB", (1600, 400), (128, 128, 128))
    img.paste((220, 0, 0), (1450, 100, 1600, 300))
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=name)


def test_the_share_image_is_cut_around_the_focal_point(client):
    """Open Graph / X cards crop 1200×630 like the page's own crops: around the focal
    point, not from the centre, which would leave the red block out."""
    from PIL import Image as PILImage

    from tests.html_head import Head

    image = Image.objects.create(
        file=image_with_a_red_block_at_the_right_edge("block.png"),
        alt_text="A red shipping container at the end of the quay",
        focal_point_x=95,
        focal_point_y=50,
    )
    article = ArticleFactory(image=image)
    article.refresh_from_db()
    assert renditions.is_ready(article, "featured_image")
    head = Head(client.get(article.get_absolute_url()).content.decode())
    assert head.meta["og:image"] == [renditions.absolute_media_url(article.og_image.url)]

    share = article.og_image
    with share.storage.open(share.name) as handle, PILImage.open(handle) as img:
        img = img.convert("RGB")
        assert img.size == (1200, 630)
        # The block covers x 1450–1600 of the 1600-wide source; the crop keeps its right part.
        red, green, blue = img.getpixel((1150, 315))
        assert red > 180 and green < 60 and blue < 60
        red, green, blue = img.getpixel((1150, 20))  # above the block: still the grey
        assert abs(red - 128) < 30 and abs(blue - 128) < 30


def test_crop_box_is_centred_without_a_focal_point_and_stays_inside():
    assert renditions.crop_box(1200, 400, (3, 2)) == (300, 0, 900, 400)
    assert renditions.crop_box(1200, 400, (3, 2), (100, 50)) == (600, 0, 1200, 400)
    assert renditions.crop_box(1200, 400, (3, 2), (0, 0)) == (0, 0, 600, 400)
    assert renditions.crop_box(400, 1200, (1, 1), (50, 10)) == (0, 0, 400, 400)
