"""The page cache is never stale: every content change refreshes every page, a change waits
for its commit, and a scheduled article appears at its time with no cron."""

from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline
from caching import cache
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

from .site import fresh, prime

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
STATUS = cache.STATUS_HEADER


# --- invalidation ---------------------------------------------------------------------------


def publish_draft(world):
    draft = ArticleFactory(
        headline="Night buses return",
        section=world.section,
        authors=[world.author],
        tags=["transport"],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    return "Night buses return"


def edit_article(world):
    world.article.headline = "Tram line reaches the harbour at last"
    world.article.save()
    return "Tram line reaches the harbour at last"


def unpublish_article(world):
    world.article.status = Article.Status.UNPUBLISHED
    world.article.save()
    return None


def delete_article(world):
    world.article.delete()
    return None


def rename_author(world):
    world.author.name = "Ines Okafor-Lind"
    world.author.save()
    return "Ines Okafor-Lind"


def add_byline(world):
    Byline.objects.create(
        article=world.article, author=AuthorFactory(name="Tomas Varga"), position=1
    )
    return "Tomas Varga"


def retitle_book(world):
    world.book.title = "Streets of Glass and Iron"
    world.book.save()
    return "Streets of Glass and Iron"


def change_purchase_link(world):
    link = world.book.purchase_links.get()
    link.label = "Buy from the corner shop"
    link.save()
    return "Buy from the corner shop"


def rename_section(world):
    world.section.name = "Town Hall"
    world.section.save()
    return "Town Hall"


def rename_tag(world):
    tag = Tag.objects.get(slug="transport")
    tag.name = "Transit"
    tag.save()
    return "Transit"


def tag_article(world):
    world.other.tags.add("transport")
    return "Library hours grow"


def untag_article(world):
    world.article.tags.clear()
    return None


def add_correction(world):
    from articles.models import Correction

    Correction.objects.create(article=world.article, text="An earlier version misdated the vote.")
    return None  # whether and where notes show is the article template's business


# Pages each change must leave in the cache (tags it does not invalidate). An ``!r`` of a page
# here means the change's tags are too coarse; one missing means a tag was not invalidated
# and the fresh-render comparison above would fail.
SITEMAPS = {"articles sitemap", "news sitemap"}
FEEDS = {"feed", "atom feed", "section feed", "author feed", "tag feed"}
UNAFFECTED: dict[str, set[str]] = {
    "publish_draft": set(),
    "edit_article": {"authors sitemap"},
    "unpublish_article": set(),
    "delete_article": set(),
    "rename_author": SITEMAPS,
    "add_byline": SITEMAPS,
    "retitle_book": SITEMAPS | FEEDS | {"authors", "authors sitemap", "search", "section", "tag"},
    "change_purchase_link": SITEMAPS
    | FEEDS
    | {"article", "other article", "author", "authors", "authors sitemap", "books", "home"}
    | {"search", "section", "sitemap", "tag"},
    "rename_section": SITEMAPS | {"authors sitemap"},
    "rename_tag": SITEMAPS | {"authors sitemap", "books", "home", "section"},
    "tag_article": {"authors sitemap"},
    "untag_article": {"authors sitemap"},
    "add_correction": SITEMAPS
    | FEEDS
    | {"authors sitemap", "books", "home", "section", "sitemap", "tag feed"},
}

CHANGES = [
    publish_draft,
    edit_article,
    unpublish_article,
    delete_article,
    rename_author,
    add_byline,
    retitle_book,
    change_purchase_link,
    rename_section,
    rename_tag,
    tag_article,
    untag_article,
    add_correction,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_page_after_a_change_is_what_the_database_says(client, world, change):
    """After any change every page equals a fresh render, and the pages the change does not
    affect are still answered from the cache."""
    prime(client, world.urls)
    needle = change(world)
    shown, hits = [], set()
    for name, url in world.urls.items():
        response = client.get(url)
        if response.get(STATUS) == "HIT":
            hits.add(name)
        assert response.status_code == fresh(client, url).status_code, name
        if response.status_code == 200:
            assert response.content == fresh(client, url).content, name
            if needle and needle in response.content.decode():
                shown.append(name)
    if needle:
        # The change is visible somewhere, so the pages really did change.
        assert shown, f"{needle!r} appears on no page"
    assert hits >= UNAFFECTED[change.__name__], "pages the change does not affect were dropped"


@pytest.mark.parametrize(
    ("change", "pages"),
    [
        (publish_draft, ["home", "section", "tag", "author", "other article", "feed"]),
        (edit_article, ["home", "article", "section", "tag", "author", "other article", "feed"]),
        (rename_author, ["article", "author"]),
        (rename_section, ["article", "section"]),
        (rename_tag, ["article", "tag"]),
        (tag_article, ["tag"]),
    ],
    ids=lambda value: value.__name__ if callable(value) else "",
)
def test_the_change_shows_on_the_pages_that_list_it(client, world, change, pages):
    prime(client, world.urls)
    needle = change(world)
    for name in pages:
        if name not in world.urls:
            continue  # e.g. feeds before they exist
        assert needle in client.get(world.urls[name]).content.decode(), name


@pytest.mark.parametrize("change", [unpublish_article, delete_article], ids=lambda c: c.__name__)
def test_a_withdrawn_article_leaves_every_page(client, world, change):
    prime(client, world.urls)
    headline = world.article.headline
    article_url = world.urls["article"]
    change(world)
    assert client.get(article_url).status_code == 404
    for name in ["home", "section", "tag", "author", "other article", "feed"]:
        if name in world.urls:
            assert headline not in client.get(world.urls[name]).content.decode(), name


def test_a_change_made_outside_signals_is_not_seen_until_a_bump(client, world):
    """The cache really serves stored pages: the other tests would pass without one."""
    url = world.urls["article"]
    client.get(url)
    Article.objects.filter(pk=world.article.pk).update(headline="Quietly changed")
    assert "Quietly changed" not in client.get(url).content.decode()
    cache.content_changed()
    assert "Quietly changed" in client.get(url).content.decode()


def test_bump_waits_for_commit_too(client, world, django_capture_on_commit_callbacks):
    """A page rendered between a save and its commit must not outlive the commit."""
    with django_capture_on_commit_callbacks() as callbacks:
        world.article.headline = "Renamed in a transaction"
        world.article.save()
        tag = cache.tag_key(f"article:{world.article.pk}")
        version = cache.state_cache().get(tag)
    assert callbacks, "no invalidation was scheduled for the commit"
    for callback in callbacks:
        callback()
    assert cache.state_cache().get(tag) > version


def test_changes_to_unrelated_models_keep_the_cache(client, world):
    url = world.urls["home"]
    client.get(url)
    UserFactory(username="someone")
    assert client.get(url)[STATUS] == "HIT"


def test_an_edit_keeps_the_lists_it_is_not_in(client, world):
    """Another section's and another writer's pages do not show the edited article: their
    paginated lists (a bounded count, articles/pagination.py) depend on which articles they
    hold, not on every field of every article."""
    elsewhere = SectionFactory(name="Gardens")
    writer = AuthorFactory(name="Pia Lund")
    ArticleFactory(headline="Roses in December", section=elsewhere, authors=[writer])
    urls = [elsewhere.get_absolute_url(), writer.get_absolute_url()]
    for url in urls:
        client.get(url)
        assert client.get(url)[STATUS] == "HIT"
    edit_article(world)
    for url in urls:
        assert client.get(url)[STATUS] == "HIT", url
    assert "Tram line reaches the harbour" in client.get(world.urls["section"]).content.decode()


def test_a_publication_keeps_the_pages_of_other_writers(client, world):
    """An author's page lists the articles with a byline of theirs (an EXISTS on their
    bylines): a story by someone else does not change it. In the working-day data set every
    publication dropped all 50 writers' pages."""
    writer = AuthorFactory(name="Pia Lund")
    ArticleFactory(headline="Roses in December", section=world.section, authors=[writer])
    url = writer.get_absolute_url()
    client.get(url)
    assert client.get(url)[STATUS] == "HIT"
    needle = publish_draft(world)  # by the world's author
    assert client.get(url)[STATUS] == "HIT"
    assert needle in client.get(world.urls["author"]).content.decode()
    assert client.get(world.urls["author"]).content == fresh(client, world.urls["author"]).content


# --- scheduled publication ------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """A stopped "now", moved forward without sleeping; the gate and the cache both read
    timezone.now. Stopped, so that how long the requests take cannot move a test across a
    publication time (no timed tests)."""
    start = timezone.now()

    class Clock:
        offset = timedelta(0)

        def advance(self, **kwargs):
            self.offset += timedelta(**kwargs)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: start + clock.offset)
    return clock


def test_a_scheduled_article_appears_at_its_time(client, world, clock):
    scheduled = ArticleFactory(
        headline="Harbour festival begins",
        section=world.section,
        authors=[world.author],
        tags=["transport"],
        published_at=timezone.now() + timedelta(minutes=5),
    )
    urls = {name: world.urls[name] for name in ["home", "section", "tag", "author", "feed"]}
    prime(client, urls)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    for url in urls.values():
        assert "Harbour festival begins" not in client.get(url).content.decode()

    clock.advance(minutes=4, seconds=59)
    assert client.get(urls["home"])[STATUS] == "HIT"

    clock.advance(seconds=2)  # past the publication time; nothing was saved
    for name, url in urls.items():
        response = client.get(url)
        assert response[STATUS] == "MISS", name
        assert "Harbour festival begins" in response.content.decode(), name
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_the_next_scheduled_article_is_watched_after_the_first(client, world, clock):
    for minutes, headline in [(5, "First of two"), (10, "Second of two")]:
        ArticleFactory(
            headline=headline,
            section=world.section,
            authors=[world.author],
            published_at=timezone.now() + timedelta(minutes=minutes),
        )
    home = world.urls["home"]
    client.get(home)
    clock.advance(minutes=6)
    assert "First of two" in client.get(home).content.decode()
    assert client.get(home)[STATUS] == "HIT"
    clock.advance(minutes=5)
    assert "Second of two" in client.get(home).content.decode()


def test_no_schedule_means_no_query_per_hit(client, world, django_assert_num_queries):
    home = world.urls["home"]
    client.get(home)
    with django_assert_num_queries(0):
        assert client.get(home)[STATUS] == "HIT"


# --- assembled pages (caching/assembly.py) --------------------------------------------------


def _own_tags(url: str) -> frozenset[str]:
    from caching import middleware

    entry = cache.page_cache().get(middleware.page_key_for_path(url))
    return entry.own_tags


def test_a_publication_refreshes_recent_articles_not_the_other_articles(
    client, world, django_assert_max_num_queries
):
    """Publishing a story renders Recent Articles again, once, and leaves the own part of
    every other article page stored: no view, no article template, at most the one query
    of the shared cards."""
    third = ArticleFactory(headline="Ferry timetable changes", section=world.section)
    urls = [world.urls["article"], world.urls["other article"], third.get_absolute_url()]
    cache.content_changed()
    for url in urls:
        client.get(url)
        assert client.get(url)[STATUS] == "HIT"
    assert "articles:list" not in _own_tags(urls[0])  # Recent Articles' tag, not the page's
    publish_draft(world)
    for index, url in enumerate(urls):
        with django_assert_max_num_queries(1 if index == 0 else 0):
            response = client.get(url)
        assert response[STATUS] == "PARTIAL", url
        # Only the part was rendered: not the page's own template, nor its view.
        rendered = {template.name for template in response.templates}
        assert "articles/article_detail.html" not in rendered, url
        assert "includes/_recent_articles.html" in rendered, url
        assert "Night buses return" in response.content.decode(), url
        assert response.content == fresh(client, url).content, url
        # The edge still gets the whole page with every tag of its parts.
        assert "articles:list" in response["xkey"].split(), url
        assert client.get(url)[STATUS] == "HIT", url  # stored again, assembled


def test_a_change_to_the_article_itself_renders_its_page(client, world):
    url = world.urls["article"]
    prime(client, {"article": url})
    edit_article(world)
    response = client.get(url)
    assert response[STATUS] == "MISS"
    assert response.content == fresh(client, url).content


def test_a_part_refreshed_by_one_page_is_shared_by_the_next(
    client, world, django_assert_num_queries
):
    """A stale part is rendered alone once; the next page that shows it takes the copy."""
    retitle = "Streets of Glass and Iron"
    urls = [world.urls["article"], world.urls["other article"]]
    for url in urls:
        client.get(url)
    world.book.title = retitle
    world.book.save()
    first = client.get(urls[0])
    assert first[STATUS] == "PARTIAL"
    with django_assert_num_queries(0):
        second = client.get(urls[1])
    assert second[STATUS] == "PARTIAL"
    assert "includes/_our_books.html" not in {t.name for t in second.templates}
    assert retitle in second.content.decode()
    assert second.content == fresh(client, urls[1]).content


def test_a_part_that_cannot_be_rendered_alone_renders_the_page(client, world, monkeypatch):
    """If rendering a stale part fails, the page is rendered whole, as a miss."""
    from caching import fragments

    url = world.urls["article"]
    client.get(url)
    publish_draft(world)

    def unknown(name):
        raise KeyError(name)  # e.g. a part this process cannot render by itself

    monkeypatch.setattr(fragments, "part_builder", unknown)
    response = client.get(url)
    assert response[STATUS] == "MISS"
    assert response.content == fresh(client, url).content


def test_a_page_not_stored_still_gets_its_parts(client, world):
    """A 404 rendered while parts are collected (it shows Recent Articles) is filled in
    like a stored page, never sent with a placeholder."""
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    assert b"<!--part:" not in response.content
    assert world.article.headline in response.content.decode()
    assert response.content == fresh(client, "/articles/no-such-story/").content
