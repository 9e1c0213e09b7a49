"""RSS and Atom feeds, read back with a real feed parser (feedparser)."""

from datetime import timedelta

import feedparser
import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure

from articles import feeds
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
FEED_VARIANTS = [("rss", "rss20"), ("atom", "atom10")]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Harbour Ledger"
    settings.FEED_FULL_CONTENT = True


def feed_url(kind: str, route: str = "feed", **kwargs) -> str:
    name = f"articles:{route}" if kind == "rss" else f"articles:{route}-atom"
    return reverse(name, kwargs=kwargs or None)


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return response, parsed


def not_live_articles():
    future = timezone.now() + timedelta(days=1)
    return [
        ArticleFactory(headline="Draft story", status=Article.Status.DRAFT, published_at=None),
        ArticleFactory(headline="Story in review", status=Article.Status.REVIEW),
        ArticleFactory(headline="Withdrawn story", status=Article.Status.UNPUBLISHED),
        ArticleFactory(headline="Scheduled story", published_at=future),
    ]


@pytest.fixture
def story():
    return ArticleFactory(
        headline="Harbour wall repaired before winter",
        excerpt="Crews finished two weeks early.",
        body='<p>The wall held.</p><p>See <a href="/articles/earlier-repairs/">earlier</a>.</p>',
        section=SectionFactory(name="Harbour"),
        featured_image=image_file("wall.jpg", size=(1600, 900)),
        featured_image_alt="Workers on the harbour wall at dusk",
        authors=[AuthorFactory(name="Ada Quayside"), AuthorFactory(name="Ben Lighthouse")],
        tags=["Weather", "Repairs"],
        published_at=timezone.now() - timedelta(hours=3),
    )


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_site_feed_lists_only_live_articles_newest_first(client, kind, version):
    older = ArticleFactory(headline="Older story", published_at=timezone.now() - timedelta(days=2))
    newer = ArticleFactory(headline="Newer story", published_at=timezone.now() - timedelta(hours=1))
    not_live_articles()
    response, parsed = parse(client, feed_url(kind))
    assert parsed.version == version
    assert [entry.title for entry in parsed.entries] == [newer.headline, older.headline]
    assert "Draft story" not in response.content.decode()
    assert "Scheduled story" not in response.content.decode()


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_feed_metadata(client, kind, version):
    ArticleFactory()
    _, parsed = parse(client, feed_url(kind))
    assert parsed.feed.title == "Harbour Ledger"
    assert parsed.feed.link == SITE + "/"
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [SITE + feed_url(kind)]


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_item_fields(client, story, kind, version):
    _, parsed = parse(client, feed_url(kind))
    (entry,) = parsed.entries
    assert entry.title == "Harbour wall repaired before winter"
    assert entry.link == SITE + story.get_absolute_url()
    assert entry.id == f"tag:news.example.org,{story.created_at:%Y-%m-%d}:article:{story.pk}"
    assert entry.summary == "Crews finished two weeks early."
    assert [author.name for author in entry.authors] == ["Ada Quayside", "Ben Lighthouse"]
    assert sorted(tag.term for tag in entry.tags) == ["Repairs", "Weather"]
    assert entry.published_parsed[:5] == story.published_at.utctimetuple()[:5]


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_full_content_with_absolute_links(client, story, kind, version):
    _, parsed = parse(client, feed_url(kind))
    content = parsed.entries[0].content[0].value
    assert "<p>The wall held.</p>" in content
    assert f'href="{SITE}/articles/earlier-repairs/"' in content


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_summary_only_when_full_content_is_off(client, story, settings, kind, version):
    settings.FEED_FULL_CONTENT = False
    _, parsed = parse(client, feed_url(kind))
    entry = parsed.entries[0]
    assert "content" not in entry
    assert entry.summary == "Crews finished two weeks early."


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_featured_image_enclosure_and_media(client, story, kind, version):
    _, parsed = parse(client, feed_url(kind))
    entry = parsed.entries[0]
    (enclosure,) = entry.enclosures
    # The 1200x630 rendition, not the upload: renditions carry no EXIF/GPS metadata.
    assert enclosure.href == SITE + story.og_image.url
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == story.og_image.storage.size(story.og_image.name) > 0
    (media,) = entry.media_content
    assert media["url"].startswith(SITE + "/media/")
    assert (media["width"], media["height"], media["medium"]) == ("1200", "630", "image")


def test_no_enclosure_without_an_image(client):
    ArticleFactory()
    _, parsed = parse(client, feed_url("rss"))
    assert parsed.entries[0].enclosures == []


def test_image_sizes_come_from_the_cache_after_the_first_request(client, story, monkeypatch):
    parse(client, feed_url("rss"))

    def no_storage_calls(*args, **kwargs):
        raise AssertionError("storage.size called although the size is cached")

    monkeypatch.setattr(FileSystemStorage, "size", no_storage_calls)
    _, parsed = parse(client, feed_url("rss"))
    assert int(parsed.entries[0].enclosures[0].length) > 0


def test_missing_image_file_drops_the_enclosure_not_the_feed(client, story):
    story.og_image.storage.delete(story.og_image.name)
    _, parsed = parse(client, feed_url("rss"))
    assert parsed.entries[0].enclosures == []


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_section_feed(client, story, kind, version):
    ArticleFactory(headline="Elsewhere", section=SectionFactory(name="Culture"))
    url = feed_url(kind, "section-feed", slug=story.section.slug)
    _, parsed = parse(client, url)
    assert parsed.feed.title == "Harbour · Harbour Ledger"
    assert parsed.feed.link == SITE + story.section.get_absolute_url()
    assert [entry.title for entry in parsed.entries] == [story.headline]


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_author_feed(client, story, kind, version):
    author = story.bylines.first().author
    ArticleFactory(headline="By someone else")
    ArticleFactory(headline="Draft by her", authors=[author], status=Article.Status.DRAFT)
    _, parsed = parse(client, feed_url(kind, "author-feed", slug=author.slug))
    assert parsed.feed.title == "Ada Quayside · Harbour Ledger"
    assert parsed.feed.link == SITE + author.get_absolute_url()
    assert [entry.title for entry in parsed.entries] == [story.headline]


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_tag_feed(client, story, kind, version):
    ArticleFactory(headline="Untagged")
    ArticleFactory(headline="Tagged draft", tags=["Weather"], status=Article.Status.DRAFT)
    _, parsed = parse(client, feed_url(kind, "tag-feed", slug="weather"))
    assert parsed.feed.title == "Tagged “Weather” · Harbour Ledger"
    assert [entry.title for entry in parsed.entries] == [story.headline]


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("route", ["section-feed", "author-feed", "tag-feed"])
def test_unknown_slug_is_404(client, kind, route):
    assert client.get(feed_url(kind, route, slug="no-such-thing")).status_code == 404


def test_author_and_tag_without_live_articles_are_404(client):
    hidden = AuthorFactory()
    ArticleFactory(authors=[hidden], tags=["Secret"], status=Article.Status.DRAFT)
    assert client.get(feed_url("rss", "author-feed", slug=hidden.slug)).status_code == 404
    assert client.get(feed_url("rss", "tag-feed", slug="secret")).status_code == 404


def test_item_limit(client, settings):
    settings.FEED_ITEMS = 5
    for _ in range(7):
        ArticleFactory()
    _, parsed = parse(client, feed_url("rss"))
    assert len(parsed.entries) == 5


HOSTILE = "Tide\x0b table\x1f and\x08 more\x0c \ufffe<b>&amp;</b> </script>"


@pytest.mark.parametrize(("kind", "version"), FEED_VARIANTS)
def test_hostile_characters_still_parse(client, kind, version):
    ArticleFactory(
        headline=HOSTILE,
        dek=HOSTILE,
        excerpt=HOSTILE,
        body=f"<p>{HOSTILE}</p>",
        featured_image=image_file(),
        featured_image_alt=HOSTILE,
        authors=[AuthorFactory(name="Writer\x1b Name")],
        tags=["Ta\x07g"],
        section=SectionFactory(name="Sec\x01tion", description=HOSTILE),
    )
    section = Article.objects.get().section
    for url in [feed_url(kind), feed_url(kind, "section-feed", slug=section.slug)]:
        _, parsed = parse(client, url)
        entry = parsed.entries[0]
        assert entry.title.startswith("Tide table and more")
        assert entry.authors[0].name == "Writer Name"
        assert [tag.term for tag in entry.tags] == ["Tag"]


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL text cannot store NUL at all"
)
def test_nul_bytes_in_stored_content_are_stripped(client):
    ArticleFactory(headline="Nul\x00 headline", body="<p>Body\x00 text</p>")
    response, parsed = parse(client, feed_url("rss"))
    assert b"\x00" not in response.content
    assert parsed.entries[0].title == "Nul headline"


@pytest.mark.parametrize("generator", [feeds.NewsroomRssFeed, feeds.NewsroomAtomFeed])
def test_generators_strip_every_xml_invalid_character(generator):
    bad = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
    feed = generator(title=f"Feed{bad}", link=SITE + "/", description=f"About{bad}")
    feed.add_item(
        title=f"Item{bad}",
        link=SITE + "/a/",
        description=f"Text{bad}",
        categories=[f"cat{bad}"],
        enclosures=[Enclosure(SITE + "/i.jpg", "10", "image/jpeg")],
        authors=[{"name": f"Name{bad}", "url": SITE + "/authors/n/"}],
        content=f"<p>Body{bad}</p>",
        image={"url": SITE + "/i.jpg", "alt": f"Alt{bad}", "type": "image/jpeg"},
    )
    xml = feed.writeString("utf-8")
    parsed = feedparser.parse(xml.encode())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "Feed"
    assert parsed.entries[0].title == "Item"
    assert parsed.entries[0].authors[0].name == "Name"


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("route", ["feed", "section-feed", "author-feed", "tag-feed"])
def test_query_budget(client, django_assert_max_num_queries, settings, kind, route):
    """A fixed number of queries whatever the number of articles, authors and tags."""
    settings.FEED_ITEMS = 30
    section = SectionFactory(name="Busy")
    writer = AuthorFactory()
    for number in range(35):
        ArticleFactory(
            section=section,
            authors=[writer, AuthorFactory()],
            tags=["Shared", f"Own {number}"],
            featured_image=image_file() if number < 3 else "",
        )
    slug = {"feed": None, "section-feed": section.slug, "author-feed": writer.slug}.get(
        route, "shared"
    )
    url = feed_url(kind, route, **({"slug": slug} if slug else {}))
    client.get(url)  # warm the site and content-type caches
    with django_assert_max_num_queries(5):
        _, parsed = parse(client, url)
    assert len(parsed.entries) == 30


OPENINGS = {
    "long plain body": "<p>" + " ".join(f"word{n}" for n in range(2000)) + "</p>",
    "a word split by inline tags at the edge": "<p>"
    + " ".join(f"w{n}<b>x</b>y" for n in range(600))
    + "</p>",
    "a big figure first": '<figure><img src="/media/'
    + "a" * 5000
    + '.jpg" alt=""></figure>'
    + "<p>"
    + " ".join(f"after{n}" for n in range(80))
    + "</p>",
    "entities and blocks": "<h2>Title</h2>" + "<p>caf&eacute; &amp; bar</p>" * 400,
    "short": "<p>Only a few words here.</p>",
    "exactly the limit": "<p>" + " ".join(["tide"] * 40) + "</p>",
}


@pytest.mark.parametrize("body", OPENINGS.values(), ids=OPENINGS.keys())
def test_descriptions_read_only_the_opening_yet_match_the_whole_body(body):
    """The feeds describe each item from the opening of its body (issue 22): the result is
    the same as stripping the whole body."""
    from django.utils.text import Truncator

    from articles.sharing import SUMMARY_WORDS, opening_text
    from newsroom.seo import plain_text

    whole = Truncator(plain_text(body)).words(SUMMARY_WORDS, truncate="…")
    opening = Truncator(opening_text(body, SUMMARY_WORDS)).words(SUMMARY_WORDS, truncate="…")
    assert opening == whole
    if body.count("<p>") > 100:  # many blocks: only the first few are read
        assert len(opening_text(body, SUMMARY_WORDS)) < len(plain_text(body)) / 5
