"""Share cards, canonical links, feed links and JSON-LD on every kind of public page."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import sharing
from articles.models import Article
from newsroom import page_meta, seo, structured_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    SectionFactory,
    image_file,
)
from tests.html_head import Head, head_of

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
HOSTILE = "</script><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Harbour Ledger"
    settings.SITE_DESCRIPTION = "Independent reporting from the harbour towns."
    settings.SITE_X_HANDLE = ""


@pytest.fixture
def writers():
    return [
        AuthorFactory(name="Ada Quayside", x_handle="adaquay"),
        AuthorFactory(name="Ben Lighthouse"),
    ]


@pytest.fixture
def article(writers):
    published = timezone.now() - timedelta(days=2)
    return ArticleFactory(
        headline="Council approves the river park",
        seo_title="River park approved after long debate",
        seo_description="The council voted seven to two for a park along the river.",
        dek="Work starts in spring.",
        excerpt="A short excerpt that the SEO description overrides.",
        section=SectionFactory(name="City"),
        published_at=published,
        updated_at=published + timedelta(hours=5),
        featured_image=image_file("park.jpg", size=(1600, 900)),
        featured_image_alt="Children playing on the grassy river bank",
        authors=writers,
        tags=["Parks", "Budget"],
    )


def get_head(client, url):
    return head_of(client.get(url))


# Article pages ------------------------------------------------------------------------


def test_article_title_description_and_canonical(client, article):
    head = get_head(client, article.get_absolute_url())
    own_url = SITE + article.get_absolute_url()
    assert head.title.strip() == "River park approved after long debate · Harbour Ledger"
    assert head.one("description") == article.seo_description
    assert head.link("canonical") == [own_url]
    assert head.meta.get("robots") is None


def test_article_open_graph(client, article):
    head = get_head(client, article.get_absolute_url())
    own_url = SITE + article.get_absolute_url()
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "River park approved after long debate"
    assert head.one("og:description") == article.seo_description
    assert head.one("og:url") == own_url
    assert head.one("og:site_name") == "Harbour Ledger"
    assert head.one("og:locale") == "en_US"


def test_article_share_image_is_the_1200px_rendition(client, article):
    head = get_head(client, article.get_absolute_url())
    image = head.one("og:image")
    assert image.startswith(SITE + "/media/")
    assert image.endswith(".jpg")
    assert int(head.one("og:image:width")) >= 1200
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    assert head.one("og:image:type") == "image/jpeg"
    assert head.one("og:image:alt") == "Children playing on the grassy river bank"
    assert head.one("twitter:image") == image
    assert head.one("twitter:image:alt") == "Children playing on the grassy river bank"


def test_article_properties(client, article, writers):
    head = get_head(client, article.get_absolute_url())
    assert head.one("article:published_time") == article.published_at.isoformat()
    assert head.one("article:modified_time") == article.updated_at.isoformat()
    assert head.meta["article:author"] == [SITE + w.get_absolute_url() for w in writers]
    assert head.one("article:section") == "City"
    assert sorted(head.meta["article:tag"]) == ["Budget", "Parks"]


def test_article_twitter_card(client, article, settings):
    settings.SITE_X_HANDLE = "harbourledger"
    head = get_head(client, article.get_absolute_url())
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:title") == "River park approved after long debate"
    assert head.one("twitter:description") == article.seo_description
    assert head.one("twitter:site") == "@harbourledger"
    assert head.one("twitter:creator") == "@adaquay"


def test_article_feed_links(client, article):
    head = get_head(client, article.get_absolute_url())
    assert head.link("alternate", "application/rss+xml") == [SITE + "/feed/"]
    assert head.link("alternate", "application/atom+xml") == [SITE + "/feed/atom/"]


def test_article_news_article_json_ld(client, article, writers):
    head = get_head(client, article.get_absolute_url())
    data = head.node("NewsArticle")
    own_url = SITE + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Council approves the river park"
    assert data["description"] == article.seo_description
    assert data["url"] == own_url
    assert data["mainEntityOfPage"]["@id"] == own_url
    assert data["image"][0]["url"] == head.one("og:image")
    assert data["image"][0]["width"] == 1200
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.updated_at.isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": w.name, "url": SITE + w.get_absolute_url()} for w in writers
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Harbour Ledger"
    assert data["publisher"]["logo"]["url"] == SITE + "/static/img/logo.png"
    assert data["publisher"]["logo"]["width"] == 512
    assert data["articleSection"] == "City"
    assert sorted(data["keywords"]) == ["Budget", "Parks"]
    assert "isBasedOn" not in data


def test_article_breadcrumbs(client, article):
    crumbs = get_head(client, article.get_absolute_url()).node("BreadcrumbList")
    items = crumbs["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, "Harbour Ledger", SITE + "/"),
        (2, "City", SITE + article.section.get_absolute_url()),
        (3, "Council approves the river park", SITE + article.get_absolute_url()),
    ]


def test_article_fallbacks_without_seo_fields_or_image(client):
    article = ArticleFactory(
        headline="Ferry timetable changes", excerpt="Boats leave earlier from Monday."
    )
    head = get_head(client, article.get_absolute_url())
    assert head.title.strip() == "Ferry timetable changes · Harbour Ledger"
    assert head.one("og:title") == "Ferry timetable changes"
    assert head.one("description") == "Boats leave earlier from Monday."
    assert head.one("og:image") == SITE + "/static/img/share.png"
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    data = head.node("NewsArticle")
    assert data["description"] == "Boats leave earlier from Monday."
    assert data["dateModified"] == article.modified_at.isoformat()


def test_modified_time_is_never_before_publication():
    published = timezone.now()
    saved_earlier = SimpleNamespace(
        published_at=published, updated_at=None, modified_at=published - timedelta(days=1)
    )
    assert sharing.article_modified_at(saved_earlier) == published


def test_description_falls_back_to_the_opening_of_the_body(client):
    article = ArticleFactory(excerpt="", body="<p>The tide was <b>high</b> &amp; rising.</p>")
    head = get_head(client, article.get_absolute_url())
    assert head.one("description") == "The tide was high & rising."


def test_republished_article_points_canonical_at_the_original(client):
    article = ArticleFactory(
        source_name="The Estuary Gazette",
        source_url="https://gazette.example.net/2024/river-park",
    )
    head = get_head(client, article.get_absolute_url())
    assert head.link("canonical") == ["https://gazette.example.net/2024/river-park"]
    assert head.one("og:url") == SITE + article.get_absolute_url()  # shares come to our copy
    based_on = head.node("NewsArticle")["isBasedOn"]
    assert based_on["url"] == "https://gazette.example.net/2024/river-park"
    assert based_on["publisher"]["name"] == "The Estuary Gazette"


def test_hostile_headline_stays_inert(client):
    article = ArticleFactory(headline=HOSTILE, dek=HOSTILE, seo_description=HOSTILE)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    head = Head(html)
    # The only scripts are the JSON-LD blocks (and any external files): none was injected.
    assert head.script_count == len(head.json_ld_raw) + html.count("<script src=")
    for raw in head.json_ld_raw:
        assert "<" not in raw and ">" not in raw
    assert head.node("NewsArticle")["headline"] == HOSTILE
    assert head.one("og:title") == HOSTILE  # an attribute value, escaped by the parser's rules


def test_json_ld_escaping_matches_json_script():
    data = {"headline": "a </script> & <!-- b", "x": "\u2028"}
    html = structured_data.script(data)
    assert html.startswith('<script type="application/ld+json">')
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    import json

    assert json.loads(body) == data


def test_metadata_block_costs_no_queries(article, django_assert_num_queries, rf):
    article = Article.objects.live().for_detail().get(pk=article.pk)
    request = rf.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        html = render_to_string("includes/_meta.html", {"article": article}, request=request)
    assert "NewsArticle" in html


def test_unpublished_article_preview_is_noindex(article):
    article.status = Article.Status.DRAFT
    request = RequestFactory().get("/preview/")
    meta = page_meta.build_page_meta({"article": article, "request": request})
    assert meta.robots == "noindex"
    assert meta.canonical == SITE + article.get_absolute_url()


def test_share_image_without_a_rendition_is_none_never_the_upload(article):
    """Without an og_image rendition there is no share image (the page uses the site's):
    the uploaded original is private and may carry the uploader's location."""
    stand_in = SimpleNamespace(
        featured_image=article.featured_image,
        featured_image_width=1600,
        featured_image_height=900,
        featured_image_alt="A river",
    )
    assert sharing.article_image(stand_in) is None


def test_absolute_urls_ignore_the_host_header(client, article):
    html = client.get(article.get_absolute_url(), HTTP_HOST="testserver").content.decode()
    head = Head(html)
    urls = head.link("canonical") + head.meta["og:url"] + head.meta["og:image"]
    assert urls and all(url.startswith(SITE) for url in urls)
    assert "http://testserver" not in html


# Author, book, section, tag and home pages --------------------------------------------


@pytest.fixture
def author():
    writer = AuthorFactory(
        name="Cora Tidewell",
        job_title="Transport correspondent",
        short_bio="Cora follows ferries, buses and the people who run them.",
        x_handle="coratide",
        website_url="https://cora.example.org",
        photo=image_file("cora.jpg", size=(800, 800)),
    )
    ArticleFactory(authors=[writer])
    return writer


def test_author_page(client, author):
    head = get_head(client, author.get_absolute_url())
    own_url = SITE + author.get_absolute_url()
    assert head.title.strip() == "Cora Tidewell · Harbour Ledger"
    assert head.one("description") == author.short_bio
    assert head.link("canonical") == [own_url]
    assert head.one("og:type") == "profile"
    assert head.one("og:title") == "Cora Tidewell"
    assert head.one("og:url") == own_url
    assert head.one("og:image") == SITE + author.portrait_384_jpeg.url
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("384", "384")
    assert head.one("og:image:alt") == "Portrait of Cora Tidewell"
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:creator") == "@coratide"
    assert head.link("alternate", "application/rss+xml") == [
        SITE + "/feed/",
        SITE + reverse("articles:author-feed", kwargs={"slug": author.slug}),
    ]
    assert SITE + reverse("articles:author-feed-atom", kwargs={"slug": author.slug}) in (
        head.link("alternate", "application/atom+xml")
    )


def test_author_page_json_ld(client, author):
    head = get_head(client, author.get_absolute_url())
    profile = head.node("ProfilePage")
    person = profile["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Cora Tidewell"
    assert person["url"] == SITE + author.get_absolute_url()
    assert person["jobTitle"] == "Transport correspondent"
    assert person["image"] == SITE + author.portrait_384_jpeg.url
    assert person["sameAs"] == ["https://x.com/coratide", "https://cora.example.org"]
    crumbs = head.node("BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Harbour Ledger", "Cora Tidewell"]


def test_author_page_two_is_its_own_canonical(client):
    writer = AuthorFactory()
    for _ in range(13):
        ArticleFactory(authors=[writer])
    head = get_head(client, writer.get_absolute_url() + "?page=2")
    assert head.link("canonical") == [SITE + writer.get_absolute_url() + "?page=2"]


@pytest.fixture
def book(author):
    guest = AuthorFactory(name="Dan Offshore")  # no live article: no public page
    return BookFactory(
        title="Tides and Timetables",
        subtitle="A year on the ferries",
        description="<p>How a harbour town <em>moves</em>.</p>",
        publisher="Ledger Books",
        year=2023,
        isbn="978-0-306-40615-7",
        cover=image_file("cover.jpg", size=(600, 900)),
        authors=[author, guest],
    )


def test_book_page(client, book, author):
    head = get_head(client, book.get_absolute_url())
    own_url = SITE + book.get_absolute_url()
    assert head.title.strip() == "Tides and Timetables: A year on the ferries · Harbour Ledger"
    assert head.one("description") == "How a harbour town moves."
    assert head.link("canonical") == [own_url]
    assert head.one("og:type") == "book"
    assert head.one("og:url") == own_url
    assert head.one("og:image") == SITE + book.cover_640_jpeg.url
    assert head.one("og:image:alt") == "Cover of Tides and Timetables"
    assert head.one("book:isbn") == "9780306406157"
    assert head.one("book:release_date") == "2023"
    assert head.meta["book:author"] == [SITE + author.get_absolute_url()]


def test_book_json_ld(client, book, author):
    head = get_head(client, book.get_absolute_url())
    data = head.node("Book")
    assert data["name"] == "Tides and Timetables"
    assert data["isbn"] == "9780306406157"
    assert data["publisher"] == {"@type": "Organization", "name": "Ledger Books"}
    assert data["datePublished"] == "2023"
    assert data["image"] == SITE + book.cover_640_jpeg.url
    assert data["url"] == SITE + book.get_absolute_url()
    assert {"@type": "Person", "name": author.name, "url": SITE + author.get_absolute_url()} in (
        data["author"]
    )
    assert {"@type": "Person", "name": "Dan Offshore"} in data["author"]
    assert data["offers"] == [
        {"@type": "Offer", "url": "https://shop.example.org/b", "name": "Buy from the publisher"}
    ]
    crumbs = head.node("BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Harbour Ledger", "Our Books", "Tides and Timetables"]


def test_section_page(client):
    section = SectionFactory(name="Harbour", description="Ships, docks and the people there.")
    ArticleFactory(section=section)
    head = get_head(client, section.get_absolute_url())
    own_url = SITE + section.get_absolute_url()
    assert head.title.strip() == "Harbour · Harbour Ledger"
    assert head.one("description") == "Ships, docks and the people there."
    assert head.link("canonical") == [own_url]
    assert head.one("og:type") == "website"
    assert head.one("og:title") == "Harbour"
    assert head.one("og:url") == own_url
    assert head.one("og:image") == SITE + "/static/img/share.png"
    assert head.one("twitter:card") == "summary_large_image"
    assert SITE + reverse("articles:section-feed", kwargs={"slug": section.slug}) in head.link(
        "alternate", "application/rss+xml"
    )
    assert SITE + reverse("articles:section-feed-atom", kwargs={"slug": section.slug}) in (
        head.link("alternate", "application/atom+xml")
    )
    crumbs = head.node("BreadcrumbList")["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs] == [
        ("Harbour Ledger", SITE + "/"),
        ("Harbour", own_url),
    ]


def test_section_page_two(client):
    section = SectionFactory(name="Docks")
    for _ in range(13):
        ArticleFactory(section=section)
    head = get_head(client, section.get_absolute_url() + "?page=2")
    assert head.link("canonical") == [SITE + section.get_absolute_url() + "?page=2"]
    assert head.title.strip() == "Docks, page 2 · Harbour Ledger"


def test_tag_page(client):
    ArticleFactory(tags=["Fishing"])
    url = reverse("articles:tag", kwargs={"slug": "fishing"})
    head = get_head(client, url)
    assert head.title.strip() == "Tagged “Fishing” · Harbour Ledger"
    assert head.one("description") == "Articles tagged “Fishing” from Harbour Ledger."
    assert head.link("canonical") == [SITE + url]
    assert head.one("og:url") == SITE + url
    assert SITE + reverse("articles:tag-feed", kwargs={"slug": "fishing"}) in head.link(
        "alternate", "application/rss+xml"
    )
    crumbs = head.node("BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == [SITE + "/", SITE + url]


def test_home_page(client):
    ArticleFactory()
    head = get_head(client, reverse("articles:home"))
    assert head.title.strip() == ("Harbour Ledger: Independent reporting from the harbour towns.")
    assert head.one("description") == "Independent reporting from the harbour towns."
    assert head.link("canonical") == [SITE + "/"]
    assert head.one("og:type") == "website"
    assert head.one("og:title") == "Harbour Ledger"
    assert head.one("og:url") == SITE + "/"
    assert head.one("og:site_name") == "Harbour Ledger"
    assert head.one("og:image") == SITE + "/static/img/share.png"
    assert head.one("og:image:alt") == "Harbour Ledger"
    assert head.one("twitter:card") == "summary_large_image"
    assert head.link("alternate", "application/rss+xml") == [SITE + "/feed/"]


def test_home_page_json_ld(client):
    head = get_head(client, reverse("articles:home"))
    website = head.node("WebSite")
    assert website["url"] == SITE + "/"
    assert website["name"] == "Harbour Ledger"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == SITE + "/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    organization = head.node("Organization")
    assert organization["logo"]["url"] == SITE + "/static/img/logo.png"


def test_search_page_is_noindex(client):
    head = get_head(client, reverse("articles:search") + "?q=harbour")
    assert head.one("robots") == "noindex"
    assert head.link("canonical") == [SITE + "/search/"]


def test_not_found_page_is_noindex_without_canonical(client):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    head = Head(response.content.decode())
    assert head.one("robots") == "noindex"
    assert head.link("canonical") == []


def test_logo_is_a_real_image():
    assert seo.static_image_size("img/logo.png") == (512, 512)
    assert seo.static_image_size("img/share.png") == (1200, 630)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en-us", "en"), ("de", "de"), ("zh-hant", "zh-tw"), ("pt-br", "pt")],
)
def test_news_language(settings, language, expected):
    settings.LANGUAGE_CODE = language
    assert seo.news_language() == expected
