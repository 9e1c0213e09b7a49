"""Shared fragments (caching/fragments.py): rendered once per content generation, reused by
every page that shows them, never stale, and harmless when the cache is away.

Every invalidation path of the page cache (tests/caching/test_invalidation.py) runs with
fragments on and compares with a render that uses neither; the tests here cover what is
particular to fragments.
"""

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import override_settings

from caching import cache, fragments, middleware
from images import renditions
from tests.factories import ArticleFactory, AuthorFactory

from .site import fresh
from .test_invalidation import add_byline, edit_article, rename_author, retitle_book

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
STATUS = cache.STATUS_HEADER


def build_counter():
    calls = []

    def build():
        calls.append(1)
        return f"built {len(calls)}"

    return calls, build


def test_a_fragment_is_built_once_per_generation(rf, world):
    calls, build = build_counter()
    request = rf.get("/")
    assert fragments.get_or_build(request, "probe", (1,), build) == "built 1"
    assert fragments.get_or_build(rf.get("/"), "probe", (1,), build) == "built 1"
    assert len(calls) == 1
    cache.content_changed()
    assert fragments.get_or_build(rf.get("/"), "probe", (1,), build) == "built 2"


def test_keys_tell_fragments_apart(rf, world):
    calls, build = build_counter()
    first = fragments.get_or_build(rf.get("/"), "probe", ("a", 1), build)
    second = fragments.get_or_build(rf.get("/"), "probe", ("a", 2), build)
    other_name = fragments.get_or_build(rf.get("/"), "other", ("a", 1), build)
    assert (first, second, other_name) == ("built 1", "built 2", "built 3")


def test_off_means_built_every_time(rf, world, settings):
    settings.FRAGMENT_CACHE_ENABLED = False
    calls, build = build_counter()
    for _ in range(3):
        fragments.get_or_build(rf.get("/"), "probe", (), build)
    assert len(calls) == 3


def test_a_release_does_not_reuse_the_old_templates_fragments(rf, world, settings):
    calls, build = build_counter()
    fragments.get_or_build(rf.get("/"), "probe", (), build)
    settings.PAGE_CACHE_VERSION = "next-release"
    assert fragments.get_or_build(rf.get("/"), "probe", (), build) == "built 2"


def test_fragments_render_when_the_cache_is_away(client, world, monkeypatch):
    class Unreachable:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache server is restarting")

        set = get

    monkeypatch.setattr(fragments, "fragment_cache", Unreachable)
    monkeypatch.setattr(
        cache, "read_state", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("away"))
    )
    response = client.get(world.urls["article"])
    assert response.status_code == 200
    assert "Recent Articles" in response.content.decode()
    assert world.book.title in response.content.decode()


@pytest.mark.parametrize(
    "source",
    [
        '{% load fragments %}{% fragment "probe" article.pk %}{{ article.headline }}'
        "{% endfragment %}",
        # Django's own tag, keyed by hand with the content_generation context variable.
        '{% load cache %}{% cache 3600 "card" article.pk content_generation %}'
        "{{ article.headline }}{% endcache %}",
    ],
    ids=["fragment tag", "cache tag with content_generation"],
)
def test_template_fragments_follow_every_change(rf, world, source):
    from articles.models import Article

    template = engines["django"].from_string(source)

    def render():
        article = Article.objects.get(pk=world.article.pk)
        return template.render({"article": article}, rf.get("/"))

    assert render() == "Tram line opens to the harbour"
    Article.objects.filter(pk=world.article.pk).update(headline="Changed without a signal")
    assert render() == "Tram line opens to the harbour"  # stored for this generation
    edit_article(world)
    assert render() == "Tram line reaches the harbour at last"


def test_the_template_tag_keeps_escaping(rf, world):
    template = engines["django"].from_string(
        '{% load fragments %}{% fragment "probe" 1 %}{{ text }}{% endfragment %}'
    )
    for _ in range(2):  # built, then from the cache
        assert template.render({"text": "<b>"}, rf.get("/")) == "&lt;b&gt;"


def test_the_template_tag_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="fragment name"):
        engines["django"].from_string("{% load fragments %}{% fragment %}x{% endfragment %}")


# --- the shared blocks on real pages --------------------------------------------------------


def test_recent_articles_leave_out_the_page_they_are_on(client, world):
    """One stored list serves every article page; each page leaves itself out."""
    article_page = fresh(client, world.urls["article"]).content.decode()
    with override_settings(PAGE_CACHE_ENABLED=False):
        own = client.get(world.urls["article"]).content.decode()
        other = client.get(world.urls["other article"]).content.decode()
    assert own == article_page
    recent_on_own = own.split('id="recent-articles"')[1]
    recent_on_other = other.split('id="recent-articles"')[1]
    assert world.other.headline in recent_on_own
    assert world.article.headline not in recent_on_own.split("</section>")[0]
    assert world.article.headline in recent_on_other.split("</section>")[0]


def test_the_navigation_marks_the_current_section_only_there(client, world):
    section_url = world.urls["section"]
    with override_settings(PAGE_CACHE_ENABLED=False):
        section_page = client.get(section_url).content.decode()
        article_page = client.get(world.urls["article"]).content.decode()
        section_again = client.get(section_url).content.decode()
    assert f'href="{section_url}" aria-current="page"' in section_page
    assert 'aria-current="page"' not in article_page.split("</nav>")[0]
    assert section_again == section_page
    # Pages the navigation does not link to share one stored navigation.
    stored = fragments.fragment_cache().get(fragments.fragment_key("nav", ("",)))
    assert stored is not None and stored[-1] in article_page


@pytest.mark.parametrize("change", [rename_author, retitle_book, edit_article])
def test_shared_blocks_follow_a_change_on_pages_the_cache_did_not_hold(client, world, change):
    """A page rendered for the first time after a change gets fresh fragments too."""
    with override_settings(PAGE_CACHE_ENABLED=False):
        client.get(world.urls["other article"])  # stores the shared fragments
        needle = change(world)
        page = client.get(world.urls["other article"]).content.decode()
    assert page == fresh(client, world.urls["other article"]).content.decode()
    assert needle in page


def test_an_author_box_is_shared_by_the_authors_articles(client, world):
    third = ArticleFactory(headline="Ferry timetable changes", authors=[world.author])
    with override_settings(PAGE_CACHE_ENABLED=False):
        client.get(world.urls["article"])
        key = fragments.fragment_key("author-box", (world.author.pk, 3))
        stored = fragments.fragment_cache().get(key)
        assert stored is not None and world.author.name in stored[-1]
        page = client.get(third.get_absolute_url()).content.decode()
    assert stored[-1] in page


def test_an_edit_keeps_other_articles_that_share_the_author_box(client, world):
    """The author box built on one article's page carries the author's tags, not that
    article's: editing the article must not drop the box, nor the pages of the author's
    other articles (in a working day, every article by the author of the story being edited)."""
    url, other = world.urls["article"], world.urls["other article"]
    client.get(url)  # the author box is built here, inside this article's page
    client.get(other)
    assert client.get(other)[STATUS] == "HIT"
    needle = edit_article(world)
    response = client.get(other)
    assert response[STATUS] in {"HIT", "PARTIAL"}  # Recent Articles shows the new headline
    assert response.content == fresh(client, other).content
    assert needle in client.get(url).content.decode()
    key = fragments.fragment_key("author-box", (world.author.pk, 3))
    assert f"article:{world.article.pk}" not in fragments.fragment_cache().get(key)[1]


def test_a_card_follows_a_byline_added_to_its_article(client, world):
    """A card shows the bylines loaded on its article: their list's tags come with it."""
    home = world.urls["home"]
    client.get(home)
    needle = add_byline(world)
    assert needle in client.get(home).content.decode()
    assert client.get(home).content == fresh(client, home).content


@pytest.mark.parametrize("corrected", [False, True], ids=["plain", "with a correction"])
def test_a_warm_article_page_runs_only_its_own_queries(
    client, world, corrected, django_assert_max_num_queries
):
    """With the shared fragments stored, an article page without the page cache queries
    only for the article itself: the article, its bylines and tags, and its corrections
    when it has any."""
    from articles.models import Correction

    for _ in range(3):
        ArticleFactory(authors=[AuthorFactory()], tags=["harbour", "ferries"])
    if corrected:
        Correction.objects.create(article=world.article, text="The vote was on Tuesday.")
    with override_settings(PAGE_CACHE_ENABLED=False):
        client.get(world.urls["other article"])  # the fragments every article shares
        client.get(world.urls["article"])  # and this article's author box
        with django_assert_max_num_queries(4 if corrected else 3):
            response = client.get(world.urls["article"])
    assert response.content == fresh(client, world.urls["article"]).content
    assert ("The vote was on Tuesday." in response.content.decode()) is corrected


# --- tracking parameters --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["utm_source=newsletter&utm_medium=email", "fbclid=IwAR0abc", "gclid=xyz&mc_eid=1"]
)
def test_tracking_parameters_share_the_cached_page(client, world, query):
    url = world.urls["article"]
    assert client.get(url)[cache.STATUS_HEADER] == "MISS"
    response = client.get(f"{url}?{query}")
    assert response[cache.STATUS_HEADER] == "HIT"
    assert response.status_code == 200


def test_parameters_a_page_reads_still_make_a_new_page(client, world):
    home = world.urls["home"]
    client.get(f"{home}?page=1")
    assert client.get(f"{home}?page=1&utm_campaign=spring")[cache.STATUS_HEADER] == "HIT"
    assert client.get(f"{home}?page=1&ref=x")[cache.STATUS_HEADER] == "MISS"


def test_cache_path_keeps_what_pages_read(rf):
    path = middleware.cache_path(rf.get("/search/?q=tram&utm_source=x&fbclid=y&page=2"))
    assert path == "/search/?q=tram&page=2"
    assert middleware.cache_path(rf.get("/?utm_source=x")) == "/"


# --- remembered rendition URLs --------------------------------------------------------------


def test_picture_urls_follow_the_media_url(world, settings, tmp_path):
    from tests.factories import image_file

    article = ArticleFactory()
    upload = image_file(name="harbour.jpg", size=(1200, 800))
    article.featured_image.save("harbour.jpg", upload, save=True)
    first = renditions.picture(article, "featured_image", renditions.CARD)
    assert renditions.picture(article, "featured_image", renditions.CARD) is first  # memo
    settings.MEDIA_URL = "/uploads/"
    moved = renditions.picture(article, "featured_image", renditions.CARD)
    assert moved.src.startswith("/uploads/")
    assert not first.src.startswith("/uploads/")
