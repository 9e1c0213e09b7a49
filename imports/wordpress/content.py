"""WordPress post content → the clean HTML our article bodies hold.

WordPress stores classic-editor posts as text in which a blank line means a new paragraph
and a single line break means ``<br>``, with shortcodes (``[caption]``, ``[gallery]``,
``[embed]``…) that only WordPress can render. Block-editor posts are real HTML between
``<!-- wp:… -->`` comments. Both go through the same steps:

1. shortcodes are rendered to plain HTML (a caption becomes ``<figure>``/``<figcaption>``,
   a gallery becomes figures, an embed or a video becomes a link), or removed with their text
   kept; each one is noted in the report;
2. paragraphs are made from blank lines wherever text is not already inside a block element;
3. the result goes through the site's one sanitiser (``newsroom.sanitize.sanitize_html``), so
   scripts, event handlers, ``javascript:`` links and styles are gone;
4. links and images are pointed at their new homes: images from the old uploads folder at
   our stored copies (with alt text from the media library when the post had none), links to
   the old site made relative so the redirects the import creates answer them.

A closing "This article was originally published at <a>…</a>." sentence is recognised by
``extract_attribution`` and turned into the article's source fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import strip_tags

from newsroom.sanitize import sanitize_html
from newsroom.validators import validate_alt_text

UPLOADS_MARKER = "/wp-content/uploads/"
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated|e\d{10,})(?=\.[A-Za-z0-9]+$)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


# --- plain text --------------------------------------------------------------------------------


def clean_text(value: str | None) -> str:
    """Markup-free, single-spaced text from a WordPress title, name or excerpt."""
    text = unescape(strip_tags(unescape(value or "")))
    text = _CONTROL.sub("", text).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def usable_alt(value: str | None) -> str:
    """``value`` as alt text if it describes something (see validate_alt_text), else ''."""
    text = clean_text(value)
    if not text or len(text) > 300:
        return ""
    try:
        validate_alt_text(text)
    except ValidationError:
        return ""
    return text


# --- uploads -----------------------------------------------------------------------------------


def upload_path(url: str, site_hosts: frozenset[str] = frozenset()) -> str | None:
    """The path of a file under the old uploads folder (``2021/07/pic.jpg``), or None.

    Only URLs of the old site itself (or relative ones, or Jetpack's ``i0.wp.com`` copies)
    count: an image hot-linked from another WordPress site is not ours to import.
    """
    parts = urlsplit(unescape(url or "").strip())
    host = (parts.hostname or "").lower()
    if host and host not in site_hosts and not host.endswith(".wp.com"):
        return None
    path = unquote(parts.path)
    index = path.find(UPLOADS_MARKER)
    if index < 0:
        return None
    relative = path[index + len(UPLOADS_MARKER) :].strip("/")
    return relative or None


def original_upload_path(path: str) -> str:
    """The main file of a WordPress size variant (``pic-300x200.jpg`` → ``pic.jpg``)."""
    return _SIZE_SUFFIX.sub("", path)


@dataclass(frozen=True)
class MediaRef:
    """An imported image: where our copy is, and what the media library said about it."""

    url: str
    name: str = ""  # the storage name; '' in a dry run, when nothing was stored
    alt: str = ""
    caption: str = ""
    credit: str = ""


class MediaLookup:
    """Finds our copy of an old upload by attachment ID or by its path under uploads."""

    def __init__(self):
        self.by_id: dict[int, MediaRef] = {}
        self.by_path: dict[str, MediaRef] = {}
        self.by_original: dict[str, MediaRef] = {}
        self.children: dict[int, list[int]] = {}

    def add(self, ref: MediaRef, *, wp_id: int | None = None, path: str = "", parent: int = 0):
        if wp_id is not None:
            self.by_id[wp_id] = ref
            if parent:
                self.children.setdefault(parent, []).append(wp_id)
        if path:
            self.by_path[path] = ref
            self.by_original.setdefault(original_upload_path(path), ref)

    def find_path(self, path: str | None) -> MediaRef | None:
        """Our copy of ``path``, or of the original a size variant was made from."""
        if not path:
            return None
        original = original_upload_path(path)
        return (
            self.by_path.get(path)
            or self.by_path.get(original)
            or self.by_original.get(path)
            or self.by_original.get(original)
        )


# --- the conversion ----------------------------------------------------------------------------


@dataclass
class ConversionContext:
    """What converting one post needs from the import, and the notes it leaves."""

    media: MediaLookup = field(default_factory=MediaLookup)
    site_hosts: frozenset[str] = frozenset()
    post_id: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


def convert_content(raw: str | None, context: ConversionContext) -> str:
    """WordPress post content → sanitised HTML for ``Article.body``."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = render_shortcodes(text, context)
    html = tidy(sanitize_html(autop(text)))
    return rewrite_links(html, context)


_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>|&nbsp;|\u00a0)*</p>")
# Emphasis the sanitiser re-opened between two paragraphs, holding only a line break.
_EMPTY_INLINE = re.compile(r"<(em|strong|i|b|u|s|small|mark|sub|sup)>\s*</\1>")
_PRE_BLOCK = re.compile(r"(<pre>.*?</pre>)", re.DOTALL)
_BLANK_LINES = re.compile(r"\n\s*\n")


def tidy(html: str) -> str:
    """Drop the empty paragraphs and blank lines left where removed elements were."""
    html = _EMPTY_PARAGRAPH.sub("", _EMPTY_INLINE.sub("", html))
    parts = _PRE_BLOCK.split(html)
    return "".join(
        part if index % 2 else _BLANK_LINES.sub("\n", part) for index, part in enumerate(parts)
    ).strip()


# --- shortcodes --------------------------------------------------------------------------------

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
EMBED_NAMES = {"embed", "youtube", "vimeo", "tweet", "twitter", "instagram", "soundcloud"}
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
    url = _first_url(named, positional, inner)
    if not url:
        context.note(f"shortcode [{name}] without a URL removed")
        return ""
    context.note(f"[{name}] became a link")
    return _link_paragraph(url, url)


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


# --- paragraphs --------------------------------------------------------------------------------

_TOKEN = re.compile(r"(<!--.*?-->|<!\[CDATA\[.*?\]\]>|</?[A-Za-z][^<>]*>|<![^<>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"^</?([A-Za-z][A-Za-z0-9]*)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "colgroup", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "iframe", "legend",
        "li", "main", "math", "menu", "nav", "noscript", "object", "ol", "p", "pre",
        "script", "section", "style", "summary", "svg", "table", "tbody", "td", "template",
        "textarea", "tfoot", "th", "thead", "tr", "ul", "video", "audio", "canvas",
    }
)  # fmt: skip
# Blocks whose loose text is made into paragraphs (everything else holds inline content).
FLOW_TAGS = frozenset(
    {"article", "aside", "blockquote", "details", "div", "footer", "header", "main", "nav",
     "section", "form", "fieldset", "dialog"}
)  # fmt: skip
# Content passed through untouched (the sanitiser removes script, style and the rest).
RAW_TAGS = frozenset({"pre", "script", "style", "textarea", "svg", "math", "template"})
VOID_TAGS = frozenset({"hr", "br", "img", "input", "meta", "link", "source", "wbr", "col"})


def autop(text: str) -> str:
    """Wrap loose text in ``<p>``: blank lines end paragraphs, single newlines become ``<br>``.

    Text inside a block that holds inline content (``<p>``, ``<li>``, ``<h2>``, ``<td>``…) is
    left as it is, and ``<pre>`` is never touched, so content that is already HTML (block
    editor posts) passes through unchanged.
    """
    out: list[str] = []
    paragraph: list[tuple[str, str]] = []  # ("text" | "tag", value)
    stack: list[str] = []  # open block elements
    raw_until: str | None = None

    def in_flow() -> bool:
        return not stack or stack[-1] in FLOW_TAGS

    def flush() -> None:
        if not paragraph:
            return
        parts = list(paragraph)
        paragraph.clear()
        # Trim the paragraph's outer whitespace, then turn inner newlines into <br>.
        while parts and parts[0][0] == "text" and not parts[0][1].strip():
            parts.pop(0)
        while parts and parts[-1][0] == "text" and not parts[-1][1].strip():
            parts.pop()
        if not parts:
            return
        if parts[0][0] == "text":
            parts[0] = ("text", parts[0][1].lstrip())
        if parts[-1][0] == "text":
            parts[-1] = ("text", parts[-1][1].rstrip())
        body = "".join(
            value.replace("\n", "<br>\n") if kind == "text" else value for kind, value in parts
        )
        out.append(f"<p>{body}</p>\n")

    for token in _TOKEN.split(text):
        if not token:
            continue
        is_tag = _TOKEN.fullmatch(token) is not None
        if raw_until is not None:
            out.append(token)
            if is_tag and token.lower().startswith(f"</{raw_until}"):
                if stack and stack[-1] == raw_until:
                    stack.pop()
                raw_until = None
                if in_flow():
                    out.append("\n")
            continue
        if not is_tag:
            if not in_flow():
                out.append(token)
                continue
            pieces = _BLANK_LINE.split(token)
            paragraph.append(("text", pieces[0]))
            for piece in pieces[1:]:
                flush()
                paragraph.append(("text", piece))
            continue
        if token.startswith("<!"):
            continue  # comments (<!--more-->, block editor markers) and doctype-like junk
        name_match = _TAG_NAME.match(token)
        name = name_match.group(1).lower() if name_match else ""
        if name not in BLOCK_TAGS:
            if in_flow():
                paragraph.append(("tag", token))
            else:
                out.append(token)
            continue
        closing = token.startswith("</")
        if in_flow():
            flush()
        out.append(token)
        if closing:
            if name in stack:
                while stack and stack.pop() != name:
                    pass
            if in_flow():
                out.append("\n")
        elif name not in VOID_TAGS and not token.rstrip(">").endswith("/"):
            stack.append(name)
            if name in RAW_TAGS:
                raw_until = name
    if in_flow():
        flush()
    return "".join(out).strip()


# --- links and images --------------------------------------------------------------------------

_LINK_OR_IMAGE = re.compile(r"<(a|img)\b([^>]*)>", re.IGNORECASE)
_HTML_ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def _attributes(text: str) -> list[list[str]]:
    return [[name.lower(), unescape(value or "")] for name, value in _HTML_ATTRIBUTE.findall(text)]


def _tag(name: str, attributes: list[list[str]]) -> str:
    rendered = "".join(f' {key}="{escape(value)}"' for key, value in attributes)
    return f"<{name}{rendered}>"


def site_relative(url: str, site_hosts: frozenset[str]) -> str | None:
    """A link to the old site as a path on ours (``/2021/07/27/slug/``), or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in site_hosts:
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def rewrite_links(html: str, context: ConversionContext) -> str:
    """Point old uploads at our copies and old-site links at our paths; fix image alt text."""

    def replace(match: re.Match) -> str:
        name = match.group(1).lower()
        attributes = _attributes(match.group(2))
        url_key = "src" if name == "img" else "href"
        values = dict(attributes)
        ref = None
        url = values.get(url_key, "")
        if url:
            ref = context.media.find_path(upload_path(url, context.site_hosts))
            if ref is not None:
                new_url = ref.url
            elif upload_path(url, context.site_hosts):
                # Kept absolute: the old server may still answer while the move settles.
                new_url = url
                context.note(f"{url} is not among the imported images; the old URL was kept")
            else:
                new_url = site_relative(url, context.site_hosts) or url
            for pair in attributes:
                if pair[0] == url_key:
                    pair[1] = new_url
        if name == "img":
            attributes = _fix_alt(attributes, ref, context)
        return _tag(name, attributes)

    return _LINK_OR_IMAGE.sub(replace, html)


def _fix_alt(attributes, ref: MediaRef | None, context: ConversionContext):
    values = dict(attributes)
    alt = values.get("alt", "").strip()
    if alt and not usable_alt(alt):
        context.note(f"alt text “{alt}” does not describe the image and was replaced")
        alt = ""
    if not alt and ref is not None and ref.alt:
        alt = ref.alt
    if not alt:
        context.note("an image in the body has no alt text")
    attributes = [pair for pair in attributes if pair[0] != "alt"]
    attributes.append(["alt", alt])
    return attributes


# --- "originally published at" -----------------------------------------------------------------

_LAST_PARAGRAPH = re.compile(r"<p>((?:(?!<p>).)*?)</p>\s*\Z", re.DOTALL)
_WRAPPER = re.compile(r"\A\s*<(em|i|strong|b|small)>((?:(?!</\1>).)*)</\1>\s*\Z", re.DOTALL)
_SENTENCE_START = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?]</em>)|(?<=[.!?]</i>)|(?<=[.!?]</b>))\s+|<br>\s*"
)
_EMPHASIS_OPEN = r"(?:<(?:em|i|strong|b|small)>\s*)?"
_EMPHASIS_CLOSE = r"(?:</(?:em|i|strong|b|small)>)?"
_ATTRIBUTION = re.compile(
    r"\A"
    + _EMPHASIS_OPEN
    + r"(?i:(?:(?:this|the)\s+(?:article|story|piece|post|report|essay|column|interview|"
    r"analysis|commentary|op-ed)\s+(?:(?:was|is|has\s+been)\s+)?)?(?:originally|first)\s+"
    r"(?:published|appeared|ran)\s+(?:at|in|on|by|with)\s+)"
    r"(?:(?P<link><a\b(?:[^>]*?\bhref=\"(?P<url>[^\"]*)\")?[^>]*>(?P<name>.*?)</a>)"
    r"|(?P<plain>[^\W\d_a-z][^<]{0,149}?))"
    r"(?P<tail>,?\s+(?i:and\s+(?:is\s+)?)?(?i:republished|reprinted|reproduced|shared)\b[^<]*?)?"
    r"\s*[.!]?\s*" + _EMPHASIS_CLOSE + r"\s*[.!]?\s*\Z",
    re.DOTALL,
)


@dataclass(frozen=True)
class Attribution:
    name: str
    url: str = ""


def valid_source_url(url: str) -> str:
    """``url`` if it is an http(s) address that fits ``Article.source_url``, else ''."""
    url = (url or "").strip()
    if not url or len(url) > 500:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def extract_attribution(html: str) -> tuple[str, Attribution | None]:
    """Find a closing "originally published at …" sentence; return the body without it."""
    paragraph = _LAST_PARAGRAPH.search(html)
    if paragraph is None:
        return html, None
    inner = paragraph.group(1)
    wrappers: list[str] = []
    while (wrapped := _WRAPPER.match(inner)) is not None:
        wrappers.append(wrapped.group(1))
        inner = wrapped.group(2)
    starts = [0] + [match.end() for match in _SENTENCE_START.finditer(inner)]
    for start in starts:
        found = _ATTRIBUTION.match(inner[start:].strip())
        if found is None:
            continue
        if found.group("link"):
            name = clean_text(found.group("name"))
            url = valid_source_url(unescape(found.group("url") or ""))
        else:
            name, url = clean_text(found.group("plain")), ""
        if not name:
            continue
        lead = inner[:start].strip()
        if lead.endswith("<br>"):
            lead = lead[: -len("<br>")].rstrip()
        if lead:
            for tag in reversed(wrappers):
                lead = f"<{tag}>{lead}</{tag}>"
            replacement = f"<p>{lead}</p>"
        else:
            replacement = ""
        body = (html[: paragraph.start()] + replacement).strip()
        return body, Attribution(name=name[:200], url=url)
    return html, None
