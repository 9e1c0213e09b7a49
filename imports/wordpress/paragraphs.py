"""HTML cleanup: paragraphs from WordPress's blank lines, and tidying after the sanitiser.

Classic-editor posts are text in which a blank line means a new paragraph and a single line
break means ``<br>`` (WordPress's ``wpautop``). ``autop`` makes those paragraphs only where
text is loose in a flow block, so block-editor posts, which are already HTML, pass through
unchanged. ``tidy`` removes the empty paragraphs and blank lines the sanitiser leaves where
it removed elements.
"""

from __future__ import annotations

import re

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
