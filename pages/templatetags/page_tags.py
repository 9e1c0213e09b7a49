"""The links to pages placed in the main navigation and the footer.

Both lists come from one query, kept as a fragment for the content generation
(caching/fragments.py), so every public page pays at most that one query for them.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from caching import fragments

from ..models import Page

register = template.Library()


def _placed_pages() -> dict[str, list[tuple[str, str]]]:
    placed: dict[str, list[tuple[str, str]]] = {"navigation": [], "footer": []}
    live = Page.objects.live().with_ancestors().exclude(placement="")
    for page in live.order_by("position", "title"):
        placed[page.placement].append((page.title, page.get_absolute_url()))
    return placed


def placed_pages_for(request, placement: str) -> list[tuple[str, str]]:
    """``(title, url)`` of the live pages in ``placement`` ("navigation" or "footer").

    Kept on the request too, so the navigation and the footer of one page share the one
    query even when fragments are not cached.
    """
    placed = getattr(request, "_placed_pages", None)
    if placed is None:
        placed = fragments.get_or_build(request, "placed-pages", (), _placed_pages)
        if request is not None:
            request._placed_pages = placed
    return placed.get(placement, [])


@register.simple_tag(takes_context=True)
def placed_pages(context, placement: str) -> list[tuple[str, str]]:
    return placed_pages_for(context.get("request"), placement)


@register.simple_tag(takes_context=True)
def footer_pages(context) -> str:
    """The footer's links to placed pages: a part of assembled pages (caching/assembly.py)."""
    request = context.get("request")
    path = request.path if request else ""
    # Marked as current only on a page placed there: one variant per placed page.
    placed = {url for _title, url in placed_pages_for(request, "footer")}
    current = path if path in placed else ""
    return mark_safe(fragments.part(request, "footer-pages", (current,)))


@fragments.register_part("footer-pages")
def _footer_pages(current: str = "") -> str:
    return render_to_string(
        "includes/_footer_pages.html",
        {"pages": placed_pages_for(fragments.part_request(), "footer"), "current_path": current},
    )
