"""Helpers the WordPress import tests share: running the command, reading its output.

The fixture is tests/fixtures/wordpress/harbour-ledger.xml (written by build_export.py next
to it); its images are made with Pillow into a temporary uploads folder for each test
(the ``media_dir`` fixture in conftest.py).
"""

import io
from pathlib import Path

from django.contrib.redirects.models import Redirect
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, Byline, Section
from authors.models import Author
from imports.models import ImportedItem
from tests.fixtures.wordpress import build_export

FIXTURE = build_export.OUTPUT
SITE = build_export.SITE
HOSTS = frozenset({"old.harbourledger.example"})


def run(export=FIXTURE, *args, **options) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(export), *args, stdout=out, **options)
    return out.getvalue()


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


def link(url: str, text: str) -> str:
    return f'<a href="{url}" rel="noopener noreferrer">{text}</a>'


# Hostile documents: the parser refuses them, and the command says so.
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
