"""Shortcodes → plain HTML, or nothing, each one noted in the report.

Only WordPress can render a shortcode, so each is turned into what it showed: a caption
becomes ``<figure>``/``<figcaption>``, a gallery becomes figures of the imported images, an
embed becomes a privacy-friendly card (``embeds``), a video or an audio player becomes a
link (nothing is loaded from a provider), a pull quote becomes a blockquote. Forms and
playlists are removed; an unknown shortcode is removed with its text kept. Text that only
looks like a shortcode (``[sic]``, ``[1]``) stays, and ``[[caption]]`` is WordPress's way of
writing a literal ``[caption]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from .embeds import embed_block
from .uploads import MediaRef

if TYPE_CHECKING:
    from .content import ConversionContext

# An opening or closing shortcode tag: [name attrs], [name attrs /], [/name]. ``[youtube=URL]``
# (Jetpack's form) is accepted too. Text like [sic] or [1] is left alone unless it is closed
# by a matching [/sic] (see render_shortcodes).
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:[\s=][^\[\]]*?)?)(/?)\]")
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
    r"""|"([^"]*)"|'([^']*)'|(\S+)"""
)
_LEADING_MEDIA = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.IGNORECASE | re.DOTALL
)
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'\[\]]+")

MEDIA_URL_ATTRIBUTES = ("src", "url", "mp4", "m4v", "webm", "ogv", "mp3", "m4a", "ogg", "wav")
EMBED_NAMES = {
    "embed", "youtube", "vimeo", "tweet", "twitter", "instagram", "soundcloud", "spotify",
    "flickr", "tiktok", "bluesky",
}  # fmt: skip
DROPPED_NAMES = {"playlist", "contact-form", "contact-form-7", "wpforms", "gravityform"}


def parse_attributes(text: str) -> tuple[dict[str, str], list[str]]:
    """Shortcode attributes: named ones (lower-cased names) and positional values."""
    named: dict[str, str] = {}
    positional: list[str] = []
    text = text.strip()
    if text.startswith("="):  # [youtube=https://…]
        positional.append(text[1:].strip().strip("\"'"))
        return named, positional
    for match in _ATTRIBUTE.finditer(text):
        groups = match.groups()
        for index in (0, 2, 4):
            if groups[index]:
                named[groups[index].lower()] = groups[index + 1]
                break
        else:
            value = next(value for value in groups[6:] if value is not None)
            if value != "/":
                positional.append(value)
    return named, positional


def render_shortcodes(text: str, context: ConversionContext, depth: int = 0) -> str:
    """Replace shortcodes with HTML (or nothing); text that only looks like one stays."""
    out: list[str] = []
    position = 0
    while True:
        match = _SHORTCODE.search(text, position)
        if match is None:
            break
        start, end = match.span()
        closing, name, attribute_text, self_closing = match.groups()
        lname = name.lower()
        escaped = start > position and text[start - 1] == "[" and text[end : end + 1] == "]"
        if escaped:  # [[caption]] is how WordPress writes a literal [caption]
            out.append(text[position : start - 1])
            out.append(match.group(0))
            position = end + 1
            continue
        out.append(text[position:start])
        if closing:  # a closing tag without its opening one
            if lname in _HANDLERS or lname in EMBED_NAMES or lname in DROPPED_NAMES:
                context.note(f"a stray [/{name}] was removed")
            else:
                out.append(match.group(0))
            position = end
            continue
        inner = None
        after = end
        if not self_closing:
            closer = re.compile(r"\[/" + re.escape(name) + r"\]", re.IGNORECASE).search(text, end)
            if closer is not None:
                inner = text[end : closer.start()]
                after = closer.end()
        known = lname in _HANDLERS or lname in EMBED_NAMES or lname in DROPPED_NAMES
        looks_like_shortcode = inner is not None or self_closing or "=" in attribute_text
        if not known and not looks_like_shortcode:
            out.append(match.group(0))  # [sic], [Editor's note] and friends: plain text
            position = end
            continue
        named, positional = parse_attributes(attribute_text)
        if inner is not None and depth < 5:
            inner = render_shortcodes(inner, context, depth + 1)
        out.append(_render_one(lname, name, named, positional, inner, context))
        position = after
    out.append(text[position:])
    return "".join(out)


def _render_one(lname, name, named, positional, inner, context) -> str:
    handler = _HANDLERS.get(lname)
    if handler is not None:
        return handler(named, positional, inner, context)
    if lname in EMBED_NAMES:
        return _embed(named, positional, inner, context, name=name)
    if inner is not None:
        context.note(f"shortcode [{name}] removed; its text was kept")
        return inner
    context.note(f"shortcode [{name}] removed")
    return ""


def _caption(named, positional, inner, context) -> str:
    match = _LEADING_MEDIA.match(inner or "")
    if match is None:
        context.note("a [caption] without an image was kept as text")
        return inner or ""
    media, caption = match.group(1), match.group(2).strip()
    caption = named.get("caption", "").strip() or caption
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{media}{figcaption}</figure>\n\n"


def _figure(ref: MediaRef) -> str:
    caption = f"<figcaption>{escape(ref.caption)}</figcaption>" if ref.caption else ""
    return f'<figure><img src="{escape(ref.url)}" alt="{escape(ref.alt)}">{caption}</figure>'


def _gallery(named, positional, inner, context) -> str:
    ids = [
        int(value) for value in re.findall(r"\d+", named.get("ids", "") or named.get("include", ""))
    ]
    if not ids:
        ids = list(context.media.children.get(context.post_id, []))
    figures, missing = [], 0
    for wp_id in ids:
        ref = context.media.by_id.get(wp_id)
        if ref is None:
            missing += 1
        else:
            figures.append(_figure(ref))
    message = f"[gallery] became {len(figures)} image(s)"
    if missing:
        message += f"; {missing} image(s) of it were not imported"
    context.note(message)
    return "\n\n" + "\n".join(figures) + "\n\n" if figures else ""


def _first_url(named, positional, inner) -> str:
    for key in MEDIA_URL_ATTRIBUTES:
        if named.get(key):
            return named[key].strip()
    for value in [*positional, inner or ""]:
        found = _URL_IN_TEXT.search(value or "")
        if found:
            return found.group(0)
    return ""


def _link_paragraph(url: str, label: str) -> str:
    return f'\n\n<p><a href="{escape(url)}">{escape(label)}</a></p>\n\n'


def _embed(named, positional, inner, context, *, name="embed") -> str:
    return embed_block(_first_url(named, positional, inner), context, f"[{name}]")


def _file_link(name: str, label: str) -> Callable:
    """A handler that turns ``[name]`` (a video or audio player) into a link to its file."""

    def handler(named, positional, inner, context) -> str:
        url = _first_url(named, positional, inner)
        if not url:
            context.note(f"[{name}] without a file removed")
            return ""
        context.note(f"[{name}] became a link")
        return _link_paragraph(url, label)

    return handler


_video = _file_link("video", "Watch the video")
_audio = _file_link("audio", "Listen to the audio")


def _pullquote(named, positional, inner, context) -> str:
    return f"\n\n<blockquote>{inner or ''}</blockquote>\n\n"


_HANDLERS: dict[str, Callable] = {
    "caption": _caption,
    "wp_caption": _caption,
    "gallery": _gallery,
    "embed": _embed,
    "video": _video,
    "audio": _audio,
    "pullquote": _pullquote,
}
