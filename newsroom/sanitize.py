"""The one HTML sanitiser for rich text (article bodies, corrections, imported posts).

An allowlist, not a blocklist: anything not named here is removed, including every
attribute that could run script (``on*``, ``style``) and every URL scheme but http(s) and
mailto. Cleaning already-clean HTML returns it unchanged, so sanitising on every save is safe.

django-prose-editor (the body editor, configured in articles/forms.py) produces only
elements from this list; what else it adds (``figure class``, ``img data-file``, ``a target``)
is dropped here, and tests/newsroom/test_sanitize.py checks both. One attribute beyond the
editor's is kept: ``data-embed`` on ``<figure>``, and only with a provider name from
``newsroom.embeds`` — the privacy-friendly embed card, which is a plain link; and
``data-image-id`` on a ``<figure>`` whose image is a library image (images/body.py).
"""

import re
from collections import Counter
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from images.body import mark_library_figures

from .embeds import PROVIDER_KEYS, embed_bare_urls

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "em",
        "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "ins", "li", "mark",
        "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "figure": {"data-embed", "data-image-id"},
    "img": {"src", "alt", "width", "height", "title"},
    "ol": {"start", "reversed"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}

ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# nh3 checks the scheme of href and src; ``cite`` holds a URL too but is passed through.
_URL_ATTRIBUTES = frozenset({"cite"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*)\s*:")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
# Re-parsing cleaned HTML can still move an element (an <h2> left inside an <h2> once a
# removed tag no longer separates them); a few passes always settle it.
_MAX_PASSES = 4


def _check_url_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "data-embed":
        return value if value in PROVIDER_KEYS else None
    if attribute == "data-image-id":
        return value if value.isascii() and value.isdigit() and len(value) < 12 else None
    if attribute not in _URL_ATTRIBUTES:
        return value
    match = _SCHEME.match(_INVISIBLE.sub("", value))
    if match and match.group(1).lower() not in ALLOWED_URL_SCHEMES:
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_check_url_attribute,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str | None) -> str:
    """Return ``html`` reduced to the allowlist; links get ``rel="noopener noreferrer"``.

    A paragraph holding only a provider's address (YouTube, Vimeo…) becomes its embed card
    (``newsroom.embeds.embed_bare_urls``): how editors insert an embed.

    Idempotent: the result is cleaned again until it no longer changes, so sanitising on
    every save never alters already-saved text. Markup beyond the limits below is refused
    with a ``ValidationError`` before the parser sees it, whoever calls this (the admin
    form, ``Article.save()``, the WordPress import).
    """
    if not html:
        return ""
    validate_markup_limits(html)
    cleaned = html.replace("\x00", "").strip()
    for _ in range(_MAX_PASSES):
        previous, cleaned = cleaned, embed_bare_urls(_CLEANER.clean(cleaned).strip())
        if cleaned == previous:
            break
    # A figure of a library image is marked with its id (and only such a figure keeps one),
    # so pages print it with the library's renditions and words (images/body.py).
    return mark_library_figures(cleaned)


# --- Limits: bound the parser's work before it starts ----------------------------------------
#
# html5ever (inside nh3) does work that grows with the product of the input's length and its
# nesting, and more again for formatting tags (<b>, <i>, <a>…) left open when the block around
# them closes: the HTML parsing algorithm re-opens every one of those inside each following
# block. Measured on this code (docs/operations.md, "Rich text limits"): 400 KB of nested
# <div>s took 18 s; 33 KB of <div><b title=…></div> took 5.5 s. Within the default limits the
# worst body found takes about 0.4 s, measuring included.

_HTML_SPACE = "\t\n\f\r "
# A start or end tag as the HTML tokenizer sees one: "<" then an ASCII letter. Quoted ">"
# inside attribute values can make this find *more* tags than the parser does, never fewer.
_TAG = re.compile(rf"<(/?)([A-Za-z][^{_HTML_SPACE}/>]*)([^>]*)>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Formatting elements: the parser keeps them in its "list of active formatting elements" and
# re-opens them after an enclosing block closes (at most three identical ones: Noah's Ark).
_FORMATTING = frozenset(
    [
        "a",
        "b",
        "big",
        "code",
        "em",
        "font",
        "i",
        "nobr",
        "s",
        "small",
        "strike",
        "strong",
        "tt",
        "u",
    ]
)
# Closed implicitly by the next sibling of the same name (an unclosed <li> before the next).
_CLOSED_BY_SIBLING = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})
# Inside SVG and MathML every tag (even <link>, <img>) is an ordinary element.
_FOREIGN = frozenset({"svg", "math"})


@dataclass(frozen=True)
class MarkupSize:
    """What the parser would have to build for a piece of markup (an upper bound)."""

    bytes: int
    depth: int
    elements: int
    complete: bool = True  # False: the scan stopped at ``stop_after`` elements


def measure_markup(html: str, *, stop_after: int | None = None) -> MarkupSize:
    """Size, nesting depth and element count of ``html``, in time linear in its length.

    With ``stop_after`` the scan ends once that many elements are counted (the figures are
    then lower bounds), so refusing a huge body costs no more than accepting the largest.

    No recursion and no tree: one regular-expression pass over the tags with a stack of the
    open element names, approximating the HTML parser's rules (void elements, implied end
    tags, re-opened formatting elements) so that the figures are never lower than what the
    parser builds. Hand-written markup that is sloppy in other ways can only measure deeper
    than it really is, which errs on the side of refusing.
    """
    stack: list[tuple[str, tuple[str, str] | None]] = []
    open_count: Counter[str] = Counter()
    # Formatting elements popped by an enclosing end tag, waiting to be re-opened.
    pending: list[tuple[str, str]] = []
    pending_count: Counter[tuple[str, str]] = Counter()
    reopen_due = False
    depth = elements = 0
    last_end = 0

    def reopen() -> None:
        nonlocal elements, reopen_due
        if reopen_due and pending:
            elements += len(pending)
        reopen_due = False

    for match in _TAG.finditer(html):
        if not html[last_end : match.start()].isspace() and match.start() > last_end:
            reopen()  # text: the parser re-opens pending formatting elements around it
        last_end = match.end()
        closing, name, attributes = match.groups()
        if name.isascii():  # the tokenizer lowercases ASCII letters only
            name = name.lower()
        if closing:
            if open_count[name]:
                while stack:
                    popped, key = stack.pop()
                    open_count[popped] -= 1
                    if popped == name:
                        break
                    if key is not None and pending_count[key] < 3:
                        pending.append(key)
                        pending_count[key] += 1
                reopen_due = True
            else:
                # An end tag for a formatting element that is only pending removes it.
                for index in range(len(pending) - 1, -1, -1):
                    if pending[index][0] == name:
                        pending_count[pending.pop(index)] -= 1
                        break
            continue
        reopen()
        elements += 1
        if stop_after is not None and elements > stop_after:
            return MarkupSize(_byte_length(html), depth, elements, complete=False)
        if name in _VOID and not any(open_count[tag] for tag in _FOREIGN):
            depth = max(depth, len(stack) + len(pending) + 1)
            continue
        if name in _CLOSED_BY_SIBLING and stack and stack[-1][0] == name:
            open_count[stack.pop()[0]] -= 1
        key = (name, attributes.strip()) if name in _FORMATTING else None
        stack.append((name, key))
        open_count[name] += 1
        depth = max(depth, len(stack) + len(pending))
    return MarkupSize(_byte_length(html), depth, elements)


def _byte_length(html: str) -> int:
    return len(html.encode("utf-8", "surrogatepass"))


def validate_markup_limits(html: str | None) -> None:
    """Refuse rich text too large, too deep or too busy to sanitise quickly.

    The figures come from settings (``RICH_TEXT_MAX_BYTES``, ``RICH_TEXT_MAX_DEPTH``,
    ``RICH_TEXT_MAX_ELEMENTS``); the message names the limit that was passed and by how much,
    so a writer knows what to change.
    """
    if not html:
        return
    max_bytes = settings.RICH_TEXT_MAX_BYTES
    size = _byte_length(html)
    if size > max_bytes:  # before measuring anything else: even the scan is not free
        raise ValidationError(
            "The body is %(size)s; the limit is %(limit)s.",
            code="too_large",
            params={
                "size": f"{size:,} bytes",
                "limit": f"{max_bytes:,} bytes ({filesizeformat(max_bytes)})",
            },
        )
    measured = measure_markup(html, stop_after=settings.RICH_TEXT_MAX_ELEMENTS)
    if measured.depth > settings.RICH_TEXT_MAX_DEPTH:
        raise ValidationError(
            "The body is nested %(depth)s levels deep; the limit is %(limit)s.",
            code="too_deep",
            params={
                "depth": measured.depth if measured.complete else f"at least {measured.depth}",
                "limit": settings.RICH_TEXT_MAX_DEPTH,
            },
        )
    if measured.elements > settings.RICH_TEXT_MAX_ELEMENTS:
        raise ValidationError(
            "The body has too many elements (counting formatting tags such as <b> that are "
            "re-opened in every paragraph after them because they were never closed): "
            "%(elements)s; the limit is %(limit)s.",
            code="too_many_elements",
            params={
                "elements": f"{measured.elements:,}" if measured.complete else "more than that",
                "limit": f"{settings.RICH_TEXT_MAX_ELEMENTS:,}",
            },
        )
