"""``{% picture %}``: a responsive ``<picture>`` (WebP source, JPEG fallback) for a rendition
family, with ``width``/``height`` from the stored image size and lazy loading by default.

The lead image of a page passes ``priority=True``: it is fetched eagerly with
``fetchpriority="high"`` because it is what the reader sees first.
"""

from django import template

from newsroom import renditions

register = template.Library()

FAMILIES = {
    "lead": ("featured_image", renditions.LEAD),
    "card": ("featured_image", renditions.CARD),
    "portrait": ("photo", renditions.PORTRAIT),
    "cover": ("cover", renditions.COVER),
}


@register.inclusion_tag("includes/_picture.html")
def picture(obj, family, *, alt="", sizes="100vw", priority=False, css_class=""):
    source, spec = FAMILIES[family]
    return {
        "pic": renditions.picture(obj, source, spec),
        "alt": alt,
        "sizes": sizes,
        "priority": priority,
        "css_class": css_class,
    }
