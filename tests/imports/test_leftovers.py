"""What is not imported is reported so nothing is lost: comments (and their CSV), menu items
with where they pointed, pages until a pages app exists."""

import csv

import pytest
from django.apps import apps

from tests.fixtures.wordpress.build_export import SITE, item
from tests.imports.helpers import mini_export, run, subset, summary

pytestmark = pytest.mark.django_db

COMMENT = """\t\t<wp:comment>
\t\t\t<wp:comment_id>{id}</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
\t\t\t<wp:comment_author_email><![CDATA[reader@example.org]]></wp:comment_author_email>
\t\t\t<wp:comment_author_url>https://reader.example.org</wp:comment_author_url>
\t\t\t<wp:comment_author_IP><![CDATA[192.0.2.7]]></wp:comment_author_IP>
\t\t\t<wp:comment_date><![CDATA[2021-07-27 10:00:00]]></wp:comment_date>
\t\t\t<wp:comment_date_gmt><![CDATA[2021-07-27 09:00:00]]></wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
\t\t\t<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
\t\t\t<wp:comment_type><![CDATA[{type}]]></wp:comment_type>
\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>
\t\t</wp:comment>
"""


def commented_post() -> str:
    comments = [
        COMMENT.format(id=1, author="Ana", text="The ferry was late, again.\nTwice.",
                       approved="1", type="comment", parent=0),
        COMMENT.format(id=2, author="Bo, from the quay", text='She said "on time"',
                       approved="0", type="", parent=1),
        COMMENT.format(id=3, author="Cheap pills", text="Buy now", approved="spam",
                       type="", parent=0),
    ]  # fmt: skip
    post = item(1001, "Ferries, late again", post_name="late", link=f"{SITE}/late/")
    return post.replace("\t</item>\n", "".join(comments) + "\t</item>\n")


def test_comments_are_counted_and_written_to_a_csv_file(tmp_path):
    export = mini_export(tmp_path, commented_post())
    target = tmp_path / "comments.csv"
    output = run(export, comments_export=str(target))
    assert summary(output)["comments"] == ["0", "0", "0", "3", "0"]
    assert "3 comment(s): skipped — comments are not imported: the newsroom has none " in output
    assert "(1 approved, 1 held, 1 spam)" in output
    assert "3 comment(s) written to" in output
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["author"] for row in rows] == ["Ana", "Bo, from the quay", "Cheap pills"]
    first = rows[0]
    assert (first["post_id"], first["post_title"], first["post_url"]) == (
        "1001", "Ferries, late again", f"{SITE}/late/"
    )  # fmt: skip
    assert (first["date_gmt"], first["status"], first["text"]) == (
        "2021-07-27 09:00:00", "approved", "The ferry was late, again.\nTwice."
    )  # fmt: skip
    assert (rows[1]["parent_id"], rows[1]["text"]) == ("1", 'She said "on time"')
    assert "reader@example.org" not in target.read_text()  # no e-mail or IP addresses
    assert "192.0.2.7" not in target.read_text()


def test_menu_items_say_where_they_pointed(tmp_path):
    output = run(subset(tmp_path, 301, 302, 304))
    assert (
        "nav_menu_item 302 “Home”: skipped — menu items are not imported in the menu “Main "
        f"menu”; it pointed to page 301 “About the Ledger” at {SITE}/about/"
    ) in output
    assert "it pointed to https://tides.example.org/harbour" in output
    assert summary(output)["menu-items"] == ["0", "0", "0", "2", "0"]


def test_pages_are_reported_when_there_is_no_pages_app(tmp_path, monkeypatch):
    export = subset(tmp_path, 301)
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "pages")
    assert "not imported (no pages app); it was at" in run(export)
