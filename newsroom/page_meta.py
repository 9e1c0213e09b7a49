"""What a page tells machines about itself: title, description, canonical link, share card,
feed links and JSON-LD, worked out from the page's template context.

The project only wires this together. A page about one object (an article, an author, a
book…) asks that object: anything with ``meta_title()`` and ``share_meta()`` describes
itself (``Article.share_meta()``, built in ``articles/structured_data.py``), and an app can
``register()`` an adapter for a model it does not own (taggit's ``Tag``). Lists, search and
error pages are described here. Describing a page must not query the database beyond what
the view already fetched, so the page's query budget stays fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import to_locale

from . import seo
from . import structured_data as ld

# Which view renders which kind of page; objects in the context are the fallback (previews).
# An object page's kind is the name of its object in the template context.
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
class ShareMeta:
    """What an object says about itself on its own page, beyond its title.

    ``canonical`` is set only when search engines should credit another address than the
    page's own (republished work); ``json_ld`` left as None gets the breadcrumb trail from
    the front page to this page.
    """

    description: str
    path: str
    og_type: str = "website"
    canonical: str = ""
    image: seo.ShareImage | None = None
    robots: str = ""
    og_extra: list[tuple[str, str]] = field(default_factory=list)
    twitter_creator: str = ""
    feeds: list[FeedLink] = field(default_factory=list)
    json_ld: list[dict] | None = None


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


# Adapters for models whose class an app cannot give the two methods (third-party models).
_ADAPTERS: dict[type[Model], Callable[[Model], object]] = {}


def register(model: type[Model], adapter: Callable[[Model], object]) -> None:
    """Describe ``model``'s pages through ``adapter(obj)``, which has the two methods."""
    _ADAPTERS[model] = adapter


def describer(obj):
    """``obj`` itself when it describes itself, else its registered adapter, else None."""
    if hasattr(obj, "share_meta") and hasattr(obj, "meta_title"):
        return obj
    adapter = _ADAPTERS.get(type(obj))
    return adapter(obj) if adapter is not None else None


def feed_links(name: str, route: str, **kwargs) -> list[FeedLink]:
    """An object's RSS and Atom feeds (``route`` and ``route-atom``), or none when either
    cannot be reversed (a slug the URL pattern cannot carry)."""
    try:
        return [
            FeedLink(
                f"{name} · {settings.SITE_NAME}",
                seo.absolute_url(reverse(route, kwargs=kwargs)),
                "rss",
            ),
            FeedLink(
                f"{name} · {settings.SITE_NAME} (Atom)",
                seo.absolute_url(reverse(f"{route}-atom", kwargs=kwargs)),
                "atom",
            ),
        ]
    except NoReverseMatch:
        return []


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
    if kind and _subject(context, kind) is not None:
        return kind
    for name in OBJECT_KINDS:
        if _subject(context, name) is not None:
            return name
    return "page"


def _subject(context, kind: str):
    """What describes the page's object of this kind, when the context holds one."""
    obj = context.get(kind) if kind in OBJECT_KINDS else None
    return describer(obj) if isinstance(obj, Model) else None


def _page_number(context) -> int:
    page_obj = context.get("page_obj")
    return getattr(page_obj, "number", 1) or 1


def _with_page(url: str, number: int) -> str:
    return f"{url}?page={number}" if number > 1 else url


def _search_query(context) -> str:
    return seo.xml_text(context.get("query") or "")


def _base_title(kind: str, context) -> str:
    """The page's own name, before the page number and the site name are added."""
    subject = _subject(context, kind)
    if subject is not None:
        return subject.meta_title()
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


def _site_feeds() -> list[FeedLink]:
    return [
        FeedLink(settings.SITE_NAME, seo.absolute_url(reverse("articles:feed")), "rss"),
        FeedLink(
            f"{settings.SITE_NAME} (Atom)",
            seo.absolute_url(reverse("articles:feed-atom")),
            "atom",
        ),
    ]


def _typed(feeds: list[FeedLink]) -> list[FeedLink]:
    types = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
    return [FeedLink(seo.xml_text(f.title), f.url, types[f.type]) for f in feeds]


def _description(kind: str) -> str:
    name = settings.SITE_NAME
    if kind == "books":
        return f"Books by our writers, published or recommended by {name}."
    if kind == "authors":
        return f"The reporters, editors and contributors who write for {name}."
    if kind == "search":
        return f"Search the articles of {name}."
    return settings.SITE_DESCRIPTION


def _own_path(kind: str, context) -> str:
    """The page's path as the site names it (not as the request spelled it)."""
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
    subject = _subject(context, kind)
    share = subject.share_meta() if subject is not None else None
    path = share.path if share is not None else _own_path(kind, context)
    base_url = seo.absolute_url(path) if path else ""
    url = _with_page(base_url, number) if base_url else ""

    og_title = seo.xml_text(_base_title(kind, context)) or settings.SITE_NAME
    meta = PageMeta(
        title=page_title(context),
        og_title=og_title,
        description=share.description if share is not None else _description(kind),
        canonical=url,
        url=url,
        image=seo.default_share_image(),
        feeds=_typed(_site_feeds() + (share.feeds if share is not None else [])),
    )
    if share is not None:
        meta.og_type = share.og_type
        meta.canonical = share.canonical or meta.canonical
        meta.image = share.image or meta.image
        meta.robots = share.robots
        meta.og_extra = share.og_extra
        meta.twitter_creator = share.twitter_creator
        if share.json_ld is not None:
            meta.json_ld = share.json_ld
        elif base_url:
            meta.json_ld = [ld.breadcrumbs([ld.home_crumb(), (og_title, base_url)])]
    elif kind in {"books", "authors"} and base_url:
        meta.json_ld = [ld.breadcrumbs([ld.home_crumb(), (og_title, base_url)])]
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
