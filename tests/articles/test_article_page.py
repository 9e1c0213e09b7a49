"""The article page, element by element (issue 3): headline and dek, byline and dates,
the featured image, republished pieces, author boxes, the books shelf, recent articles, share
links, and the page's pinned query budget."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from articles.models import Byline
from images import renditions
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    SectionFactory,
    image_file,
)
from tests.reader import HIDDEN_STATES, add_byline, hidden_article, page, query, text

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.org"
ARTICLE_BUDGET = 10


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def authors():
    return [
        AuthorFactory(
            name="Amara Okafor",
            job_title="Housing correspondent",
            short_bio="Amara reports on rents and planning.",
            x_handle="amarawrites",
            bluesky_handle="amara.bsky.social",
            mastodon_handle="amara@social.example.org",
            website_url="https://amara.example.org/",
            photo=image_file("amara.jpg", size=(500, 400), color=(150, 90, 60)),
        ),
        AuthorFactory(name="Bo Lindqvist", job_title="Data reporter", short_bio="Bo counts."),
        AuthorFactory(name="Chen Wei", job_title="Translator", short_bio="Chen translates."),
    ]


@pytest.fixture
def article(authors):
    """A rich, republished, updated article by three people, the third as translator."""
    now = timezone.now()
    article = ArticleFactory(
        headline="Tenants & owners agree: rents “too high”",
        dek="A rare consensus at the housing forum.",
        body="<p>First paragraph.</p><h2>What was agreed</h2><p>Second paragraph.</p>",
        section=SectionFactory(name="Cities"),
        authors=authors[:2],
        tags=[f"topic {n}" for n in range(10)],
        published_at=now - timedelta(days=1),
        updated_at=now - timedelta(hours=2),
        featured_image=image_file("forum.jpg", size=(1600, 900)),
        featured_image_alt="A packed hall at the housing forum",
        featured_image_caption="The forum met in the old library.",
        featured_image_credit="Photo: Dana Ruiz",
        source_name="The Harbour Ledger",
        source_url="https://ledger.example.com/rents",
    )
    add_byline(article, authors[2], Byline.Role.TRANSLATED_BY, 2)
    return article


def get_article(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return page(response)


# ---------- 1. Headline, dek, section, tags ----------


def test_headline_is_the_only_h1_and_dek_section_and_tags_are_shown(client, article):
    doc = get_article(client, article)

    h1s = doc.find_all("h1")
    assert len(h1s) == 1
    assert text(h1s[0]) == article.headline
    assert text(doc.select_one(".story__dek")) == article.dek
    section_link = doc.select_one(".story__header .kicker a")
    assert section_link["href"] == article.section.get_absolute_url()
    tag_links = doc.select(".topics__list a")
    assert [a["href"] for a in tag_links] == [
        reverse("articles:tag", kwargs={"slug": f"topic-{n}"}) for n in range(10)
    ]
    assert all(a["rel"] == ["tag"] for a in tag_links)


def test_body_is_rendered_as_html(client, article):
    doc = get_article(client, article)

    body = doc.select_one(".story__body .prose")
    assert body.find("h2").get_text() == "What was agreed"
    assert [p.get_text() for p in body.find_all("p")] == ["First paragraph.", "Second paragraph."]


# ---------- 2. Byline and dates ----------


def test_byline_links_every_author_in_order_with_roles(client, article, authors):
    doc = get_article(client, article)

    byline = doc.select_one(".byline")
    assert [a["href"] for a in byline.find_all("a")] == [a.get_absolute_url() for a in authors]
    assert [a.get_text() for a in byline.find_all("a")] == [a.name for a in authors]
    groups = [text(group) for group in byline.select(".byline__group")]
    assert groups == ["By Amara Okafor and Bo Lindqvist", "Translated by Chen Wei"]


def test_plain_byline_shows_no_role_label(client):
    article = ArticleFactory(authors=[AuthorFactory(name="Dee Plain")])
    doc = get_article(client, article)

    assert text(doc.select_one(".byline")) == "By Dee Plain"
    assert not doc.select(".byline__group--role")


def test_publication_and_update_times(client, article):
    doc = get_article(client, article)

    published = doc.select_one(".dateline__published")
    assert published.name == "time"
    # ISO 8601 to the second: HTML allows at most three digits of fractions.
    assert published["datetime"] == article.published_at.replace(microsecond=0).isoformat()
    updated = doc.select_one(".dateline__updated")
    assert text(updated).startswith("Updated ")
    assert updated.find("time")["datetime"] == (
        article.updated_at.replace(microsecond=0).isoformat()
    )


@pytest.mark.parametrize("updated_delta", [None, timedelta(0), -timedelta(hours=1)])
def test_no_updated_line_unless_updated_after_publication(client, updated_delta):
    published_at = timezone.now() - timedelta(hours=5)
    updated_at = published_at + updated_delta if updated_delta is not None else None
    article = ArticleFactory(published_at=published_at, updated_at=updated_at)

    doc = get_article(client, article)
    assert not doc.select(".dateline__updated")
    assert "Updated" not in text(doc.select_one(".story__meta"))


# ---------- 3. Featured image ----------


def test_featured_image_is_a_responsive_figure(client, article):
    doc = get_article(client, article)

    figure = doc.select_one("figure.story__figure")
    source = figure.select_one("picture source")
    img = figure.select_one("picture img")
    assert source["type"] == "image/webp"
    assert [entry.split()[-1] for entry in source["srcset"].split(", ")] == [
        "640w",
        "1024w",
        "1600w",
    ]
    assert [entry.split()[-1] for entry in img["srcset"].split(", ")] == ["640w", "1024w", "1600w"]
    assert all(".webp " in entry for entry in source["srcset"].split(", "))
    assert img["src"].endswith(".jpg")
    assert img["src"] == article.lead_1024_jpeg.url
    assert (img["width"], img["height"]) == ("1024", "576")
    assert img["sizes"] == source["sizes"]
    assert img["alt"] == article.featured_image_alt
    # The lead image is what readers see first: fetched eagerly, with high priority.
    assert img["fetchpriority"] == "high"
    assert not img.has_attr("loading")
    caption = figure.find("figcaption")
    assert text(caption.select_one(".caption")) == article.featured_image_caption
    assert text(caption.select_one(".credit")) == "Credit: Photo: Dana Ruiz"


def test_every_other_image_is_lazy(client, article):
    for n in range(3):
        ArticleFactory(
            featured_image=image_file(f"other-{n}.jpg", size=(400, 300)),
            featured_image_alt=f"Another scene {n}",
        )
    BookFactory(cover=image_file("cover.jpg", size=(300, 450)))

    doc = get_article(client, article)
    images = doc.select("main img")
    lead = doc.select_one("figure.story__figure img")
    others = [img for img in images if img is not lead]
    assert len(others) >= 5  # an author photo, three thumbnails, a cover
    assert all(img["loading"] == "lazy" and not img.has_attr("fetchpriority") for img in others)
    assert all(img.has_attr("width") and img.has_attr("height") for img in images)


def test_small_upload_is_never_upscaled(client):
    article = ArticleFactory(
        featured_image=image_file("small.jpg", size=(900, 600)),
        featured_image_alt="A small photograph of a bridge",
    )
    doc = get_article(client, article)

    img = doc.select_one("figure.story__figure img")
    assert [entry.split()[-1] for entry in img["srcset"].split(", ")] == ["640w", "900w"]
    assert (img["width"], img["height"]) == ("900", "600")


def test_article_without_image_has_no_figure(client):
    article = ArticleFactory()
    doc = get_article(client, article)
    assert not doc.select("figure.story__figure")


def test_renditions_are_made_on_save_not_per_request(client, article):
    """The page only computes URLs: a missing file stays missing after a request."""
    url = article.lead_640_webp.url
    name = article.lead_640_webp.name
    assert default_storage.exists(name)
    default_storage.delete(name)

    doc = get_article(client, article)
    assert url in doc.select_one("figure.story__figure source")["srcset"]
    assert not default_storage.exists(name)


# ---------- 5. Republished articles ----------


def test_republished_line(client, article):
    doc = get_article(client, article)

    line = doc.select_one(".republished")
    assert text(line) == (
        "This article was originally published at The Harbour Ledger and is "
        "republished with permission."
    )
    assert line.find("a")["href"] == "https://ledger.example.com/rents"
    assert line.find("a").get_text() == "The Harbour Ledger"


def test_republished_line_uses_the_articles_own_wording(client):
    article = ArticleFactory(source_name="Field Notes", permission_note="used under licence")
    doc = get_article(client, article)
    assert text(doc.select_one(".republished")) == (
        "This article was originally published at Field Notes and is used under licence."
    )
    assert not doc.select_one(".republished").find("a")


@pytest.mark.parametrize(
    "note,line_end",
    [
        ("Republished under CC BY-ND 4.0.", "and is republished under CC BY-ND 4.0."),
        ("is CC BY 4.0", "and is CC BY 4.0."),
        (
            "Reproduced with permission of Field Notes",
            "and is reproduced with permission of Field Notes.",
        ),
    ],
)
def test_republished_line_reads_as_one_sentence(client, note, line_end):
    """Issue 18: "and is Republished under …" — the note continues the sentence."""
    article = ArticleFactory(source_name="Field Notes", permission_note=note)
    line = text(get_article(client, article).select_one(".republished"))
    assert line == f"This article was originally published at Field Notes {line_end}"


def test_own_articles_have_no_republished_line(client):
    doc = get_article(client, ArticleFactory())
    assert not doc.select(".republished")
    assert "originally published" not in doc.get_text()


# ---------- 6. Author boxes ----------


def test_an_author_box_for_each_author(client, article, authors):
    doc = get_article(client, article)

    boxes = doc.select(".author-box")
    assert [text(box.select_one(".author-box__name")) for box in boxes] == [a.name for a in authors]
    first = boxes[0]
    assert first.select_one(".author-box__name a")["href"] == authors[0].get_absolute_url()
    assert text(first.select_one(".author-box__job")) == "Housing correspondent"
    assert text(first.select_one(".author-box__bio")) == "Amara reports on rents and planning."
    photo = first.select_one(".author-box__photo img")
    assert photo["src"] == authors[0].portrait_192_jpeg.url
    assert photo["alt"] == ""  # the name follows: the portrait is decorative here
    socials = [(text(a), a["href"]) for a in first.select(".social-links a")]
    assert socials == [
        ("Follow on X @amarawrites", "https://x.com/amarawrites"),
        ("Follow on Bluesky @amara.bsky.social", "https://bsky.app/profile/amara.bsky.social"),
        (
            "Follow on Mastodon @amara@social.example.org",
            "https://social.example.org/@amara",
        ),
        ("Website", "https://amara.example.org/"),
    ]
    for box, author in zip(boxes, authors, strict=True):
        view_all = box.select_one(".author-box__all a")
        assert view_all["href"] == author.get_absolute_url()
        assert text(view_all).startswith(f"View all posts by {author.name}")
    # Without a photo: a neutral placeholder with initials, hidden from screen readers.
    placeholder = boxes[1].select_one(".avatar")
    assert placeholder["aria-hidden"] == "true"
    assert placeholder.get_text() == "BL"
    assert not boxes[1].select(".social-links")


def test_one_box_for_an_author_with_two_roles(client):
    author = AuthorFactory()
    article = ArticleFactory(authors=[author])
    add_byline(article, author, Byline.Role.PHOTOS_BY, 1)

    doc = get_article(client, article)
    assert len(doc.select(".author-box")) == 1
    assert text(doc.select_one(".authors__title")) == "About the author"


# ---------- 7. Our Books ----------


def test_our_books_shelf_in_shelf_order(client, article, authors):
    third = BookFactory(title="Third", shelf_position=3, authors=[authors[0]])
    first = BookFactory(title="First", shelf_position=1, cover=image_file("c.jpg", size=(400, 600)))
    second = BookFactory(title="Second", shelf_position=2, author_credit="Ed. by Many Hands")
    BookFactory(title="Off the shelf", shelf_position=0, is_on_shelf=False)

    doc = get_article(client, article)
    shelf = doc.find(id="our-books").find_parent("section")
    cards = shelf.select(".book-card")
    assert [text(card.select_one(".book-card__title")) for card in cards] == [
        "First",
        "Second",
        "Third",
    ]
    links = [card.select_one(".book-card__title a")["href"] for card in cards]
    assert links == [b.get_absolute_url() for b in (first, second, third)]
    assert text(cards[1].select_one(".book-card__credit")) == "Ed. by Many Hands"
    assert text(cards[2].select_one(".book-card__credit")) == authors[0].name
    cover = cards[0].select_one("img")
    assert cover["alt"] == "Cover of First"
    assert cover["src"] == first.cover_320_jpeg.url
    assert cards[1].select_one(".cover-placeholder")["aria-hidden"] == "true"


# ---------- 8. Recent Articles ----------


def test_recent_articles_exclude_this_one_and_hidden_ones(client, article, settings):
    settings.RECENT_ARTICLES_COUNT = 5
    now = timezone.now()
    others = [
        ArticleFactory(headline=f"Other story {n}", published_at=now - timedelta(hours=n))
        for n in range(1, 8)
    ]
    for state in HIDDEN_STATES:
        hidden_article(state, headline=f"Hidden {state}")

    doc = get_article(client, article)
    recent = doc.find(id="recent-articles").find_parent("section")
    items = recent.select(".recent__item")
    assert [text(item.select_one("h3")) for item in items] == [a.headline for a in others[:5]]
    assert article.headline not in text(recent)
    assert "Hidden" not in text(recent)
    first = items[0]
    more = first.select_one(".mini-card__more a")
    assert more["href"] == others[0].get_absolute_url()
    assert more.get_text() == f"Read more: {others[0].headline}"
    assert text(first.select_one(".mini-card__summary")) == others[0].summary


def test_recent_articles_count_follows_the_setting(client, article, settings):
    settings.RECENT_ARTICLES_COUNT = 2
    for n in range(4):
        ArticleFactory(headline=f"Other {n}")
    doc = get_article(client, article)
    assert len(doc.select(".recent__item")) == 2


def test_recent_articles_show_thumbnails(client, article):
    other = ArticleFactory(
        featured_image=image_file("t.jpg", size=(1200, 900)), featured_image_alt="A quay"
    )
    doc = get_article(client, article)
    img = doc.select_one(".recent__item img")
    # 3:2 crop of a 4:3 upload, at the card widths.
    assert [entry.split()[-1] for entry in img["srcset"].split(", ")] == ["400w", "800w"]
    assert (img["width"], img["height"]) == ("400", "267")
    assert img["src"] == other.card_400_jpeg.url
    assert img["alt"] == ""  # the headline beside it says what the story is


# ---------- 9. Share links ----------


def share_links(doc) -> dict:
    return {
        a["class"][-1].removeprefix("share__link--"): a for a in doc.select(".share a.share__link")
    }


def test_share_links_are_encoded_absolute_urls(client, article):
    doc = get_article(client, article)
    links = share_links(doc)
    url = f"{SITE_URL}{article.get_absolute_url()}"
    title = article.headline
    image = f"{SITE_URL}{article.og_image.url}"

    assert set(links) == {"facebook", "x", "bluesky", "linkedin", "reddit", "pinterest", "email"}
    expected = {
        "facebook": ("https://www.facebook.com/sharer/sharer.php", {"u": url}),
        "x": ("https://x.com/intent/tweet", {"url": url, "text": title}),
        "bluesky": ("https://bsky.app/intent/compose", {"text": f"{title} {url}"}),
        "linkedin": ("https://www.linkedin.com/sharing/share-offsite/", {"url": url}),
        "reddit": ("https://www.reddit.com/submit", {"url": url, "title": title}),
        "pinterest": (
            "https://www.pinterest.com/pin/create/button/",
            {"url": url, "media": image, "description": title},
        ),
    }
    for network, (base, params) in expected.items():
        href = links[network]["href"]
        assert href.split("?")[0] == base
        assert query(href) == params, network
        # Encoded strictly: no raw spaces, ampersands or quotes inside parameter values.
        assert " " not in href and "“" not in href and "+" not in href
        assert links[network]["target"] == "_blank"
        assert links[network]["rel"] == ["noopener"]
        label = text(links[network])
        assert label.startswith("Share on ") and label.endswith("(opens in a new tab)")

    email = links["email"]["href"]
    assert email.startswith("mailto:?")
    assert query(email) == {"subject": title, "body": f"{title}\r\n{url}"}
    assert "%0D%0A" in email and "+" not in email
    assert not links["email"].has_attr("target")
    assert text(links["email"]) == "Share by Email"
    # A headline with an ampersand must not break the query string.
    assert "Tenants%20%26%20owners" in links["x"]["href"]


def test_copy_link_button_needs_javascript(client, article):
    doc = get_article(client, article)

    button = doc.select_one(".share button.share__copy")
    assert button["type"] == "button"
    assert button["data-share-url"] == f"{SITE_URL}{article.get_absolute_url()}"
    assert button.find_parent("li").has_attr("hidden")  # shown by share.js
    assert doc.select_one(".share [role=status]")["aria-live"] == "polite"
    scripts = [s.get("src", "") for s in doc.find_all("script") if s.get("src")]
    assert any(src.endswith("js/share.js") for src in scripts)
    assert all(s.has_attr("defer") for s in doc.find_all("script") if s.get("src"))


def test_pinterest_without_an_image_has_no_media(client):
    doc = get_article(client, ArticleFactory())
    assert "media" not in query(share_links(doc)["pinterest"]["href"])


def test_open_graph_rendition_is_1200_by_630(article):
    from PIL import Image

    assert article.og_image.url.endswith(".jpg")
    with default_storage.open(article.og_image.name) as handle:
        assert Image.open(handle).size == (renditions.OG_IMAGE_WIDTH, renditions.OG_IMAGE_HEIGHT)


# ---------- Query budget ----------


def test_article_page_query_budget(client, django_assert_max_num_queries, article, authors):
    for n in range(8):
        BookFactory(authors=authors[: 1 + n % 3])
    for _ in range(6):
        ArticleFactory(authors=authors)

    with django_assert_max_num_queries(ARTICLE_BUDGET):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    doc = page(response)
    assert len(doc.select(".shelf .book-card")) == 8
    assert len(doc.select(".recent__item")) == 5
    assert len(doc.select(".topics__list a")) == 10
    assert len(doc.select(".author-box")) == 3
