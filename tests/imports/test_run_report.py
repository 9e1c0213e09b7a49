"""Running again, updating, dry runs, and failures that roll one record back."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.redirects.models import Redirect
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, Byline
from imports.models import ImportedItem
from imports.wordpress.media import Media
from imports.wordpress.posts import Posts
from tests.imports.helpers import (
    article,
    counts,
    run,
    subset,
    summary,
)

pytestmark = pytest.mark.django_db


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
