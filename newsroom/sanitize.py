"""The one HTML sanitiser for rich text (article bodies, corrections, imported posts).

An allowlist, not a blocklist: anything not named here is removed, including every
attribute that could run script (``on*``, ``style``) and every URL scheme but http(s) and
mailto. Cleaning already-clean HTML returns it unchanged, so sanitising on every save is safe.

django-prose-editor (the body editor, configured in articles/forms.py) produces only
elements from this list; what else it adds (``figure class``, ``img data-file``, ``a target``)
is dropped here, and tests/newsroom/test_sanitize.py checks both.
"""

import re

import nh3

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

    Idempotent: the result is cleaned again until it no longer changes, so sanitising on
    every save never alters already-saved text.
    """
    if not html:
        return ""
    cleaned = html.replace("\x00", "").strip()
    for _ in range(_MAX_PASSES):
        previous, cleaned = cleaned, _CLEANER.clean(cleaned).strip()
        if cleaned == previous:
            break
    return cleaned
