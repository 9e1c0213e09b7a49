"""``manage.py import_wordpress``: parsing, conversion, mapping, the import and its redirects.

The fixture is tests/fixtures/wordpress/harbour-ledger.xml (written by build_export.py next
to it); its images are made with Pillow into a temporary uploads folder for each test.
"""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.redirects.models import Redirect
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image
from reversion.models import Version
from taggit.models import Tag

from articles.legacy import legacy_query_key
from articles.models import Article, Byline, Section
from authors.models import Author
from imports.models import ImportedItem
from imports.wordpress import content, mapping
from imports.wordpress.attribution import Attribution, extract_attribution
from imports.wordpress.ledger import Ledger
from imports.wordpress.media import Media
from imports.wordpress.parser import WXRError, parse_wxr
from imports.wordpress.posts import Posts
from imports.wordpress.uploads import MediaLookup, MediaRef
from newsroom.sanitize import sanitize_html
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from tests.fixtures.wordpress import build_export

pytestmark = pytest.mark.django_db

FIXTURE = build_export.OUTPUT
SITE = build_export.SITE
HOSTS = frozenset({"old.harbourledger.example"})


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def media_dir(tmp_path) -> Path:
    """The old site's uploads folder: real images, one text file posing as a JPEG."""
    root = tmp_path / "uploads"
    for path, (width, height, colour, fmt) in build_export.MEDIA.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (width, height), colour).save(target, format=fmt)
    for path, data in build_export.BROKEN.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def run(export=FIXTURE, *args, **options) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(export), *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def imported(media_dir) -> str:
    return run(media_dir=str(media_dir))


def article(wp_id: int) -> Article:
    record = ImportedItem.objects.get(kind="post", external_id=str(wp_id))
    return Article.objects.get(pk=record.object_id)


def mini_export(tmp_path, *items: str, authors: str = "", terms: str = "", base="") -> Path:
    """A small WXR file around the given items (made with the fixture's own builder)."""
    head = build_export.build().split("\t<wp:author>")[0]
    if base:
        head = head.replace(f"<wp:base_blog_url>{SITE}<", f"<wp:base_blog_url>{SITE}{base}<")
    path = tmp_path / "mini.xml"
    path.write_text(head + authors + terms + "".join(items) + "</channel>\n</rss>\n")
    return path


def subset(tmp_path, *wp_ids: int, edit=None) -> Path:
    """The fixture with only the given items (and all its users and terms): a quick import."""
    text = build_export.build()
    head, _, rest = text.partition("\t<item>\n")
    items = ["\t<item>\n" + chunk for chunk in rest.split("\t<item>\n")]
    wanted = [
        chunk.replace("</channel>\n</rss>\n", "")
        for chunk in items
        if any(f"<wp:post_id>{wp_id}</wp:post_id>" in chunk for wp_id in wp_ids)
    ]
    text = head + "".join(wanted) + "</channel>\n</rss>\n"
    path = tmp_path / f"subset-{'-'.join(map(str, wp_ids))}.xml"
    path.write_text(edit(text) if edit else text)
    return path


def summary(output: str) -> dict[str, list[str]]:
    """The summary table's rows: kind → [created, updated, unchanged, skipped, failed]."""
    return {line.split()[0]: line.split()[1:] for line in output.splitlines() if line[:1].isalpha()}


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Author, Section, Tag, Byline, Redirect, ImportedItem)
    }


# --- the fixture -----------------------------------------------------------------------------


def test_fixture_file_is_what_the_script_writes():
    assert FIXTURE.read_text(encoding="utf-8") == build_export.build()


def test_fixture_covers_what_the_issue_asks_for():
    export = parse_wxr(FIXTURE)
    posts = [item for item in export.items if item.post_type == "post"]
    statuses = {item.status for item in posts}
    assert len(posts) >= 30
    assert len(export.authors) == 4
    assert {"publish", "future", "draft", "pending", "private", "trash"} <= statuses
    assert any("[caption" in item.content for item in posts)
    assert any(item.post_type == "page" for item in export.items)
    assert export.terms_of("author")


# --- parsing ---------------------------------------------------------------------------------


def test_parser_reads_the_export():
    export = parse_wxr(FIXTURE)
    assert export.title == "The Harbour Ledger"
    assert export.wxr_version == "1.2"
    assert export.base_site_url == SITE
    assert [author.login for author in export.authors] == [
        "mreyes",
        "tokafor",
        "lin.zhao",
        "hbergstrom",
    ]
    assert export.authors[0].description.startswith("Marta Reyes covers the port")
    local = next(term for term in export.terms_of("category") if term.slug == "local")
    assert (local.term_id, local.parent, local.name) == ("11", "news", "Local")
    post = next(item for item in export.items if item.wp_id == 201)
    assert post.post_date_gmt == "2021-07-27 06:30:00"
    assert [term.slug for term in post.terms_in("author")] == ["cap-mreyes", "cap-samir-haddad"]
    assert post.meta_value("_thumbnail_id") == "100"
    assert post.comment_count == 2
    odd = next(item for item in export.items if item.wp_id == 208)
    assert "<code>if (a ]]> b) { }</code>" in odd.content  # the CDATA split is rejoined
    assert "\n\n" in odd.content  # paragraph breaks survive
    escaped = next(item for item in export.items if item.wp_id == 218)
    assert escaped.content == "<p>Tom &amp; Jerry &lt;3 the harbour.</p>"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<rss><channel><title>&c;</title></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss><channel><title>x</title></channel></rss>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_parser_refuses_entities_and_document_types(document):
    with pytest.raises(WXRError, match="refused for safety"):
        parse_wxr(io.BytesIO(document))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "not well-formed"),
        (b"<rss><channel><title>x</title>", "not well-formed"),
        (b"<html><body>hello</body></html>", "root element is not rss"),
        (b"<rss><channel><title>x</title></channel></rss>", "no wp:wxr_version"),
    ],
)
def test_parser_rejects_what_is_not_an_export(document, message):
    with pytest.raises(WXRError, match=message):
        parse_wxr(io.BytesIO(document))


def test_parser_removes_characters_xml_forbids_and_leading_blank_lines():
    data = FIXTURE.read_bytes().replace(
        b"The first boats leave before the light.", b"The first boats\x0b leave\x1f early."
    )
    export = parse_wxr(io.BytesIO(b"\n\n  " + data))
    post = next(item for item in export.items if item.wp_id == 201)
    assert "The first boats leave early." in post.content
    assert export.removed_characters == 2
    assert "2 control character(s)" in export.warnings[0]


def test_command_reports_an_unreadable_file(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(EXTERNAL_ENTITY)
    with pytest.raises(CommandError, match="refused for safety"):
        run(bad)
    with pytest.raises(CommandError, match="No export file"):
        run(tmp_path / "nothing.xml")
    with pytest.raises(CommandError, match="is not a folder"):
        run(FIXTURE, media_dir=str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="Unknown time zone"):
        run(FIXTURE, timezone="Mars/Olympus")
    assert Article.objects.count() == 0


# --- converting content ------------------------------------------------------------------------


def link(url: str, text: str) -> str:
    return f'<a href="{url}" rel="noopener noreferrer">{text}</a>'


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
         f"<p>{link('https://v.example.org/1', 'https://v.example.org/1')}</p>",
         "[embed] became a link"),
        ("[youtube=https://yt.example/watch?v=1]",
         f"<p>{link('https://yt.example/watch?v=1', 'https://yt.example/watch?v=1')}</p>",
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


# --- mapping rules ---------------------------------------------------------------------------


def wp_item(**fields):
    from imports.wordpress.parser import WPItem

    return WPItem(wp_id=1, post_type="post", **fields)


NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
JULY_27 = datetime(2021, 7, 27, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "gmt", "password", "expected_status", "expected_time"),
    [
        ("publish", "2021-07-27 06:30:00", "", "published", JULY_27),
        ("future", "2099-01-15 09:00:00", "", "published", datetime(2099, 1, 15, 9, tzinfo=UTC)),
        ("draft", "0000-00-00 00:00:00", "", "draft", None),
        ("draft", "2024-06-01 10:00:00", "", "draft", datetime(2024, 6, 1, 10, tzinfo=UTC)),
        ("pending", "0000-00-00 00:00:00", "", "review", None),
        ("private", "2021-07-27 06:30:00", "", "unpublished", JULY_27),
        ("publish", "2021-07-27 06:30:00", "secret", "unpublished", JULY_27),
        ("mystery", "0000-00-00 00:00:00", "", "draft", None),
    ],
)  # fmt: skip
def test_status_and_time(status, gmt, password, expected_status, expected_time):
    item = wp_item(status=status, post_date="2021-07-27 08:30:00", post_date_gmt=gmt)
    item.password = password
    plan = mapping.plan_post(item, UTC, NOW)
    assert (plan.status, plan.published_at, plan.skip) == (expected_status, expected_time, "")


@pytest.mark.parametrize("status", ["trash", "auto-draft", "inherit"])
def test_statuses_that_are_skipped(status):
    assert mapping.plan_post(wp_item(status=status), UTC, NOW).skip


def test_local_time_is_used_when_gmt_is_missing():
    item = wp_item(status="publish", post_date="2021-07-27 08:30:00", post_date_gmt="")
    plan = mapping.plan_post(item, mapping.get_timezone("Europe/Oslo"), NOW)
    assert plan.published_at == datetime(2021, 7, 27, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("login", "nicename"),
    [("mreyes", "mreyes"), ("lin.zhao", "lin-zhao"), ("Ann Lee", "ann-lee"), ("a@b.org", "ab-org")],
)
def test_author_nicename(login, nicename):
    assert mapping.author_nicename(login) == nicename


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        (f"{SITE}/2021/07/27/slug/", "", ["/2021/07/27/slug/"]),
        (f"{SITE}/slug/", "", ["/slug/"]),
        (f"{SITE}/?p=123", "", ["/?p=123"]),
        (f"{SITE}/index.php?p=123", "", ["/?p=123"]),
        (f"{SITE}/news/?p=5", "/news", ["/news/?p=5"]),
        (f"{SITE}/caf%c3%a9/", "", ["/caf%C3%A9/"]),
        (f"{SITE}/", "", []),
        (f"{SITE}/news/", "/news", []),
        ("https://elsewhere.example/2021/slug/", "", []),
    ],
)
def test_old_paths(url, base, expected):
    assert mapping.old_paths(url, HOSTS, base) == expected


def test_attribution_from_custom_fields():
    item = wp_item(status="publish")
    item.meta = {"source_url": ["https://paper.example.com/a"]}
    assert mapping.attribution_from_meta(item, HOSTS) == Attribution(
        "paper.example.com", "https://paper.example.com/a"
    )
    item.meta = {"canonical_url": [f"{SITE}/own/"]}
    assert mapping.attribution_from_meta(item, HOSTS) is None
    item.meta = {"_yoast_wpseo_canonical": ["https://www.wire.example/b"], "source_name": ["Wire"]}
    assert mapping.attribution_from_meta(item, HOSTS) == Attribution(
        "Wire", "https://www.wire.example/b"
    )


# --- the import ------------------------------------------------------------------------------


def test_people_sections_and_tags(imported):
    """Users, guest authors, categories and tags."""
    # authors and guest authors
    marta = Author.objects.get(slug="mreyes")
    assert marta.name == "Marta Reyes"
    assert marta.long_bio.startswith("Marta Reyes covers the port")
    assert len(marta.short_bio) <= 300
    assert Author.objects.get(slug="lin-zhao").name == "Lin Zhao"  # display name was the login
    assert Author.objects.get(slug="hbergstrom").name == "Hanna Bergström"
    guest = Author.objects.get(slug="samir-haddad")
    assert guest.name == "Samir Haddad"
    assert guest.user is None
    assert guest.website_url == "https://samir.example.net"
    assert guest.long_bio == "Samir Haddad writes about rivers and the people on them."
    assert Author.objects.filter(slug="ghostwriter").exists()  # a post's unknown author
    assert Author.objects.count() == 6
    assert "its author ghostwriter is not among the export's users" in imported
    # sections and tags
    names = dict(Section.objects.values_list("slug", "name"))
    assert names == {
        "articles": "Articles",
        "news": "News",
        "local": "Local",
        "opinion": "Opinion",
        "culture": "Culture",
        "environment": "Environment",
    }
    assert (
        Section.objects.get(slug="news").description == "What happened on the waterfront & beyond."
    )
    tags = dict(Tag.objects.values_list("name", "slug"))
    assert tags["Élections"] == "elections"
    assert tags["مدينة"] == "tag-26"  # our tag addresses are ASCII
    assert set(article(233).tags.names()) == set()
    assert set(article(232).tags.names()) == {"Budget", "Harbour"}


def test_existing_logins_are_linked_not_created(media_dir):
    user = UserFactory(username="tokafor")
    by_email = UserFactory(username="someone", email="HANNA@harbourledger.example")
    users_before = get_user_model().objects.count()
    run(media_dir=str(media_dir))
    assert Author.objects.get(slug="tokafor").user == user
    assert Author.objects.get(slug="hbergstrom").user == by_email
    assert Author.objects.get(slug="mreyes").user is None
    assert get_user_model().objects.count() == users_before


def test_articles(imported):
    """Posts: status, times, sections, bylines, attribution, SEO fields, the report."""
    # articles statuses and times
    assert Article.objects.count() == 46  # 47 posts, one in the trash
    dawn = article(201)
    assert dawn.headline == "Dawn at the harbour"
    assert dawn.slug == "dawn-at-the-harbour"
    assert dawn.status == Article.Status.PUBLISHED and dawn.is_live
    assert dawn.published_at == datetime(2021, 7, 27, 6, 30, tzinfo=UTC)
    assert dawn.updated_at == datetime(2021, 7, 28, 8, 0, tzinfo=UTC)
    assert dawn.excerpt == "A morning with the people who open the port."
    versions = Version.objects.get_for_object(dawn)
    assert [v.revision.comment for v in versions] == ["Imported from WordPress (post 201)"]
    assert article(202).is_scheduled
    assert article(202).published_at == datetime(2099, 1, 15, 9, tzinfo=UTC)
    draft = article(203)
    assert (draft.status, draft.published_at) == (Article.Status.DRAFT, None)
    assert draft.slug == "notes-on-the-dredging-contract"  # no post_name: from the title
    assert article(204).status == Article.Status.REVIEW
    assert article(205).status == Article.Status.UNPUBLISHED
    assert article(215).status == Article.Status.UNPUBLISHED  # password-protected
    assert not ImportedItem.objects.filter(kind="post", external_id="206").exists()
    assert (
        "post 206 “Duplicate post about the ferry”: skipped — not imported: it is in the "
        "WordPress trash" in imported
    )
    assert "it was password-protected in WordPress" in imported
    live = Article.objects.live().count()
    assert live == 46 - 5  # scheduled, draft, review, private, password-protected
    # sections of articles
    assert article(201).section.slug == "local"  # Yoast's primary category
    assert article(219).section.slug == "environment"  # primary, though filed under News first
    assert article(213).section.slug == "articles"  # no category
    assert article(205).section.slug == "articles"  # only "Uncategorized"
    assert article(230).section.slug == "news"
    # bylines in order
    assert [a.slug for a in article(201).byline_authors] == ["mreyes", "samir-haddad"]
    assert [a.slug for a in article(220).byline_authors] == ["samir-haddad", "tokafor"]
    assert [a.slug for a in article(207).byline_authors] == ["tokafor"]
    assert [a.slug for a in article(213).byline_authors] == ["ghostwriter"]
    # attribution
    pilots = article(209)
    assert (pilots.source_name, pilots.source_url) == (
        "The Coastal Press",
        "https://coastalpress.example.com/pilots",
    )
    assert "originally published" not in pilots.body
    assert pilots.body.endswith("<p>Now the channel is marked by buoys with lights and radios.</p>")
    marsh = article(210)
    assert (marsh.source_name, marsh.source_url) == (
        "Estuary Weekly",
        "https://estuaryweekly.example.net/marsh",
    )
    assert article(219).source_name == ""  # its canonical URL is on the old site itself
    # seo fields
    story = article(217)
    assert story.seo_title == "Block editor story | The Harbour Ledger"
    assert story.seo_description == "How the block editor story was told."
    # what is not imported is listed
    assert (
        "page 301 “About the Ledger”: skipped — page items are not imported (was at https://old.harbourledger.example/about/)"
        in imported
    )
    assert "nav_menu_item 302 “Home”: skipped" in imported
    assert "event 303 “Harbour cleanup day”: skipped — event items are not imported" in imported
    assert "2 comment(s): skipped" in imported
    assert not Article.objects.filter(
        headline__in=["About the Ledger", "Harbour cleanup day"]
    ).exists()
    # summary counts
    lines = summary(imported)
    assert lines["articles"] == ["46", "0", "0", "1", "0"]
    assert lines["authors"] == ["6", "0", "0", "0", "0"]
    assert lines["images"] == ["13", "0", "0", "4", "0"]
    assert lines["pages"] == ["0", "0", "0", "1", "0"]
    assert lines["redirects"][0] == str(Redirect.objects.count())


def test_bodies(imported):
    """Post content becomes clean HTML; what changed is in the report."""
    # bodies
    dawn = article(201).body
    assert (
        "<figure>" in dawn
        and "<figcaption>The harbour at first light, seen from the north pier.</figcaption>" in dawn
    )
    assert 'alt="Fishing boats moored in the harbour at dawn"' in dawn  # from the media library
    assert 'href="/2022/01/01/ferry-timetable-changes-for-the-winter/"' in dawn
    assert "[caption" not in dawn and "wp-content" not in dawn
    hostile = article(207).body.lower()
    for needle in (
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "style=",
        "<style",
        "<form",
        "evil.example/?c",
    ):
        assert needle not in hostile
    assert "board members declined to comment." in hostile
    odd = article(208)
    assert odd.headline == "Café & 🐟: the quay’s new favourite"
    assert odd.slug == "cafe-quay"
    assert "🎉" in odd.body and "مرحبا بكم في الميناء" in odd.body and "שלום" in odd.body
    assert "café owners say “fine” — mostly." in odd.body
    assert "<code>if (a ]]&gt; b) { }</code>" in odd.body
    market = article(214).body
    assert market.count("<figure>") == 2  # the gallery, less its missing image
    assert "[sic]" in market and "[caption]" in market and "[gallery" not in market
    assert link("https://video.example.org/market.mp4", "Watch the video") in market
    assert "contact-form" not in market
    assert f"{SITE}/wp-content/uploads/2021/11/gone.jpg" in market
    assert "/wp-content/uploads/2021/11/inline-only.jpg" not in market
    assert article(217).body == (
        "<p>Written in the block editor.</p>\n<h2>A heading</h2>\n<ul><li>One</li><li>Two</li></ul>"
    )
    assert article(218).body == "<p>Tom &amp; Jerry &lt;3 the harbour.</p>"
    assert article(230).body.startswith("<p>Reporting for this story on the ferries began")
    assert (
        "<p>People we met along the quay spoke about the ferries with feeling.<br>\nOne"
        in article(230).body
    )
    # body notes are reported
    assert "[gallery] became 2 image(s); 1 image(s) of it were not imported" in imported
    assert "shortcode [contact-form-7] removed" in imported
    assert "alt text “IMG_0001.jpg” does not describe the image and was replaced" in imported


def test_images(imported):
    """Featured images, with alt text from the media library, and the problems."""
    # featured images
    dawn = article(201)
    assert dawn.featured_image.name.startswith("wordpress/2021/07/harbour-dawn")
    assert default_storage.exists(dawn.featured_image.name)
    assert (dawn.featured_image_width, dawn.featured_image_height) == (300, 200)
    assert dawn.featured_image_alt == "Fishing boats moored in the harbour at dawn"
    assert dawn.featured_image_caption == "The harbour at first light."
    assert dawn.featured_image_credit == "Marta Reyes"
    chamber = article(221)
    assert chamber.featured_image_alt == "Council members voting in the chamber"  # its title
    camera = article(222)
    assert camera.featured_image and camera.featured_image_alt == ""  # IMG_2041 describes nothing
    assert "its featured image has no usable alt text" in imported
    market = article(214)
    assert market.featured_image_alt == "Apples from the hills"  # the caption
    for wp_id in (211, 212, 220):
        assert not article(wp_id).featured_image
    assert (
        "attachment 103 “Missing photo”: skipped — the file 2021/10/missing-photo.jpg is missing"
        in imported
    )
    assert (
        "attachment 104 “Not really a photo”: skipped — 2021/10/not-really.jpg is not an image "
        "we accept" in imported
    )
    assert "leads outside the media folder; refused" in imported
    assert "its featured image (attachment 103) was not imported" in imported
    stored = ImportedItem.objects.filter(kind__in=["attachment", "file"]).exclude(file="")
    assert stored.count() == 13
    assert all(default_storage.exists(item.file) for item in stored)


# --- old addresses ---------------------------------------------------------------------------

OLD_ADDRESSES = [
    ("/2021/07/27/dawn-at-the-harbour/", "/articles/dawn-at-the-harbour/"),
    ("/2021/07/27/dawn-at-the-harbour", "/articles/dawn-at-the-harbour/"),
    ("/2021/07/27/dawn-at-the-harbour/?ref=x", "/articles/dawn-at-the-harbour/?ref=x"),
    ("/2021/11/03/caf%C3%A9-quay/", "/articles/cafe-quay/"),
    ("/2021/11/03/caf%c3%a9-quay/", "/articles/cafe-quay/"),
    ("/?p=201", "/articles/dawn-at-the-harbour/"),
    ("/index.php?p=201&utm_medium=social", "/articles/dawn-at-the-harbour/"),
    ("/?p=203", "/articles/notes-on-the-dredging-contract/"),
    ("/?cat=11", "/sections/local/"),
    ("/category/news/local/", "/sections/local/"),
    ("/category/local/", "/sections/local/"),
    ("/category/uncategorized/", "/sections/articles/"),
    ("/tag/budget/", "/tags/budget/"),
    ("/?tag=budget", "/tags/budget/"),
    ("/tag/%D9%85%D8%AF%D9%8A%D9%86%D8%A9/", "/tags/tag-26/"),
    ("/?tag=%d9%85%d8%af%d9%8a%d9%86%d8%a9", "/tags/tag-26/"),
    ("/author/mreyes/", "/authors/mreyes/"),
    ("/author/lin-zhao/", "/authors/lin-zhao/"),
    ("/author/samir-haddad/", "/authors/samir-haddad/"),
    ("/?author=2", "/authors/mreyes/"),
]  # fmt: skip
NOT_REDIRECTED = [
    ("/?p=999", 200),  # not an imported post: the home page
    ("/?p=" + "9" * 200, 200),
    ("/articles/?p=201", 404),  # not the blog's front page
    ("/no-such-page/", 404),
]


def test_old_addresses(imported, client):
    """Every old address answers 301 to the new one (one import for the whole table)."""
    for old, new in OLD_ADDRESSES:
        response = client.get(old)
        assert (old, response.status_code, response.get("Location")) == (old, 301, new)
    for path, status in NOT_REDIRECTED:
        assert (path, client.get(path).status_code) == (path, status)
    response = client.get("/wp-content/uploads/2021/07/harbour-dawn.jpg")
    assert response.status_code == 301
    assert response["Location"] == article(201).featured_image.url
    response = client.get("/2021/07/27/dawn-at-the-harbour/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/articles/dawn-at-the-harbour/", 301)]
    assert "Dawn at the harbour" in response.content.decode()
    # too long for a redirect: reported, not stored; the post keeps its ?p= address
    assert "is longer than 200 characters (post 216" in imported
    assert not Redirect.objects.filter(old_path__contains="long-and-winding").exists()
    assert Redirect.objects.filter(old_path="/?p=216").exists()


def test_legacy_redirects_only_for_reads(client, django_assert_max_num_queries):
    Redirect.objects.create(site_id=1, old_path="/?p=5", new_path="/articles/five/")
    client.get("/?p=5")  # the current Site is cached after the first request
    with django_assert_max_num_queries(1):
        assert client.get("/?p=5")["Location"] == "/articles/five/"
    assert client.head("/?p=5").status_code == 301
    assert client.post("/?p=5").status_code != 301
    Redirect.objects.create(site_id=1, old_path="/?p=6", new_path="")
    assert client.get("/?p=6").status_code == 410


def test_blog_in_a_subfolder(tmp_path, client):
    export = mini_export(
        tmp_path,
        build_export.item(
            7, "Subfolder story", link=f"{SITE}/news/2020/01/02/sub/", post_name="sub"
        ),
        base="/news",
    )
    run(export)
    assert client.get("/news/?p=7")["Location"] == "/articles/sub/"
    assert client.get("/news/index.php?p=7")["Location"] == "/articles/sub/"
    assert client.get("/news/2020/01/02/sub/")["Location"] == "/articles/sub/"
    assert legacy_query_key("/news/", "p", "7") == "/news/?p=7"


# --- running again, updating, dry runs, failures ---------------------------------------------


def test_running_twice_creates_nothing_twice(media_dir):
    run(media_dir=str(media_dir))
    before = counts()
    files = sorted(str(p) for p in Path(default_storage.location).rglob("*") if p.is_file())
    output = run(media_dir=str(media_dir))
    assert counts() == before
    assert sorted(str(p) for p in Path(default_storage.location).rglob("*") if p.is_file()) == files
    lines = summary(output)
    assert lines["articles"] == ["0", "0", "46", "1", "0"]
    assert lines["redirects"][:2] == ["0", "0"]


def test_renamed_slug_is_still_the_same_article(media_dir, tmp_path):
    export = subset(tmp_path, 209)
    run(export)
    pilots = article(209)
    pilots.slug = "pilots-renamed"
    pilots.save()
    run(export)
    assert Article.objects.count() == 1
    changed = subset(
        tmp_path, 209, edit=lambda text: text.replace("forty years", "forty-one years")
    )
    run(changed, update=True)
    pilots.refresh_from_db()
    assert pilots.slug == "pilots-renamed"  # the address stays
    assert "forty-one" in pilots.body
    assert Redirect.objects.get(old_path="/?p=209").new_path == "/articles/pilots-renamed/"
    assert Article.objects.count() == 1


def test_update_refreshes_only_changed_posts(media_dir, tmp_path):
    run(subset(tmp_path, 121, 122, 123, 230, 231, 232), media_dir=str(media_dir))
    untouched_version = article(231).version
    export = subset(
        tmp_path,
        *(121, 122, 123, 230, 231, 232),
        edit=lambda text: text.replace(
            "<title>Ferry timetable changes for the winter</title>",
            "<title>Ferry timetable changes for winter 2022</title>",
        ),
    )
    run(export, media_dir=str(media_dir))  # without --update: nothing changes
    assert article(230).headline == "Ferry timetable changes for the winter"
    output = run(export, media_dir=str(media_dir), update=True)
    assert article(230).headline == "Ferry timetable changes for winter 2022"
    assert article(230).slug == "ferry-timetable-changes-for-the-winter"
    assert article(230).featured_image  # kept
    assert article(231).version == untouched_version
    assert summary(output)["articles"] == ["0", "1", "2", "0", "0"]
    assert [a.slug for a in article(230).byline_authors] == ["mreyes"]
    assert Byline.objects.filter(article=article(230)).count() == 1


def test_update_follows_a_newer_modification_time(tmp_path):
    export = subset(tmp_path, 230)
    run(export)
    record = ImportedItem.objects.get(kind="post", external_id="230")
    record.external_modified_at = datetime(2000, 1, 1, tzinfo=UTC)
    record.save()
    Article.objects.filter(pk=record.object_id).update(headline="Edited here")
    run(export)
    assert article(230).headline == "Edited here"  # no --update: left alone
    run(export, update=True)
    assert article(230).headline == "Ferry timetable changes for the winter"


def test_update_unpublishes_a_post_trashed_in_wordpress(tmp_path):
    run(subset(tmp_path, 230))
    trashed = subset(
        tmp_path,
        230,
        edit=lambda text: text.replace(
            "<wp:status><![CDATA[publish]]></wp:status>", "<wp:status><![CDATA[trash]]></wp:status>"
        ),
    )
    run(trashed)
    assert article(230).status == Article.Status.PUBLISHED  # not without --update
    output = run(trashed, update=True)
    assert article(230).status == Article.Status.UNPUBLISHED
    assert "trashed in WordPress, so unpublished here" in output


def test_article_deleted_here_is_not_imported_again(tmp_path):
    export = subset(tmp_path, 233, 234)
    run(export)
    article(233).delete()
    output = run(export, update=True)
    assert Article.objects.count() == 1
    assert (
        "post 233 “A choir on the quay”: skipped — deleted here after an earlier import" in output
    )


def test_dry_run_writes_nothing(media_dir):
    before = counts()
    output = run(media_dir=str(media_dir), dry_run=True)
    assert counts() == before
    assert "DRY RUN: nothing was saved" in output
    lines = summary(output)
    assert lines["articles"] == ["46", "0", "0", "1", "0"]
    assert lines["images"] == ["13", "0", "0", "4", "0"]
    media_root = Path(default_storage.location)
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_a_failure_leaves_no_half_imported_post(media_dir, monkeypatch):
    original = Posts.post_redirects

    def failing(self, item, article, ref):
        original(self, item, article, ref)  # the article, bylines, tags and redirects exist…
        if item.wp_id == 233:
            raise RuntimeError("disk on fire")  # …and then the post fails

    monkeypatch.setattr(Posts, "post_redirects", failing)
    with pytest.raises(CommandError, match="1 record"):
        run(media_dir=str(media_dir))
    assert Article.objects.count() == 45
    assert not Article.objects.filter(headline="A choir on the quay").exists()
    assert not Redirect.objects.filter(old_path="/?p=233").exists()
    assert not ImportedItem.objects.filter(kind="post", external_id="233").exists()
    assert Byline.objects.count() == sum(len(a.byline_authors) for a in Article.objects.all())
    monkeypatch.setattr(Posts, "post_redirects", original)
    output = run(media_dir=str(media_dir))  # the next run brings it in
    assert article(233).headline == "A choir on the quay"
    assert "articles" in output


def test_failure_is_reported_with_its_reason(media_dir, monkeypatch, tmp_path):
    def failing(self, item):
        if item.wp_id == 100:
            raise OSError("media folder unreadable")
        return original(self, item)

    original = Media.import_attachment
    monkeypatch.setattr(Media, "import_attachment", failing)
    with pytest.raises(CommandError) as error:
        out = io.StringIO()
        call_command(
            "import_wordpress",
            str(subset(tmp_path, 100, 201)),
            media_dir=str(media_dir),
            stdout=out,
        )
    assert "1 record(s) failed" in str(error.value)
    output = out.getvalue()
    assert "attachment 100 “harbour-dawn”: failed — OSError: media folder unreadable" in output
    assert "its featured image (attachment 100) was not imported: its import failed" in output
    # The picture still came in once, as a file the post shows.
    assert summary(output)["images"] == ["1", "0", "0", "0", "1"]
    assert Article.objects.count() == 1


def test_copied_file_is_removed_when_its_record_fails(media_dir, monkeypatch, tmp_path):
    original = Ledger.remember

    def failing(self, kind, key, obj=None, **fields):
        if kind == ImportedItem.Kind.ATTACHMENT and str(key) == "101":
            raise RuntimeError("no")
        return original(self, kind, key, obj, **fields)

    monkeypatch.setattr(Ledger, "remember", failing)
    with pytest.raises(CommandError):
        run(subset(tmp_path, 100, 101, 201, 221), media_dir=str(media_dir))
    names = [p.name for p in Path(default_storage.location).rglob("*") if p.is_file()]
    assert any(name.startswith("harbour-dawn") for name in names)
    assert not any(name.startswith("council-chamber") for name in names)
    assert not article(221).featured_image


# --- first runs on a site that already has content -------------------------------------------


def test_existing_section_author_and_tag_are_adopted(tmp_path):
    news = SectionFactory(name="News")
    marta = AuthorFactory(name="Marta Reyes")
    budget = Tag.objects.create(name="budget", slug="budget-tag")
    run(subset(tmp_path, 201, 230, 232))
    assert article(230).section == news
    assert Section.objects.filter(name__iexact="news").count() == 1
    assert article(201).byline_authors[0] == marta
    assert Author.objects.filter(name="Marta Reyes").count() == 1
    assert budget in article(232).tags.all()
    assert Redirect.objects.get(old_path="/tag/budget/").new_path == "/tags/budget-tag/"


def test_taken_slug_gets_a_suffix(tmp_path):
    ArticleFactory(slug="river-pilots", headline="Our own pilots story")
    run(subset(tmp_path, 209))
    assert article(209).slug == "river-pilots-2"
    assert Redirect.objects.get(old_path="/2021/11/10/river-pilots/").new_path == (
        "/articles/river-pilots-2/"
    )


def test_existing_redirect_is_kept_unless_updating(tmp_path):
    Redirect.objects.create(site_id=1, old_path="/?p=201", new_path="/somewhere/")
    export = subset(tmp_path, 201)
    output = run(export)
    assert Redirect.objects.get(old_path="/?p=201").new_path == "/somewhere/"
    assert "kept: it already redirects to /somewhere/" in output
    run(export, update=True)
    assert Redirect.objects.get(old_path="/?p=201").new_path == "/articles/dawn-at-the-harbour/"


def test_without_media_dir_posts_still_come_in():
    output = run()
    assert Article.objects.count() == 46
    assert "No --media-dir was given" in output
    assert not article(201).featured_image
    assert 'src="https://old.harbourledger.example/wp-content/uploads/2021/07/' in article(201).body


def test_partial_export_without_attachments_keeps_inline_images(tmp_path, media_dir):
    export = mini_export(
        tmp_path,
        build_export.item(
            9,
            "Only a post",
            content=f'<img src="{SITE}/wp-content/uploads/2021/11/market-stall-300x200.jpg">',
            post_name="only-a-post",
        ),
    )
    run(export, media_dir=str(media_dir))
    body = Article.objects.get(slug="only-a-post").body
    assert 'src="/media/wordpress/2021/11/market-stall-' in body  # the original, copied


# --- output ----------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(tmp_path):
    export = mini_export(tmp_path, build_export.item(5, "One"), build_export.item(6, "Two"))
    terminal = FakeTerminal()
    call_command("import_wordpress", str(export), stdout=terminal)
    assert "\rImporting posts [###############---------------] 1/2" in terminal.getvalue()
    assert "\rImporting posts [##############################] 2/2" in terminal.getvalue()
    assert "\r" not in run(export)


def test_json_report(tmp_path, media_dir):
    target = tmp_path / "report.json"
    run(media_dir=str(media_dir), report=str(target))
    data = json.loads(target.read_text())
    assert data["source"] == SITE
    assert data["counts"]["articles"]["created"] == 46
    assert any(
        entry["outcome"] == "skipped" and entry["ref"].startswith("page 301")
        for entry in data["entries"]
    )


def test_quiet_output_is_only_the_summary(tmp_path):
    export = mini_export(tmp_path, build_export.item(5, "One", post_name="one"))
    quiet = run(export, verbosity=0)
    assert "To look at" not in quiet
    assert "articles" in quiet
