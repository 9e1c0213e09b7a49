"""Search: PostgreSQL full-text search and the SQLite fallback, through the page readers use.

Most tests run on both databases (CI runs the suite on each). Ranking, stemming and the
websearch syntax exist only on PostgreSQL; those tests carry ``postgres_only``.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article, Byline
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.html_head import Head

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="ranking, stemming and websearch syntax are PostgreSQL full-text features; "
    "SQLite runs the plain fallback, which the other tests cover",
)
SEARCH = reverse("articles:search")


def results(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return [article.headline for article in response.context["results"]]


# The basics, on both databases ---------------------------------------------------------


def test_empty_query_shows_the_form(client):
    ArticleFactory(headline="Harbour news")
    response = client.get(SEARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html and 'role="search"' in html
    assert response.context["results"] == []
    assert response.context["page_obj"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("headline", {"headline": "Lighthouse keeper retires"}),
        ("dek", {"dek": "The lighthouse keeper looks back"}),
        ("body", {"body": "<p>She kept the lighthouse for forty years.</p>"}),
    ],
)
def test_finds_words_in_each_text_field(client, field, value):
    ArticleFactory(**{"headline": "Something", "dek": "", "body": "<p>Other.</p>", **value})
    ArticleFactory(headline="Unrelated", dek="", body="<p>Nothing here.</p>")
    assert len(results(client, "lighthouse")) == 1


def test_finds_author_names_and_tags(client):
    ArticleFactory(headline="By her", authors=[AuthorFactory(name="Marguerite Saltmarsh")])
    ArticleFactory(headline="Tagged", tags=["Oyster farming"])
    ArticleFactory(headline="Neither")
    assert results(client, "saltmarsh") == ["By her"]
    assert results(client, "oyster") == ["Tagged"]


def test_every_word_must_match_somewhere(client):
    ArticleFactory(headline="Harbour bridge closes", body="<p>Traffic.</p>")
    ArticleFactory(headline="Harbour festival", body="<p>Music.</p>")
    ArticleFactory(headline="Festival by the water", tags=["Harbour"])
    assert results(client, "harbour bridge") == ["Harbour bridge closes"]
    assert sorted(results(client, "harbour festival")) == [
        "Festival by the water",
        "Harbour festival",
    ]


def test_case_does_not_matter(client):
    ArticleFactory(headline="Quayside market reopens")
    assert results(client, "QUAYSIDE Market") == ["Quayside market reopens"]


def test_words_match_from_their_start(client):
    ArticleFactory(headline="Seabirds return to the cliffs")
    ArticleFactory(headline="Bridges of the estuary")
    assert results(client, "birds") == []
    assert results(client, "bridge") == ["Bridges of the estuary"]


def test_markup_in_the_body_is_not_searched(client):
    ArticleFactory(headline="Plain", body="<p><strong>Bold</strong> claims.</p>")
    assert results(client, "strong") == []
    assert results(client, "bold") == ["Plain"]


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at": timezone.now() + timedelta(days=3)},  # scheduled
    ],
    ids=["draft", "review", "unpublished", "scheduled"],
)
def test_only_live_articles_are_found(client, state):
    ArticleFactory(headline="Secret harbour deal", **state)
    ArticleFactory(headline="Public harbour meeting")
    assert results(client, "harbour") == ["Public harbour meeting"]
    assert results(client, "secret") == []


def test_results_show_escaped_highlighted_snippets(client):
    ArticleFactory(
        headline="Harbour <b>works</b>",
        body="<p>The harbour wall &lt;img src=x onerror=alert(1)&gt; was rebuilt.</p>",
    )
    response = client.get(SEARCH, {"q": "harbour"})
    html = response.content.decode()
    (article,) = response.context["results"]
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in article.search_snippet
    assert "<mark>harbour</mark>" in article.search_snippet.lower()
    assert "&lt;b&gt;works&lt;/b&gt;" in article.search_headline
    assert "<mark>harbour</mark>" in article.search_headline.lower()


def test_results_page_is_noindex(client):
    head = Head(client.get(SEARCH, {"q": "anything"}).content.decode())
    assert head.one("robots") == "noindex"


def test_pagination_keeps_the_query(client):
    for number in range(13):
        ArticleFactory(headline=f"Tide report {number}")
    first = client.get(SEARCH, {"q": "tide"})
    assert len(first.context["results"]) == 12
    assert "?q=tide&amp;page=2" in first.content.decode()
    second = client.get(SEARCH, {"q": "tide", "page": 2})
    assert len(second.context["results"]) == 1


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc", "1e3", "99999999999999999999"])
def test_invalid_page_is_404(client, page):
    for number in range(13):
        ArticleFactory(headline=f"Tide report {number}")
    assert client.get(SEARCH, {"q": "tide", "page": page}).status_code == 404


HOSTILE_QUERIES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '"unclosed quote harbour',
    "harbour -bridge",
    "harbour OR bridge",
    "or and not",
    "a & b | c ! d <-> e",
    "harbour:* & (",
    "(((((",
    "'; DROP TABLE articles_article; --",
    "%_\\",
    "\x00harbour\x00",
    "harbour\x0b\x1f\x08",
    "\ue000harbour\ue001",
    "x" * 5000,
    "harbour " * 3000,
    "ünïcödé 港口 🚢",
    " ",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_odd_queries_get_a_fast_escaped_answer(client, query, django_assert_max_num_queries):
    ArticleFactory(headline="Harbour bridge", body="<p>The harbour bridge opened.</p>")
    # +1 since pages/: the navigation's placed pages (one query, a fragment in production).
    with django_assert_max_num_queries(6):
        response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "\x00" not in html
    assert len(response.context["query"]) <= search.MAX_QUERY_CHARS


def test_nul_byte_in_page_parameter(client):
    assert client.get(SEARCH, {"q": "harbour", "page": "1\x00"}).status_code == 404


def test_long_query_is_shortened_and_says_so(client):
    response = client.get(SEARCH, {"q": "tide " * 100})
    assert response.context["query"] == " ".join(["tide"] * search.MAX_TERMS)
    assert "shortened" in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  harbour   bridge ", "harbour bridge"),
        ("har\x00bour", "harbour"),
        ("a\x0bb", "ab"),
        ("\ue000x\ue001", "x"),
        ("w " * 50, " ".join(["w"] * 20)),
        ("y" * 500, "y" * 200),
        (None, ""),
    ],
)
def test_normalize_query(raw, expected):
    assert search.normalize_query(raw) == expected


@pytest.mark.parametrize(
    ("marked", "html"),
    [
        ("a \ue000b\ue001 c", "a <mark>b</mark> c"),
        ("<i>\ue000x\ue001</i>", "&lt;i&gt;<mark>x</mark>&lt;/i&gt;"),
        ("\ue001stray \ue000open", "stray <mark>open</mark>"),
        ("\ue000\ue000twice\ue001\ue001", "<mark>twice</mark>"),
    ],
)
def test_render_marked_escapes_and_balances(marked, html):
    assert search.render_marked(marked) == html


# Keeping the index current: the same assertions hold on both databases ---------------


def test_author_rename_is_found(client):
    writer = AuthorFactory(name="Pat Oldname")
    ArticleFactory(headline="Report", authors=[writer])
    writer.name = "Pat Newname"
    writer.save()
    assert results(client, "newname") == ["Report"]
    assert results(client, "oldname") == []


def test_tag_changes_are_found(client):
    article = ArticleFactory(headline="Report", tags=["Seagulls"])
    article.tags.add("Puffins")
    assert results(client, "puffins") == ["Report"]
    article.tags.remove("Seagulls")
    assert results(client, "seagulls") == []
    article.tags.clear()
    assert results(client, "puffins") == []


def test_tag_rename_and_delete_are_found(client):
    ArticleFactory(headline="Report", tags=["Cormorants"])
    tag = Article.tags.through.objects.get().tag
    tag.name = "Shags"
    tag.save()
    assert results(client, "shags") == ["Report"]
    tag.delete()
    assert results(client, "shags") == []


def test_byline_changes_are_found(client):
    article = ArticleFactory(headline="Report", authors=[])
    Byline.objects.create(article=article, author=AuthorFactory(name="Quinn Boatwright"))
    assert results(client, "boatwright") == ["Report"]
    article.bylines.get().delete()
    assert results(client, "boatwright") == []


def test_edited_headline_is_found(client):
    article = ArticleFactory(headline="First version")
    article.headline = "Corrected version"
    article.save()
    assert results(client, "corrected") == ["Corrected version"]
    assert results(client, "first") == []


def test_query_budget(client, django_assert_max_num_queries):
    for _ in range(30):
        ArticleFactory(
            headline="Harbour story",
            authors=[AuthorFactory(), AuthorFactory()],
            tags=["Harbour", "Boats"],
            section=SectionFactory(name="City"),
        )
    client.get(SEARCH, {"q": "harbour"})  # warm the content-type cache
    # Count, page, bylines, tags' content type, the navigation's placed pages (pages/); on
    # PostgreSQL the page's highlights.
    with django_assert_max_num_queries(6):
        response = client.get(SEARCH, {"q": "harbour", "page": 2})
    assert len(response.context["results"]) == 12


# PostgreSQL full-text search -------------------------------------------------------------


@pytest.mark.postgres
@postgres_only
class TestPostgresql:
    def test_headline_match_outranks_body_match(self, client):
        now = timezone.now()
        ArticleFactory(
            headline="Ferry news",
            body="<p>A word about the estuary.</p>",
            published_at=now - timedelta(hours=1),
        )
        ArticleFactory(
            headline="The estuary at dawn",
            body="<p>Birds.</p>",
            published_at=now - timedelta(days=5),
        )
        ArticleFactory(
            headline="Tides",
            dek="Why the estuary floods",
            body="<p>Water.</p>",
            published_at=now - timedelta(days=3),
        )
        assert results(client, "estuary") == ["The estuary at dawn", "Tides", "Ferry news"]

    def test_author_and_tag_matches_outrank_body_matches(self, client):
        ArticleFactory(headline="One", body="<p>Mentions Moorhen in passing.</p>")
        ArticleFactory(headline="Two", authors=[AuthorFactory(name="Sam Moorhen")])
        assert results(client, "moorhen") == ["Two", "One"]

    def test_stemming(self, client):
        ArticleFactory(headline="The bridges of the town")
        assert results(client, "bridge") == ["The bridges of the town"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("harbour -bridge", ["Harbour festival"]),
            ('"harbour bridge"', ["Harbour bridge closes"]),
            ("closes or festival", ["Harbour bridge closes", "Harbour festival"]),
        ],
    )
    def test_websearch_syntax(self, client, query, expected):
        ArticleFactory(headline="Harbour bridge closes")
        ArticleFactory(headline="Harbour festival")
        ArticleFactory(headline="Bridge over the harbour wall", body="<p>Stones.</p>")
        assert sorted(results(client, query)) == sorted(expected)

    def test_search_vector_is_weighted_and_current(self):
        article = ArticleFactory(
            headline="Gannet", dek="Kittiwake", body="<p>Fulmar</p>", tags=["Puffin"]
        )
        article.refresh_from_db()
        vector = article.search_vector
        assert "'gannet':1A" in vector
        assert "kittiwak" in vector and "puffin" in vector and "fulmar" in vector

    def test_gin_index_exists(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'"
            )
            (definition,) = cursor.fetchone()
        assert "gin (search_vector)" in definition

    def test_stop_words_only_find_nothing(self, client):
        ArticleFactory(headline="The and of")
        assert results(client, "the and of") == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the SQLite no-op")
def test_update_is_a_no_op_without_postgresql():
    article = ArticleFactory()
    assert search.update_search_vectors([article.pk]) == 0


@pytest.mark.postgres
@postgres_only
def test_rebuild_command_fills_missing_vectors(client):
    ArticleFactory(headline="Cormorant colony grows")
    Article.objects.update(search_vector=None)  # as after a raw import
    assert results(client, "cormorant") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "rebuilt for 1 articles" in out.getvalue()
    assert results(client, "cormorant") == ["Cormorant colony grows"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the SQLite message")
def test_rebuild_command_is_harmless_on_sqlite():
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "nothing to do" in out.getvalue()


# Bounded work at any archive size ------------------------------------------------------


def test_only_the_newest_candidates_are_ranked(client, settings):
    """A common word ranks the newest SEARCH_CANDIDATES matches, not every match; the page
    says there were more."""
    settings.SEARCH_CANDIDATES = 3
    now = timezone.now()
    for days in range(5):
        ArticleFactory(headline=f"Ferry news {days}", published_at=now - timedelta(days=days))
    response = client.get(SEARCH, {"q": "ferry"})
    assert sorted(a.headline for a in response.context["results"]) == [
        "Ferry news 0",
        "Ferry news 1",
        "Ferry news 2",
    ]
    assert response.context["paginator"].truncated
    assert "The 3 newest of many articles found" in response.content.decode()


def test_last_page_works_as_on_lists(client):
    for number in range(13):
        ArticleFactory(headline=f"Tide report {number}")
    response = client.get(SEARCH, {"q": "tide", "page": "last"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["results"]) == 1


@postgres_only
def test_highlights_are_made_for_the_page_only(client):
    """ts_headline in the ranked query ran over every row an OFFSET skipped (seconds for
    ``?page=last`` of a common word); it belongs in a query over the page's rows."""
    from django.test.utils import CaptureQueriesContext

    for number in range(13):
        ArticleFactory(headline=f"Tide report {number}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "tide", "page": 2})
    assert response.status_code == 200
    for query in queries:
        sql = query["sql"].upper()
        assert not ("OFFSET" in sql and "TS_HEADLINE" in sql), sql
    assert "<mark>Tide</mark>" in response.content.decode()
