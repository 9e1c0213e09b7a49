"""Search over live articles: headline, standfirst, body, author names and tags.

On PostgreSQL it is full-text search: a weighted ``search_vector`` column (headline A;
standfirst, tags and authors B; body C) kept up to date by ``update_search_vectors()``
(called from articles/signals.py), a GIN index (migration 0002), ``websearch_to_tsquery``
for what readers type, ``ts_rank`` for order (within the newest ``SEARCH_CANDIDATES``
matches only) and ``ts_headline`` for highlighted snippets.

On SQLite (development, small sites) every word must appear, case-insensitively, in one of
the same fields; results are newest first.

Either way the query is cleaned first (control characters and NUL removed, at most
``MAX_QUERY_CHARS`` characters and ``MAX_TERMS`` words), only ``Article.objects.live()`` is
searched, and snippets are escaped: only our own ``<mark>`` tags reach the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import InvalidPage
from django.db import connections, router
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from taggit.models import TaggedItem

from newsroom import seo

from .models import Article, Byline
from .pagination import BoundedPaginator
from .sharing import article_description

MAX_QUERY_CHARS = 200
MAX_TERMS = 20
SNIPPET_CHARS = 240

# Highlight markers ts_headline puts around matches. Private-use characters: editors do not
# type them, and they survive escaping unchanged, so they can be turned into <mark> after.
START_SEL = "\ue000"
STOP_SEL = "\ue001"
_MARKERS = re.compile(f"([{START_SEL}{STOP_SEL}])")
_WORDS = re.compile(r"\w+")


# Query ------------------------------------------------------------------------------


def normalize_query(raw: str | None) -> str:
    """What we search for: printable text, single-spaced, at most 200 characters/20 words."""
    text = seo.xml_text(raw or "").replace(START_SEL, "").replace(STOP_SEL, "")
    words = text[:MAX_QUERY_CHARS].split()[:MAX_TERMS]
    return " ".join(words)


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, lower-cased, in order (operators and quotes dropped)."""
    terms: list[str] = []
    for word in _WORDS.findall(query.lower()):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def is_postgresql() -> bool:
    return connections[router.db_for_read(Article)].vendor == "postgresql"


# Index maintenance (PostgreSQL) --------------------------------------------------------


def _plain_body():
    """The body as text inside the database: tags become spaces, entities characters.

    nh3 writes only a few named entities (&amp; &lt; &gt; &nbsp; &quot;); any other
    becomes a space. &amp; goes last so "&amp;lt;" stays the text "&lt;".
    """
    text = Func(F("body"), Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace")
    for entity, char in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&nbsp;", " ")]:
        text = Func(text, Value(entity), Value(char), function="replace")
    text = Func(
        text, Value("&(?!amp;)[#0-9a-zA-Z]+;"), Value(" "), Value("g"), function="regexp_replace"
    )
    return Func(text, Value("&amp;"), Value("&"), function="replace", output_field=TextField())


def search_vector_expression() -> SearchVector:
    """The weighted document of an article row, author names and tags via subqueries."""
    config = settings.SEARCH_CONFIG
    author_names = Subquery(
        Byline.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(names=StringAgg("author__name", delimiter=" "))
        .values("names"),
        output_field=TextField(),
    )
    tag_names = Subquery(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id=OuterRef("pk")
        )
        .order_by()
        .values("object_id")
        .annotate(names=StringAgg("tag__name", delimiter=" "))
        .values("names"),
        output_field=TextField(),
    )
    return (
        SearchVector("headline", weight="A", config=config)
        + SearchVector("dek", author_names, tag_names, weight="B", config=config)
        + SearchVector(_plain_body(), weight="C", config=config)
    )


def update_search_vectors(articles: QuerySet | Iterable[int]) -> int:
    """Recompute ``search_vector`` for the given articles (ids or a queryset of ids) in one
    UPDATE. A no-op on databases without full-text search."""
    if not is_postgresql():
        return 0
    if not isinstance(articles, QuerySet):
        articles = [pk for pk in set(articles) if pk is not None]
        if not articles:
            return 0
    return Article.objects.filter(pk__in=articles).update(search_vector=search_vector_expression())


# Searching -----------------------------------------------------------------------------


def search_articles(query: str) -> QuerySet:
    """Live articles matching ``query`` (already normalised), best first."""
    if not query:
        return Article.objects.none()
    if is_postgresql():
        return _postgresql_search(query)
    return _fallback_search(query)


def _postgresql_search(query: str) -> QuerySet:
    """Two steps, so a common word costs what a rare one does: the newest
    ``SEARCH_CANDIDATES`` (+1, to tell whether there were more) matches, by the
    (status, published_at) index and the GIN index as the planner prefers, then rank only
    those. Ranking every match of "harbour" in 100,000 articles took a second."""
    config = settings.SEARCH_CONFIG
    ts_query = SearchQuery(query, search_type="websearch", config=config)
    candidates = (
        Article.objects.live()
        .filter(search_vector=ts_query)
        .order_by("-published_at", "-pk")
        .values("pk")[: settings.SEARCH_CANDIDATES + 1]
    )
    return (
        Article.objects.live()
        .filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), ts_query))
        .order_by("-rank", "-published_at", "-pk")
    )


def _postgresql_marks(articles: list[Article], query: str) -> None:
    """Give one page of results ``headline_marked`` and ``snippet_marked`` from
    ``ts_headline``, in one query over just those rows.

    Annotating the ranked query instead made PostgreSQL run ``ts_headline`` over every row
    an OFFSET skips: ``?page=last`` of a common word took seconds.
    """
    if not articles:
        return
    config = settings.SEARCH_CONFIG
    ts_query = SearchQuery(query, search_type="websearch", config=config)
    marks = Article.objects.filter(pk__in=[article.pk for article in articles]).values_list(
        "pk",
        SearchHeadline(
            "headline",
            ts_query,
            config=config,
            start_sel=START_SEL,
            stop_sel=STOP_SEL,
            highlight_all=True,
        ),
        SearchHeadline(
            _plain_body(),
            ts_query,
            config=config,
            start_sel=START_SEL,
            stop_sel=STOP_SEL,
            max_words=40,
            min_words=20,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )
    by_pk = {pk: (headline, snippet) for pk, headline, snippet in marks}
    for article in articles:
        article.headline_marked, article.snippet_marked = by_pk.get(article.pk, ("", ""))


def _word_prefix(term: str) -> str:
    """A word starting with ``term``: "bridge" finds "bridges", "the" does not find "other"."""
    return rf"\b{re.escape(term)}"


def _contains(field: str, term: str) -> Q:
    # Python's re (Django's REGEXP on SQLite) folds case for all of Unicode, unlike LIKE.
    return Q(**{f"{field}__iregex": _word_prefix(term)})


def _fallback_search(query: str) -> QuerySet:
    """Every word (as the start of a word) in the headline, standfirst, body text, an
    author's name or a tag."""
    terms = query_terms(query)
    if not terms:
        return Article.objects.none()
    articles = Article.objects.live()
    for term in terms:
        by_author = Byline.objects.filter(article=OuterRef("pk")).filter(
            _contains("author__name", term)
        )
        by_tag = Article.objects.filter(pk=OuterRef("pk")).filter(_contains("tags__name", term))
        articles = articles.filter(
            _contains("headline", term)
            | _contains("dek", term)
            # In the body, only text between tags counts: "strong" must not find <strong>.
            | Q(body__iregex=rf"(?:^|>)[^<]*{_word_prefix(term)}")
            | Exists(by_author)
            | Exists(by_tag)
        )
    return articles.order_by("-published_at", "-pk")[: settings.SEARCH_CANDIDATES + 1]


# Snippets ------------------------------------------------------------------------------


def render_marked(text: str) -> SafeString:
    """Escape ``text`` and turn the highlight markers into balanced <mark> elements."""
    out: list[str] = []
    open_mark = False
    for part in _MARKERS.split(text or ""):
        if part == START_SEL:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == STOP_SEL:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif part:
            out.append(escape(part))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every text part went through escape()


def mark_terms(text: str, terms: list[str]) -> str:
    """``text`` with each word that starts with a term (any case) wrapped in markers."""
    if not terms:
        return text
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{alternatives})\w*", re.I)
    return pattern.sub(lambda m: f"{START_SEL}{m.group(0)}{STOP_SEL}", text)


def _window(text: str, terms: list[str]) -> str:
    """About SNIPPET_CHARS of ``text`` around the first matching term, cut at spaces."""
    alternatives = "|".join(re.escape(t) for t in terms)
    hit = re.search(rf"\b(?:{alternatives})", text, re.I) if terms else None
    start = max(0, hit.start() - SNIPPET_CHARS // 3) if hit else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    snippet = text[start:end]
    return ("… " if start else "") + snippet + (" …" if end < len(text) else "")


def attach_snippets(articles: Iterable[Article], query: str) -> None:
    """Give each result ``search_headline`` and ``search_snippet`` (safe, escaped HTML)."""
    terms = query_terms(query)
    for article in articles:
        if hasattr(article, "headline_marked"):  # PostgreSQL: ts_headline did the marking
            headline = article.headline_marked or article.headline
            snippet = (article.snippet_marked or "").strip()
        else:
            headline = mark_terms(article.headline, terms)
            snippet = mark_terms(_window(seo.plain_text(article.body), terms), terms)
        if not snippet.replace(START_SEL, "").replace(STOP_SEL, "").strip():
            snippet = mark_terms(article_description(article), terms)
        article.search_headline = render_marked(seo.xml_text(headline))
        article.search_snippet = render_marked(seo.xml_text(snippet))


# View ----------------------------------------------------------------------------------


def search(request):
    """``/search/?q=…&page=N``: a form, and the matching live articles, paginated.

    A page that does not exist is a 404 (``?page=last`` is the last one, as on lists); any
    query at all is answered, escaped. Results are the newest ``SEARCH_CANDIDATES`` matches,
    best first (docs/search.md says why and what comes after PostgreSQL).
    """
    raw_query = request.GET.get("q", "")
    query = normalize_query(raw_query)
    page_obj = None
    results: list[Article] = []
    if query:
        found = search_articles(query).for_listing()
        paginator = BoundedPaginator(
            found, settings.ARTICLES_PER_PAGE, max_rows=settings.SEARCH_CANDIDATES
        )
        try:
            page_obj = paginator.page_for(request.GET.get("page"))
        except InvalidPage as error:
            raise Http404("No such page of results.") from error
        results = list(page_obj.object_list)
        if is_postgresql():
            _postgresql_marks(results, query)
        attach_snippets(results, query)
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "was_shortened": query != " ".join(seo.xml_text(raw_query).split()),
            "results": results,
            "page_obj": page_obj,
            "paginator": page_obj.paginator if page_obj else None,
            "noindex": True,
        },
    )
