"""Reading the export: the fixture itself, safety against hostile XML, forbidden characters."""

import io

import pytest

from imports.wordpress.parser import WXRError, parse_wxr
from tests.fixtures.wordpress import build_export
from tests.imports.helpers import (
    BILLION_LAUGHS,
    EXTERNAL_DTD,
    EXTERNAL_ENTITY,
    FIXTURE,
    SITE,
)

pytestmark = pytest.mark.django_db


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
