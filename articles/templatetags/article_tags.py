"""Template tags for the reader site: navigation, bylines, Recent Articles, pagination.

The navigation and Recent Articles run one query each when they are rendered, and are
shared fragments (caching/fragments.py): with the fragment cache on, a page that finds them
stored runs none. Both cases are pinned in the query budgets (tests/perf).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.models import Article, Byline, Section
from caching import fragments
from caching import tags as cache_tags
from pages.templatetags.page_tags import placed_pages_for

register = template.Library()


@register.simple_tag(takes_context=True)
def section_nav(context):
    """The site navigation: home, every section in order, Our Books, then the pages placed
    in the navigation (pages/).

    A part of assembled pages (caching/assembly.py), rendered for each page it can mark as
    current (a section, the home page, the books page, a page placed in it) and once for all
    other pages: which those are is decided from the address (and the placed pages), so the
    page itself reads no sections.
    """
    request = context.get("request")
    path = request.path if request else ""
    return mark_safe(fragments.part(request, "nav", (_nav_candidate(path),)))


_NAV_ROUTES = frozenset({"articles:section", "articles:home", "books:list", "pages:detail"})


def _nav_candidate(path: str) -> str:
    """``path`` if it is the address of a page the navigation may mark, else ""."""
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    if match.view_name == "pages:detail":
        # Any unknown address resolves here too: only a page placed in the navigation may be
        # marked, so the part has one variant per placed page, not one per address asked for.
        placed = {url for _title, url in placed_pages_for(fragments.part_request(), "navigation")}
        return path if path in placed else ""
    return path if match.view_name in _NAV_ROUTES else ""


@fragments.register_part("nav")
def _nav(candidate: str) -> str:
    sections = fragments.get_or_build(None, "nav-sections", (), _nav_sections)
    nav_pages = placed_pages_for(fragments.part_request(), "navigation")
    links = {url for _n, url in sections} | {url for _t, url in nav_pages} | _fixed_nav_urls()
    current = candidate if candidate in links else ""
    return render_to_string(
        "includes/_section_nav.html",
        {"sections": sections, "current_path": current, "nav_pages": nav_pages},
    )


def _nav_sections() -> list[tuple[str, str]]:
    return [
        (section.name, section.get_absolute_url())
        for section in Section.objects.only("name", "slug").order_by("position", "name")
    ]


def _fixed_nav_urls() -> set[str]:
    return {reverse("articles:home"), reverse("books:list")}


@register.filter
def datetime_attr(value) -> str:
    """A ``<time datetime>`` value: ISO 8601 in the site's time zone, to the second.

    HTML allows at most three digits of fractions; Django's ``date:"c"`` prints six.
    """
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@dataclass
class BylineGroup:
    """Consecutive bylines that share a role: "By A and B", "Translated by C"."""

    role: str
    label: str
    is_plain: bool
    bylines: list[Byline] = field(default_factory=list)


@register.filter
def byline_groups(article: Article) -> list[BylineGroup]:
    """The byline in order, grouped where neighbouring credits share a role."""
    groups: list[BylineGroup] = []
    for byline in article.bylines.all():
        if not groups or groups[-1].role != byline.role:
            groups.append(BylineGroup(byline.role, byline.get_role_display(), byline.is_plain, []))
        groups[-1].bylines.append(byline)
    return groups


@register.simple_tag(takes_context=True)
def recent_articles(context, article: Article | None = None, heading_id: str = "recent-articles"):
    """The latest live articles other than ``article`` (RECENT_ARTICLES_COUNT of them).

    One more than shown is rendered once for every page (a shared fragment); each page
    leaves itself out. A part of assembled pages (caching/assembly.py): a publication
    renders the cards again once, and each page's list from them, not the page.
    """
    request = context.get("request")
    count = settings.RECENT_ARTICLES_COUNT
    exclude = article.pk if article is not None else None
    if exclude is not None and fragments.enabled() and not _among_recent(count, exclude):
        exclude = None  # the list every older article's page shows: one part, not 2,000
    args = (count, exclude, heading_id)
    return mark_safe(fragments.part(request, "recent-articles", args))


def _among_recent(count: int, pk: int) -> bool:
    """Whether article ``pk`` is among the stories Recent Articles could show. If not, its
    page shows the same list as every other older article's; that stays true while newer
    stories are published (it only moves down), until a story leaves the list or a date
    changes: the page records those two tags, not the list's."""
    with cache_tags.isolated():  # what the page reads here is the decision, below
        cards = fragments.get_or_build(
            None, "recent-cards", (count,), lambda: _recent_cards(count + 1)
        )
    if any(card_pk == pk for card_pk, _html in cards):
        return True  # leaving itself out is right whatever the list becomes
    cache_tags.record(
        {cache_tags.leave_tag(Article), cache_tags.field_tag(Article, "published_at")}
    )
    return False


@fragments.register_part("recent-articles", derived=True, edge=True)
def _recent_articles(count: int, exclude: int | None, heading_id: str) -> str:
    cards = fragments.get_or_build(None, "recent-cards", (count,), lambda: _recent_cards(count + 1))
    chosen = [html for pk, html in cards if pk != exclude][:count]
    if not chosen:
        return ""
    return render_to_string(  # rendered (and escaped) by the template
        "includes/_recent_articles.html", {"cards": chosen, "heading_id": heading_id}
    )


def _recent_cards(limit: int) -> list[tuple[int, str]]:
    articles = Article.objects.live().defer("search_vector").select_related("section")
    template = get_template("includes/_mini_card.html")
    return [(item.pk, template.render({"item": item})) for item in articles[:limit]]


@register.simple_tag
def page_links(page_obj, on_each_side: int = 1, on_ends: int = 1):
    """Page numbers around the current one, with "…" gaps, for the pagination bar."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )
