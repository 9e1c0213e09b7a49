"""Revisions: every save is one, editors compare two and restore one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from editorial import revisions, services
from editorial.models import StatusChange
from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def editor():
    """An editor with a full name (pages name people by it)."""
    return staff_in("Editor", "erin", first_name="Erin", last_name="Okafor")


def save_through_admin(client, article, **changes):
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def test_every_admin_save_is_a_revision_with_user_and_comment(client, editor):
    article = article_by(editor, tags=["harbour"])
    client.force_login(editor)

    save_through_admin(client, article, dek="New standfirst", workflow_note="Tightened it.")

    version = revisions.versions_of(article).first()
    assert version.revision.user == editor
    assert "Changed Standfirst." in version.revision.comment
    assert "Note: Tightened it." in version.revision.comment
    snap = revisions.snapshot(version)
    assert snap.fields["dek"] == "New standfirst"
    assert len(snap.related["bylines"]) == 1
    assert snap.display()["tags"] == "harbour"


def test_saving_without_changes_makes_no_revision(client, editor):
    article = article_by(editor)
    client.force_login(editor)
    save_through_admin(client, article)
    assert not revisions.versions_of(article).exists()


def test_inline_only_change_is_saved_and_versioned(client, editor):
    article = article_by(editor)
    second = AuthorFactory(name="Second Writer")
    client.force_login(editor)
    save_through_admin(client, article, **{"bylines-1-author": str(second.pk)})

    assert article.bylines.count() == 2
    snap = revisions.snapshot(revisions.versions_of(article).first())
    assert [b["author_id"] for b in snap.related["bylines"]][-1] == second.pk


def test_compare_view_shows_escaped_differences(client, editor):
    article = article_by(editor, body="<p>The mayor said yes.</p>")
    client.force_login(editor)
    save_through_admin(client, article, headline="First")
    save_through_admin(
        client,
        article,
        headline="<script>alert(1)</script> Second",
        body="<p>The mayor said no.</p><p>A new paragraph.</p>",
    )
    newer, older = list(revisions.versions_of(article)[:2])

    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": older.pk, "to": newer.pk},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<del>yes.&lt;/p&gt;</del>" in page or "<del>yes.</del>" in page
    assert "A new paragraph." in page
    changed = [d.name for d in response.context["changed"]]
    assert changed == ["headline", "body"]


def test_compare_view_without_two_revisions_goes_back_to_the_list(client, editor):
    article = article_by(editor)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_compare", args=[article.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_revisions", args=[article.pk])


def test_revisions_page_lists_saves_newest_first(client, editor):
    article = article_by(editor)
    client.force_login(editor)
    save_through_admin(client, article, headline="One")
    save_through_admin(client, article, headline="Two")
    response = client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.status_code == 200
    assert [v.field_dict["headline"] for v in response.context["versions"]] == ["Two", "One"]
    assert "Erin Okafor" in response.content.decode()


def test_restore_brings_back_content_as_a_new_revision(client, editor):
    first_author = AuthorFactory(name="First Author")
    article = ArticleFactory(
        status=Status.DRAFT, published_at=None, authors=[first_author], tags=["old-tag"]
    )
    client.force_login(editor)
    save_through_admin(client, article, headline="Version one", body="<p>One.</p>")
    one = revisions.versions_of(article).first()
    article.bylines.all().delete()
    Byline.objects.create(article=article, author=AuthorFactory(name="Other Author"))
    article.tags.set(["new-tag"])
    save_through_admin(client, article, headline="Version two", body="<p>Two.</p>")

    response = client.post(
        reverse("admin:articles_article_restore", args=[article.pk, one.pk]), follow=True
    )

    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.headline, article.body) == ("Version one", "<p>One.</p>")
    assert [b.author for b in article.bylines.all()] == [first_author]
    assert list(article.tags.names()) == ["old-tag"]
    latest = revisions.versions_of(article).first()
    assert latest.pk not in {one.pk}
    assert "Restored the version saved by Erin Okafor" in latest.revision.comment
    assert article.status_changes.first().action == StatusChange.Action.RESTORED


def test_restoring_a_published_article_keeps_it_published_at_its_address(client, editor):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=1), headline="Old")
    client.force_login(editor)
    save_through_admin(client, article, headline="Original words")
    original = revisions.versions_of(article).first()
    save_through_admin(client, article, headline="Rewritten words")
    slug, published_at = article.slug, article.published_at

    services.content_restore_revision(obj=article, by=editor, version=original)

    article.refresh_from_db()
    assert article.headline == "Original words"
    assert article.is_live
    assert (article.slug, article.published_at) == (slug, published_at)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_restore_confirmation_page_shows_what_changes(client, editor):
    article = article_by(editor)
    client.force_login(editor)
    save_through_admin(client, article, headline="Alpha")
    alpha = revisions.versions_of(article).first()
    save_through_admin(client, article, headline="Beta")
    response = client.get(reverse("admin:articles_article_restore", args=[article.pk, alpha.pk]))
    assert response.status_code == 200
    assert [d.name for d in response.context["changed"]] == ["headline"]
    article.refresh_from_db()
    assert article.headline == "Beta"


def test_version_of_another_article_cannot_be_restored(client, editor):
    article = article_by(editor)
    other = article_by(staff_in("Editor", "ed2"))
    client.force_login(editor)
    save_through_admin(client, other, headline="Elsewhere")
    foreign = revisions.versions_of(other).first()
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, foreign.pk]))
    assert response.status_code == 404


def test_contributor_cannot_restore_once_submitted(client):
    contributor = staff_in("Contributor", "casey")
    article = article_by(contributor)
    client.force_login(contributor)
    save_through_admin(client, article, headline="Draft words")
    version = revisions.versions_of(article).first()
    services.content_submit_for_review(obj=article, by=contributor)

    restore = reverse("admin:articles_article_restore", args=[article.pk, version.pk])
    assert client.post(restore).status_code == 403
    assert client.get(
        reverse("admin:articles_article_revisions", args=[article.pk])
    ).status_code == (200)


def test_contributor_cannot_see_revisions_of_others(client):
    contributor = staff_in("Contributor", "casey")
    other = article_by(staff_in("Contributor", "someone-else"))
    client.force_login(contributor)
    response = client.get(reverse("admin:articles_article_revisions", args=[other.pk]))
    assert response.status_code == 403  # refused, and told whose it is (issue 18)
    assert "belongs to someone else" in response.content.decode()


# --- the diff itself ----------------------------------------------------------------------


def test_inline_diff_marks_words_and_escapes():
    html = revisions.inline_diff("Rents rise <fast>", "Rents fall <fast>")
    assert html == "Rents <del>rise</del><ins>fall</ins> &lt;fast&gt;"


def test_block_diff_compares_paragraph_by_paragraph():
    html = revisions.block_diff("<p>One.</p><p>Two.</p>", "<p>One.</p><p>Three.</p><p>Four.</p>")
    assert '<div class="diff-line">&lt;p&gt;One.&lt;/p&gt;</div>' in html
    assert "<del>" in html and "Four." in html
    assert "<p>" not in html


def test_unchanged_fields_are_not_marked_changed(editor):
    article = article_by(editor)
    import reversion

    with reversion.create_revision():
        revisions.add_to_revision(article)
    version = revisions.versions_of(article).first()
    diffs = revisions.compare(revisions.snapshot(version), revisions.snapshot(version))
    assert not any(d.changed for d in diffs)


def test_revision_pages_lead_back_to_the_article_and_the_list(client, editor):
    article = article_by(editor)
    client.force_login(editor)
    save_through_admin(client, article, headline="Alpha")
    save_through_admin(client, article, headline="Beta")
    older, newer = list(revisions.versions_of(article))[1::-1]
    revisions_url = reverse("admin:articles_article_revisions", args=[article.pk])
    pages = {
        "Revisions": revisions_url,
        "Compare": reverse("admin:articles_article_compare", args=[article.pk])
        + f"?from={older.pk}&to={newer.pk}",
        "Restore": reverse("admin:articles_article_restore", args=[article.pk, older.pk]),
    }
    for last, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        crumbs = response.content.decode().split('<div class="breadcrumbs">')[1].split("</div>")[0]
        assert f'href="{change_url(article)}"' in crumbs, url
        assert crumbs.rstrip().endswith(last), url
        assert (f'href="{revisions_url}"' in crumbs) == (last != "Revisions"), url
