"""What a page tells machines about itself: title, description, canonical link, share card,
feed links and JSON-LD, worked out from the page's template context.

Page templates hand over ``article``, ``author``, ``book``, ``section``, ``tag``,
``page_obj`` and ``request``; nothing here queries the database except the Book page's
one look-up of which authors have public pages, so the page's query budget stays fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import to_locale

from pages import sharing as pages_sharing

from . import seo
from . import structured_data as ld

# Which view renders which kind of page; objects in the context are the fallback (previews).
VIEW_KINDS = {
    "articles:home": "home",
    "articles:detail": "article",
    "articles:section": "section",
    "articles:tag": "tag",
    "articles:search": "search",
    "authors:detail": "author",
    "books:detail": "book",
    "books:list": "books",
    "authors:list": "authors",
    "pages:detail": "webpage",
}
OBJECT_KINDS = ("article", "book", "author", "section", "tag", "webpage")
LIST_KINDS = {"home", "books", "authors", "search"}


@dataclass(frozen=True)
class FeedLink:
    title: str
    url: str
    type: str


@dataclass
class PageMeta:
    title: str
    og_title: str
    description: str
    canonical: str
    url: str
    og_type: str = "website"
    robots: str = ""
    image: seo.ShareImage | None = None
    og_extra: list[tuple[str, str]] = field(default_factory=list)
    twitter_creator: str = ""
    feeds: list[FeedLink] = field(default_factory=list)
    json_ld: list[dict] = field(default_factory=list)

    site_name: str = field(default_factory=lambda: settings.SITE_NAME)
    locale: str = field(default_factory=lambda: to_locale(settings.LANGUAGE_CODE))
    twitter_site: str = field(default_factory=lambda: settings.SITE_X_HANDLE)


def page_kind(context) -> str:
    """The kind of page ("article", "home"…): from the resolved view, else from the context."""
    if context.get("exception") is not None and context.get("request_path") is not None:
        return "error"
    request = context.get("request")
    if request is None:  # the 400/500 pages render without a request (or a database)
        return "error"
    kind = VIEW_KINDS.get(_view_name(context))
    if kind in LIST_KINDS:
        return kind
    if kind and isinstance(context.get(kind), Model):
        return kind
    for name in OBJECT_KINDS:
        if isinstance(context.get(name), Model):
            return name
    return "page"


def _page_number(context) -> int:
    page_obj = context.get("page_obj")
    return getattr(page_obj, "number", 1) or 1


def _with_page(url: str, number: int) -> str:
    return f"{url}?page={number}" if number > 1 else url


def tag_url(tag) -> str:
    """The tag page's path, or "" for a slug the URL pattern cannot carry."""
    try:
        return reverse("articles:tag", kwargs={"slug": tag.slug})
    except NoReverseMatch:
        return ""


def _search_query(context) -> str:
    return seo.xml_text(context.get("query") or "")


def _base_title(kind: str, context) -> str:
    """The page's own name, before the page number and the site name are added."""
    obj = context.get(kind) if kind in OBJECT_KINDS else None
    if kind == "article":
        return obj.seo_title or obj.headline
    if kind == "author":
        return obj.name
    if kind == "book":
        return f"{obj.title}: {obj.subtitle}" if obj.subtitle else obj.title
    if kind == "section":
        return obj.name
    if kind == "webpage":
        return pages_sharing.title(obj)
    if kind == "tag":
        return f"Tagged “{obj.name}”"
    if kind == "books":
        return "Our Books"
    if kind == "authors":
        return "Our writers"
    if kind == "search":
        query = _search_query(context)
        return f"Search results for “{query}”" if query else "Search"
    if kind == "error":
        return "Page not found"
    return context.get("page_title") or ""


def page_title(context) -> str:
    """The text of the page's <title>: its name, the page number, then the site name."""
    kind = page_kind(context)
    number = _page_number(context)
    if kind == "home":
        if number == 1:
            return f"{settings.SITE_NAME}: {settings.SITE_DESCRIPTION}"
        return f"Latest stories, page {number} · {settings.SITE_NAME}"
    base = seo.xml_text(_base_title(kind, context))
    if number > 1:
        base = f"{base}, page {number}" if base else f"Page {number}"
    return f"{base} · {settings.SITE_NAME}" if base else settings.SITE_NAME


def _feeds(kind: str, context) -> list[FeedLink]:
    feeds = [
        FeedLink(settings.SITE_NAME, seo.absolute_url(reverse("articles:feed")), "rss"),
        FeedLink(
            f"{settings.SITE_NAME} (Atom)",
            seo.absolute_url(reverse("articles:feed-atom")),
            "atom",
        ),
    ]
    obj = context.get(kind)
    try:
        if kind in {"section", "author"}:
            name, args = obj.name, {"slug": obj.slug}
        elif kind == "tag":
            name, args = f"Tagged “{obj.name}”", {"slug": obj.slug}
        else:
            return _typed(feeds)
        feeds += [
            FeedLink(
                f"{name} · {settings.SITE_NAME}",
                seo.absolute_url(reverse(f"articles:{kind}-feed", kwargs=args)),
                "rss",
            ),
            FeedLink(
                f"{name} · {settings.SITE_NAME} (Atom)",
                seo.absolute_url(reverse(f"articles:{kind}-feed-atom", kwargs=args)),
                "atom",
            ),
        ]
    except NoReverseMatch:
        pass
    return _typed(feeds)


def _typed(feeds: list[FeedLink]) -> list[FeedLink]:
    types = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
    return [FeedLink(seo.xml_text(f.title), f.url, types[f.type]) for f in feeds]


def _home_crumb() -> tuple[str, str]:
    return (settings.SITE_NAME, settings.SITE_URL + "/")


def _article_meta(meta: PageMeta, article) -> None:
    meta.og_type = "article"
    meta.canonical = seo.article_canonical_url(article)
    meta.image = seo.article_image(article) or meta.image
    if not article.is_live:
        meta.robots = "noindex"  # staff previews and signed preview links
    authors = seo.unique_authors(article)
    tags = [seo.xml_text(tag.name) for tag in article.tags.all()]
    modified = seo.article_modified_at(article)
    if article.published_at:
        meta.og_extra.append(("article:published_time", article.published_at.isoformat()))
    if modified:
        meta.og_extra.append(("article:modified_time", modified.isoformat()))
    meta.og_extra += [
        ("article:author", seo.absolute_url(author.get_absolute_url())) for author in authors
    ]
    meta.og_extra.append(("article:section", seo.xml_text(article.section.name)))
    meta.og_extra += [("article:tag", name) for name in tags]
    meta.twitter_creator = next((a.x_handle for a in authors if a.x_handle), "")
    meta.json_ld = [
        ld.news_article(article, description=meta.description, image=meta.image, tags=tags),
        ld.breadcrumbs(
            [
                _home_crumb(),
                (article.section.name, seo.absolute_url(article.section.get_absolute_url())),
                (article.headline, seo.absolute_url(article.get_absolute_url())),
            ]
        ),
    ]


def _author_meta(meta: PageMeta, author) -> None:
    meta.og_type = "profile"
    meta.image = seo.author_image(author) or meta.image
    meta.twitter_creator = author.x_handle
    meta.json_ld = [
        ld.profile_page(author),
        ld.breadcrumbs([_home_crumb(), (author.name, seo.absolute_url(author.get_absolute_url()))]),
    ]


def _book_meta(meta: PageMeta, book) -> None:
    from authors.models import Author

    meta.og_type = "book"
    meta.image = seo.book_image(book) or meta.image
    linked = list(book.authors.all())
    if all(hasattr(author, "has_page") for author in linked):
        # The book view annotates each author with has_page: no extra query.
        with_pages = {author.pk for author in linked if author.has_page}
    else:
        live = Author.objects.with_live_articles().filter(pk__in=[a.pk for a in linked])
        with_pages = set(live.values_list("pk", flat=True)) if linked else set()
    if book.isbn:
        meta.og_extra.append(("book:isbn", book.isbn))
    if book.year:
        meta.og_extra.append(("book:release_date", str(book.year)))
    meta.og_extra += [
        ("book:author", seo.absolute_url(author.get_absolute_url()))
        for author in book.authors.all()
        if author.pk in with_pages
    ]
    meta.json_ld = [
        ld.book(book, authors_with_pages=with_pages),
        ld.breadcrumbs(
            [
                _home_crumb(),
                ("Our Books", seo.absolute_url(reverse("books:list"))),
                (book.title, seo.absolute_url(book.get_absolute_url())),
            ]
        ),
    ]


def _description(kind: str, context) -> str:
    obj = context.get(kind) if kind in OBJECT_KINDS else None
    name = settings.SITE_NAME
    if kind == "article":
        return seo.article_description(obj)
    if kind == "author":
        return seo.describe(obj.short_bio or f"Articles by {obj.name} for {name}.")
    if kind == "book":
        return seo.describe(obj.description or obj.subtitle or f"{obj.title}, on {name}.")
    if kind == "section":
        return seo.describe(obj.description or f"The latest {obj.name} from {name}.")
    if kind == "tag":
        return seo.describe(f"Articles tagged “{obj.name}” from {name}.")
    if kind == "webpage":
        return pages_sharing.description(obj)
    if kind == "books":
        return f"Books by our writers, published or recommended by {name}."
    if kind == "authors":
        return f"The reporters, editors and contributors who write for {name}."
    if kind == "search":
        return f"Search the articles of {name}."
    return settings.SITE_DESCRIPTION


def _own_path(kind: str, context) -> str:
    """The page's path as the site names it (not as the request spelled it)."""
    obj = context.get(kind) if kind in OBJECT_KINDS else None
    if kind == "tag":
        return tag_url(obj)
    if obj is not None:
        return obj.get_absolute_url()
    if kind == "home":
        return reverse("articles:home")
    if kind == "books":
        return reverse("books:list")
    if kind == "authors":
        return reverse("authors:list")
    if kind == "search":
        return reverse("articles:search")
    request = context.get("request")
    return getattr(request, "path", "")


def build_page_meta(context) -> PageMeta:
    """Everything the head's metadata block prints, for the page being rendered."""
    kind = page_kind(context)
    number = _page_number(context)
    path = _own_path(kind, context)
    base_url = seo.absolute_url(path) if path else ""
    url = _with_page(base_url, number) if base_url else ""
    obj = context.get(kind) if kind in OBJECT_KINDS else None

    og_title = seo.xml_text(_base_title(kind, context)) or settings.SITE_NAME
    meta = PageMeta(
        title=page_title(context),
        og_title=og_title,
        description=_description(kind, context),
        canonical=url,
        url=url,
        image=seo.default_share_image(),
        feeds=_feeds(kind, context),
    )
    if kind == "article":
        _article_meta(meta, obj)
    elif kind == "author":
        _author_meta(meta, obj)
    elif kind == "book":
        _book_meta(meta, obj)
    elif kind == "webpage":
        pages_sharing.apply(meta, obj)
    elif kind in {"section", "tag", "books", "authors"} and base_url:
        meta.json_ld = [ld.breadcrumbs([_home_crumb(), (og_title, base_url)])]
    elif kind == "home":
        meta.json_ld = [ld.website(), ld.publisher()]
    elif kind == "search":
        meta.robots = "noindex"
    elif kind == "error":
        meta.robots = "noindex"
        meta.canonical = ""
    if context.get("noindex"):
        meta.robots = "noindex"
    if "preview" in _view_name(context):  # signed or staff previews: never indexed or followed
        meta.robots = "noindex, nofollow"
    return meta


def _view_name(context) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    return getattr(match, "view_name", "") or ""
