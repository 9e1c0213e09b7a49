"""Exports as real sites write them: every WXR version and namespace spelling WordPress's
own importer reads, and a CDATA section holding an unescaped "]]>" ("crazy-cdata")."""

import io
import json

import pytest

from articles.models import Article
from imports.wordpress.parser import WXRError, parse_wxr
from tests.fixtures.wordpress import build_export
from tests.fixtures.wordpress.build_export import item
from tests.imports.helpers import article, mini_export, run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_version_and_scheme_is_read(version, scheme):
    data = build_export.build(wxr_version=version, scheme=scheme).encode()
    export = parse_wxr(io.BytesIO(data))
    assert export.wxr_version == version
    assert export.warnings == []
    assert [author.login for author in export.authors][:1] == ["mreyes"]
    dawn = next(entry for entry in export.items if entry.wp_id == 201)
    assert (dawn.post_type, dawn.status, dawn.post_name) == (
        "post",
        "publish",
        "dawn-at-the-harbour",
    )
    assert dawn.excerpt == "A morning with the people who open the port."
    assert dawn.meta_value("_thumbnail_id") == "100"


def test_a_wordpress_com_export_imports_and_the_report_names_its_version(tmp_path):
    """WordPress.com writes https://wordpress.org/export/1.2/; it was refused before."""
    export = tmp_path / "wpcom.xml"
    export.write_text(build_export.build(scheme="https", wxr_version="1.1"))
    report_file = tmp_path / "report.json"
    output = run(export, report=str(report_file))
    assert "WXR 1.1" in output.splitlines()[0]
    assert json.loads(report_file.read_text())["wxr_version"] == "1.1"
    assert article(201).headline == "Dawn at the harbour"


def test_a_newer_version_is_read_with_a_warning_and_a_non_number_refused():
    data = build_export.build().encode()
    newer = parse_wxr(io.BytesIO(data.replace(b">1.2</wp:wxr", b">1.3</wp:wxr")))
    assert newer.wxr_version == "1.3"
    assert "1.3 is not one this was written for" in newer.warnings[0]
    with pytest.raises(WXRError, match="not a version number"):
        parse_wxr(io.BytesIO(data.replace(b">1.2</wp:wxr", b">latest</wp:wxr")))


CRAZY = "<![CDATA[<p>Our XML guide: a section ends at ]]> and nowhere else.</p>]]>"


def test_unescaped_cdata_end_imports_instead_of_failing_the_file(tmp_path):
    path = mini_export(
        tmp_path,
        item(901, "Reading XML", post_name="xml", raw_content=CRAZY),
        item(902, "Next post", post_name="next", content="<p>Still here.</p>"),
    )
    export = parse_wxr(path)
    crazy = next(entry for entry in export.items if entry.wp_id == 901)
    assert crazy.content == "<p>Our XML guide: a section ends at ]]> and nowhere else.</p>"
    assert "1 CDATA section(s) held an unescaped" in export.warnings[-1]
    output = run(path)
    assert Article.objects.count() == 2
    assert article(901).body == "<p>Our XML guide: a section ends at ]]&gt; and nowhere else.</p>"
    assert "unescaped" in output


def test_a_file_broken_otherwise_is_still_refused(tmp_path):
    path = mini_export(tmp_path, item(903, "Broken", raw_content="<p>no end"))
    with pytest.raises(WXRError, match="not well-formed"):
        parse_wxr(path)
