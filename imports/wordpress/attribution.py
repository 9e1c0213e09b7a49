"""A closing "originally published at …" sentence → the article's source fields.

Republished pieces end with a line such as "This article was originally published at
<a>…</a>." That line is attribution, not body: ``extract_attribution`` recognises it (in the
last paragraph, inside emphasis, after other sentences) and returns the body without it.
Nothing is invented: a sentence that does not name a source is left in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .text import clean_text

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
