"""Posts → articles: fields, statuses, bylines, bodies, slugs."""

from datetime import UTC, datetime

import pytest
from django.contrib.redirects.models import Redirect
from reversion.models import Version

from articles.models import Article
from editorial.services import system_user
from imports.models import ImportedItem
from tests.factories import ArticleFactory
from tests.imports.helpers import SITE, article, link, run, subset, summary

pytestmark = pytest.mark.django_db


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
    assert lines["pages"] == ["1", "0", "0", "0", "0"]  # tests/imports/test_pages.py
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


def test_taken_slug_gets_a_suffix(tmp_path):
    ArticleFactory(slug="river-pilots", headline="Our own pilots story")
    run(subset(tmp_path, 209))
    assert article(209).slug == "river-pilots-2"
    assert Redirect.objects.get(old_path="/2021/11/10/river-pilots/").new_path == (
        "/articles/river-pilots-2/"
    )


def test_imported_articles_go_through_the_workflow_as_the_system_user(imported):
    """No status is set by hand: each article has the trail a service writes."""
    dawn = article(201)
    trail = list(dawn.status_changes.order_by("at", "pk").values_list("action", "to_status"))
    assert trail == [("created", "draft"), ("imported", "published")]
    system = system_user()
    assert {change.by for change in dawn.status_changes.all()} == {system}
    assert dawn.created_by == system
    assert Version.objects.get_for_object(dawn).get().revision.user == system
    draft_trail = article(203).status_changes.order_by("at", "pk")
    assert [(c.action, c.to_status) for c in draft_trail] == [
        ("created", "draft"),
        ("imported", "draft"),  # its WordPress modification time
    ]
