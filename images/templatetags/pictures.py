"""``{% picture %}``: a responsive ``<picture>`` (WebP source, JPEG fallback) for a rendition
family, with ``width``/``height`` from the stored image size and lazy loading by default.

The lead image of a page passes ``priority=True``: it is fetched eagerly with
``fetchpriority="high"`` because it is what the reader sees first.

Until the image's renditions have been made (a background task, images/tasks.py) the tag
prints a placeholder instead: an ``<img>`` of the same width and height whose source is an
inline SVG, so the layout does not move when the picture arrives and no link leads to a file
that does not exist yet.

The element is built in Python rather than by an included template: listing pages print
dozens of pictures, and an inclusion tag's template render cost more than everything else
the picture needs (the URLs themselves are remembered, see images/renditions.py).
"""

from urllib.parse import quote

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from images import renditions

register = template.Library()

FAMILIES = {
    "lead": ("featured_image", renditions.LEAD),
    "card": ("featured_image", renditions.CARD),
    "portrait": ("photo", renditions.PORTRAIT),
    "cover": ("cover", renditions.COVER),
}

# The page's lead image is fetched at once; every other picture when it nears the screen.
LOADING = {True: mark_safe('fetchpriority="high"'), False: mark_safe('loading="lazy"')}


def placeholder_src(width: int, height: int) -> str:
    """A flat grey SVG of the given proportions, as a ``data:`` URL (CSP allows data: images)."""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
        f'<rect width="100%" height="100%" fill="#e7e5e4"/></svg>'
    )
    return "data:image/svg+xml," + quote(svg, safe="")


@register.simple_tag
def picture(obj, family, *, alt="", sizes="100vw", priority=False, css_class=""):
    source, spec = FAMILIES[family]
    return picture_html(
        obj, source, spec, alt=alt, sizes=sizes, priority=priority, css_class=css_class
    )


@register.filter
def with_library_images(body):
    """A rich-text body with its library figures printed as pictures (images/body.py)."""
    from images.body import render_body

    return render_body(body)


def picture_html(obj, source, spec, *, alt="", sizes="100vw", priority=False, css_class=""):
    """The ``<picture>`` (or its placeholder) of ``obj.<source>`` in the family ``spec``.

    In the preview of an open form, an image chosen or uploaded there has no renditions yet:
    it is shown as the preview found it (``unsaved_pictures``, editorial/previews.py).
    """
    unsaved = getattr(obj, "unsaved_pictures", None)
    if unsaved and source in unsaved:
        src, width, height = unsaved[source]
        return format_html(
            '<img class="picture-unsaved{}" src="{}" width="{}" height="{}" alt="{}" {} '
            'decoding="async">',
            f" {css_class}" if css_class else "",
            src,
            width,
            height,
            alt,
            LOADING[bool(priority)],
        )
    pic = renditions.picture(obj, source, spec)
    if pic is None:
        return ""
    if not renditions.is_ready(obj, source):
        return format_html(
            '<img class="picture-placeholder{}" src="{}" width="{}" height="{}" alt="{}">',
            f" {css_class}" if css_class else "",
            placeholder_src(pic.width, pic.height),
            pic.width,
            pic.height,
            alt,
        )
    return format_html(
        '<picture{}><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" {} '
        'decoding="async"></picture>',
        format_html(' class="{}"', css_class) if css_class else "",
        pic.webp_srcset,
        sizes,
        pic.src,
        pic.jpeg_srcset,
        sizes,
        pic.width,
        pic.height,
        alt,
        LOADING[bool(priority)],
    )
