"""Converting post content: paragraphs, shortcodes, sanitising, links and images, attribution."""

import pytest

from imports.wordpress import content
from imports.wordpress.attribution import Attribution, extract_attribution
from imports.wordpress.uploads import MediaLookup, MediaRef
from newsroom.sanitize import sanitize_html
from tests.imports.helpers import HOSTS, SITE, link

pytestmark = pytest.mark.django_db


def convert(raw: str, media: MediaLookup | None = None) -> tuple[str, list[str]]:
    context = content.ConversionContext(media=media or MediaLookup(), site_hosts=HOSTS)
    return content.convert_content(raw, context), context.notes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("Line one\nline two", "<p>Line one<br>\nline two</p>"),
        ("Intro\n<ul>\n<li>a</li>\n</ul>\nOutro",
         "<p>Intro</p>\n<ul>\n<li>a</li>\n</ul>\n<p>Outro</p>"),
        ("<blockquote>Quoted\n\nTwice</blockquote>",
         "<blockquote><p>Quoted</p>\n<p>Twice</p>\n</blockquote>"),
        ("<pre>a\n\nb</pre>", "<pre>a\n\nb</pre>"),
        ("<p>Already</p>\n\n<p>HTML</p>", "<p>Already</p>\n<p>HTML</p>"),
        ("<!-- wp:paragraph -->\n<p>Block</p>\n<!-- /wp:paragraph -->", "<p>Block</p>"),
        ("Text <em>with\n\nemphasis</em> split",
         "<p>Text <em>with</em></p><p><em>emphasis</em> split</p>"),
        ("Before<!--more-->After", "<p>BeforeAfter</p>"),
    ],
)  # fmt: skip
def test_paragraphs_are_made_from_blank_lines(raw, expected):
    assert convert(raw)[0] == expected


def test_caption_becomes_figure_with_figcaption():
    raw = (
        '[caption id="attachment_7" align="alignleft" width="300"]<img src="https://old.'
        'harbourledger.example/wp-content/uploads/2020/01/a-300x200.jpg" alt="" width="300" '
        'height="200" class="wp-image-7" /> Gulls over the <em>pier</em>[/caption]'
    )
    media = MediaLookup()
    media.add(MediaRef(url="/media/a.jpg", alt="Gulls circling"), path="2020/01/a.jpg")
    html, notes = convert(raw, media)
    assert html == (
        '<figure><img src="/media/a.jpg" width="300" height="200" alt="Gulls circling">'
        "<figcaption>Gulls over the <em>pier</em></figcaption></figure>"
    )
    assert notes == []


def test_old_style_caption_attribute():
    html, _ = convert('[caption caption="The quay"]<img src="/x.jpg" alt="A quay">[/caption]')
    assert (
        html == '<figure><img src="/x.jpg" alt="A quay"><figcaption>The quay</figcaption></figure>'
    )


@pytest.mark.parametrize(
    ("raw", "expected", "note"),
    [
        ("Quote [sic] here.", "<p>Quote [sic] here.</p>", None),
        ("[Editor's note: updated] Text", "<p>[Editor's note: updated] Text</p>", None),
        ("Type [[gallery]] to show one.", "<p>Type [gallery] to show one.</p>", None),
        ('[contact-form-7 id="4"]', "", "shortcode [contact-form-7] removed"),
        ("[highlight]Kept text[/highlight]", "<p>Kept text</p>", "its text was kept"),
        ("[embed]https://v.example.org/1[/embed]",
         f"<p>{link('https://v.example.org/1', 'v.example.org/1')}</p>",
         "[embed] became a link"),
        ("[youtube=https://yt.example/watch?v=1]",
         f"<p>{link('https://yt.example/watch?v=1', 'yt.example/watch?v=1')}</p>",
         "[youtube] became a link"),
        ('[audio mp3="https://a.example/x.mp3"][/audio]',
         f"<p>{link('https://a.example/x.mp3', 'Listen to the audio')}</p>",
         "[audio] became a link"),
        ("[pullquote]Said it[/pullquote]", "<blockquote><p>Said it</p>\n</blockquote>", None),
        ("[playlist ids=\"1,2\"]", "", "shortcode [playlist] removed"),
        ("[/caption] stray", "<p>stray</p>", "stray [/caption]"),
    ],
)  # fmt: skip
def test_shortcodes(raw, expected, note):
    html, notes = convert(raw)
    assert html == expected
    if note:
        assert any(note in text for text in notes)


def test_gallery_becomes_figures_of_imported_images():
    media = MediaLookup()
    media.add(MediaRef(url="/m/1.jpg", alt="One boat", caption="First"), wp_id=1)
    media.add(MediaRef(url="/m/2.jpg", alt="Two boats"), wp_id=2, parent=9)
    html, notes = convert('[gallery ids="1,2,3"]', media)
    assert html == (
        '<figure><img src="/m/1.jpg" alt="One boat"><figcaption>First</figcaption></figure>\n'
        '<figure><img src="/m/2.jpg" alt="Two boats"></figure>'
    )
    assert notes == ["[gallery] became 2 image(s); 1 image(s) of it were not imported"]
    context = content.ConversionContext(media=media, post_id=9)
    assert "/m/2.jpg" in content.convert_content("[gallery]", context)  # the post's children


HOSTILE = (
    '<p onclick="x()">Hi</p><script>alert(1)</script><img src="x.png" onerror="alert(2)" '
    'alt="A chart"><a href="javascript:alert(3)">bad</a><a href="JaVaScRiPt:alert(4)">bad2</a>'
    '<iframe src="https://evil.example"></iframe><style>p{}</style><p style="color:red">S</p>'
    '<object data="x"></object><svg><script>alert(5)</script></svg><form><input></form>'
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>'
)


def test_hostile_html_is_neutralised():
    html, _ = convert(HOSTILE)
    lowered = html.lower()
    for needle in (
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "<iframe",
        "<style",
        "style=",
        "<object",
        "<svg",
        "<form",
        "<input",
        "data:",
        "alert(",
    ):
        assert needle not in lowered
    assert '<img src="x.png" alt="A chart">' in html
    assert "<p></p>" not in html


def test_links_to_the_old_site_become_paths_and_uploads_our_copies():
    media = MediaLookup()
    media.add(MediaRef(url="/media/wp/pic.jpg", alt="A pier"), path="2021/01/pic.jpg")
    html, notes = convert(
        f'<a href="{SITE}/2021/01/02/story/?ref=x#top">story</a> '
        f'<a href="https://other.example/page">other</a> '
        f'<img src="{SITE}/wp-content/uploads/2021/01/pic-150x150.jpg"> '
        f'<img src="{SITE}/wp-content/uploads/2021/01/lost.jpg" alt="DSC_0001"> '
        f'<a href="{SITE}/wp-content/uploads/2021/01/pic.jpg">full size</a>',
        media,
    )
    assert 'href="/2021/01/02/story/?ref=x#top"' in html
    assert 'href="https://other.example/page"' in html
    assert '<img src="/media/wp/pic.jpg" alt="A pier">' in html
    assert f'<img src="{SITE}/wp-content/uploads/2021/01/lost.jpg" alt="">' in html
    assert 'href="/media/wp/pic.jpg"' in html
    assert any("lost.jpg is not among the imported images" in note for note in notes)
    assert any("DSC_0001" in note for note in notes)


@pytest.mark.parametrize(
    ("body", "name", "url", "rest"),
    [
        (
            "<p>Text.</p>\n<p>This article was originally published at "
            '<a href="https://a.example/x">The A</a>.</p>',
            "The A", "https://a.example/x", "<p>Text.</p>",
        ),
        (
            "<p>Text.</p><p><em>This story first appeared in "
            '<a href="https://b.example/">The <b>B</b></a>.</em></p>',
            "The B", "https://b.example/", "<p>Text.</p>",
        ),
        (
            "<p>Text.</p><p>Originally published in Harbour Weekly and republished with "
            "permission.</p>",
            "Harbour Weekly", "", "<p>Text.</p>",
        ),
        (
            "<p>Last point. This piece was first published by "
            '<a href="https://c.example/">C News</a>.</p>',
            "C News", "https://c.example/", "<p>Last point.</p>",
        ),
        (
            "<p>A.</p><p>This article was originally published at "
            '<a href="javascript:x">Evil</a>.</p>',
            "Evil", "", "<p>A.</p>",
        ),
    ],
)  # fmt: skip
def test_attribution_sentence_is_found_and_removed(body, name, url, rest):
    html, attribution = extract_attribution(sanitize_html(body))
    assert attribution == Attribution(name=name, url=url)
    assert html == rest


@pytest.mark.parametrize(
    "body",
    [
        "<p>This story first appeared in print on Monday.</p>",
        "<p>It was originally published in 2019.</p>",
        "<p>This article was originally published at our sister site.</p><p>More text.</p>",
        "<p>No attribution here.</p>",
    ],
)
def test_attribution_is_not_invented(body):
    html, attribution = extract_attribution(body)
    assert attribution is None
    assert html == body
