"""Library images inside rich text: stored as a reference, printed with our renditions.

The body editor inserts ``<figure><img src="/admin/images/library/7/"></figure>`` (that
address shows staff the image while they write, images/views.py). The sanitiser
(newsroom/sanitize.py) marks such a figure ``<figure data-image-id="7">`` and keeps
``data-image-id`` on nothing else; the page prints it (``render_body``) as a ``<figure>``
with the image's renditions, ``srcset``, alt text, caption and credit — so alt text and
credit are the library's, changed in one place, and the body never holds a file's address.
"""

from __future__ import annotations

import re
from html import unescape

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

_FIGURE = re.compile(r"<figure\b([^>]*)>(.*?)</figure>", re.DOTALL | re.IGNORECASE)
_IMAGE_ID = re.compile(r'\sdata-image-id="(\d+)"')
_FIGCAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.DOTALL | re.IGNORECASE)
_IMG_SRC = re.compile(r'<img\b[^>]*\ssrc="([^"]*)"', re.IGNORECASE)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r'\salt="([^"]*)"', re.IGNORECASE)


def library_src(pk: int) -> str:
    """The address the editor shows a library image at (staff only)."""
    return reverse("images:library-image", kwargs={"pk": pk})


def _library_src_pattern() -> re.Pattern:
    try:
        sample = library_src(987654321)
    except NoReverseMatch:  # pragma: no cover - images.urls is always installed
        sample = "/admin/images/library/987654321/"
    prefix, suffix = sample.split("987654321")
    return re.compile(rf"^(?:https?://[^/]+)?{re.escape(prefix)}(\d+){re.escape(suffix)}$")


def reference_pattern(pk: int) -> str:
    """What a body contains when it embeds image ``pk`` (for usage queries)."""
    return f'data-image-id="{pk}"'


def mark_library_figures(html: str) -> str:
    """Give each figure whose image is a library image its ``data-image-id`` (idempotent).

    Runs on sanitised HTML, so attributes are double-quoted and tags well formed.
    """
    if "<figure" not in html:
        return html
    pattern = _library_src_pattern()

    def mark(match: re.Match) -> str:
        attrs, inner = match.group(1), match.group(2)
        attrs = _IMAGE_ID.sub("", attrs)
        src = _IMG_SRC.search(inner)
        found = pattern.match(src.group(1)) if src else None
        if found:
            attrs = f' data-image-id="{int(found.group(1))}"{attrs}'
        return f"<figure{attrs}>{inner}</figure>"

    return _FIGURE.sub(mark, html)


def image_ids(html: str | None) -> list[int]:
    """The library images a body embeds, in order, each once."""
    seen: list[int] = []
    for match in _FIGURE.finditer(html or ""):
        found = _IMAGE_ID.search(match.group(1))
        if found and int(found.group(1)) not in seen:
            seen.append(int(found.group(1)))
    return seen


def body_images(html: str | None) -> dict[int, object]:
    """The embedded images by id, in one query (none when the body embeds none)."""
    ids = image_ids(html)
    if not ids:
        return {}
    Image = apps.get_model("images", "Image")
    return Image.objects.in_bulk(ids)


def alt_problems(html: str | None) -> list[str]:
    """What stops a body's images going out: each image's alt text, or a missing image."""
    problems = []
    found = body_images(html)
    for number, pk in enumerate(image_ids(html), start=1):
        image = found.get(pk)
        if image is None:
            problems.append(
                f"Image {number} in the body is no longer in the library; remove it or "
                "insert another."
            )
            continue
        for message in image.alt_problems():
            problems.append(f"Image {number} in the body (“{image}”): {message}")
    # Images typed or pasted by address (not from the library) carry their own alt text.
    from images.validators import alt_text_problems

    outside = _FIGURE.sub(lambda m: "" if _IMAGE_ID.search(m.group(1)) else m.group(0), html or "")
    for number, match in enumerate(_IMG_TAG.finditer(outside), start=1):
        alt = _ALT.search(match.group(0))
        for message in alt_text_problems(unescape(alt.group(1)) if alt else "", what="this image"):
            problems.append(f"Image {number} not from the library: {message}")
    return problems


def render_body(html: str | None) -> SafeString:
    """The body as readers get it: each library figure printed with our renditions."""
    html = html or ""
    found = body_images(html)
    if not found and "data-image-id" not in html:
        return mark_safe(html)
    from images import renditions
    from images.templatetags.pictures import picture_html

    def render(match: re.Match) -> str:
        id_match = _IMAGE_ID.search(match.group(1))
        if not id_match:
            return match.group(0)
        image = found.get(int(id_match.group(1)))
        if image is None:
            return ""  # deleted from the library: print nothing rather than a broken image
        typed = _FIGCAPTION.search(match.group(2))
        caption = (
            mark_safe(typed.group(1))
            if typed and strip_tags(typed.group(1)).strip()
            else conditional_escape(image.caption)
        )
        caption = format_html('<span class="caption">{}</span>', caption) if caption else ""
        picture = picture_html(
            image,
            "file",
            renditions.LEAD,
            alt=image.alt,
            sizes="(min-width: 48rem) 44rem, 100vw",
        )
        credit = (
            format_html(
                ' <span class="credit"><span class="visually-hidden">Credit: </span>{}</span>',
                image.credit,
            )
            if image.credit
            else ""
        )
        figcaption = (
            format_html("<figcaption>{}{}</figcaption>", caption, credit)
            if caption or credit
            else ""
        )
        return format_html(
            '<figure class="story__figure" data-image-id="{}">{}{}</figure>',
            image.pk,
            picture,
            figcaption,
        )

    return mark_safe(_FIGURE.sub(render, html))


def models_with_bodies() -> list[type]:
    """Models whose ``body`` may embed library images."""
    return [apps.get_model("articles", "Article"), apps.get_model("pages", "Page")]
