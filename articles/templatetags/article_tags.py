"""Template tags for the reader site: navigation, bylines, Recent Articles, pagination.

The inclusion tags run one query each; their cost is counted in every page's pinned query
budget (tests/articles/test_views.py and friends).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.conf import settings
from django.utils import timezone

from articles.models import Article, Byline, Section

register = template.Library()


@register.inclusion_tag("includes/_section_nav.html", takes_context=True)
def section_nav(context):
    """The site navigation: home, every section in order, Our Books."""
    request = context.get("request")
    return {
        "sections": list(Section.objects.only("name", "slug").order_by("position", "name")),
        "current_path": request.path if request else "",
    }


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


@register.inclusion_tag("includes/_recent_articles.html")
def recent_articles(article: Article | None = None, heading_id: str = "recent-articles"):
    """The latest live articles other than ``article`` (RECENT_ARTICLES_COUNT of them)."""
    articles = Article.objects.live().defer("search_vector").select_related("section")
    if article is not None:
        articles = articles.exclude(pk=article.pk)
    return {
        "recent": list(articles[: settings.RECENT_ARTICLES_COUNT]),
        "heading_id": heading_id,
    }


@register.simple_tag
def page_links(page_obj, on_each_side: int = 1, on_ends: int = 1):
    """Page numbers around the current one, with "…" gaps, for the pagination bar."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )
