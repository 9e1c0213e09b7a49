"""The article admin's workflow: buttons and bulk actions walking an article to readers,
refusals with reasons, stale saves that never lose an edit, and the audit trail."""

from datetime import timedelta

import pytest
from django.contrib.redirects.models import Redirect
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from editorial import services
from editorial.models import StatusChange
from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import ArticleFactory, image_file

pytestmark = pytest.mark.django_db

Status = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


@pytest.fixture
def editor():
    """An editor with a full name (pages name people by it)."""
    return staff_in("Editor", "erin", first_name="Erin", last_name="Okafor")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def post_form(client, article, **changes):
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    return client.post(change_url(article), data, follow=True)


# --- workflow buttons -----------------------------------------------------------------------


def test_contributor_and_editor_walk_an_article_to_published(client, contributor, editor):
    article = article_by(contributor, headline="Library opens late")
    client.force_login(contributor)
    response = post_form(client, article, _submit_for_review="1", workflow_note="Ready to go.")
    assert any("Submitted for review" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.status == Status.REVIEW

    client.force_login(editor)
    response = post_form(client, article, _publish="1")
    assert any("Published" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.is_live
    assert client.get(article.get_absolute_url()).status_code == 200
    trail = [(c.action, c.by) for c in article.status_changes.order_by("at", "pk")]
    assert trail == [
        (StatusChange.Action.SUBMITTED, contributor),
        (StatusChange.Action.PUBLISHED, editor),
    ]
    assert article.status_changes.get(action="submitted").note == "Ready to go."


def test_return_to_author_needs_a_note_and_shows_it_to_the_author(client, contributor, editor):
    article = article_by(contributor, status=Status.REVIEW)
    client.force_login(editor)
    response = post_form(client, article, _return_to_author="1")
    assert response.context["adminform"].form.errors["workflow_note"]
    article.refresh_from_db()
    assert article.status == Status.REVIEW

    post_form(client, article, _return_to_author="1", workflow_note="Add the ferry times.")
    article.refresh_from_db()
    assert article.status == Status.DRAFT

    client.force_login(contributor)
    response = client.get(change_url(article))
    assert "Add the ferry times." in response.content.decode()
    assert "Returned to the author" in response.content.decode()
    changelist = client.get(CHANGELIST).content.decode()
    assert "Returned" in changelist


def test_schedule_from_the_form_and_cancel(client, editor):
    article = article_by(editor)
    later = timezone.localtime() + timedelta(days=2)
    client.force_login(editor)
    response = post_form(
        client,
        article,
        _publish="1",
        publish_at_0=later.strftime("%Y-%m-%d"),
        publish_at_1=later.strftime("%H:%M:%S"),
    )
    assert any("Scheduled" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.is_scheduled
    assert "Scheduled" in client.get(CHANGELIST).content.decode()

    response = post_form(client, article, _unpublish="1")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.DRAFT, None)


def test_schedule_in_the_past_is_refused(client, editor):
    article = article_by(editor)
    earlier = timezone.localtime() - timedelta(days=2)
    client.force_login(editor)
    response = post_form(
        client,
        article,
        _publish="1",
        publish_at_0=earlier.strftime("%Y-%m-%d"),
        publish_at_1="10:00:00",
    )
    assert "Choose a time in the future" in str(response.context["adminform"].form.errors)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_publish_without_alt_text_shows_the_error_on_the_field_and_saves_nothing(client, editor):
    article = article_by(editor, featured_image=image_file("pier.jpg"))
    client.force_login(editor)
    response = post_form(client, article, _publish="1", headline="Changed")
    errors = response.context["adminform"].form.errors
    assert "alt text" in errors["featured_image_alt"][0]
    article.refresh_from_db()
    assert (article.status, article.headline) != (Status.PUBLISHED, "Changed")
    assert article.status == Status.DRAFT


@pytest.mark.parametrize(
    ("alt", "why"),
    [("DSC_0042.JPG", "file name"), ("20240612", "digits"), ("image", "does not describe")],
)
def test_alt_text_that_describes_nothing_is_refused_with_the_reason(client, editor, alt, why):
    article = article_by(editor, featured_image=image_file("pier.jpg"))
    client.force_login(editor)
    response = post_form(client, article, featured_image_alt=alt)
    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.errors["featured_image_alt"])
    assert why in message
    article.refresh_from_db()
    assert article.featured_image_alt == ""


def test_publish_without_byline_saves_the_edit_and_says_why_not_published(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None, authors=[])
    client.force_login(editor)
    response = post_form(client, article, _publish="1", dek="Kept edit")
    article.refresh_from_db()
    assert article.dek == "Kept edit"
    assert article.status == Status.DRAFT
    assert any("Credit at least one author" in m for m in messages_of(response))


def test_correction_from_the_form_is_dated_and_updates_the_article(client, editor):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    response = post_form(
        client,
        article,
        correction_kind=Correction.Kind.CORRECTION,
        correction_text="The bridge is 40 metres long, not 400.",
    )
    correction = article.corrections.get()
    assert correction.text == "The bridge is 40 metres long, not 400."
    assert correction.created_by == editor
    article.refresh_from_db()
    assert article.updated_at == correction.created_at
    assert any("note was added" in m for m in messages_of(response))
    assert "40 metres long" in client.get(change_url(article)).content.decode()


def test_slug_change_of_published_article_through_the_form_redirects(client, editor):
    article = ArticleFactory(slug="old-address")
    client.force_login(editor)
    post_form(client, article, slug="new-address")
    assert client.get("/articles/old-address/").status_code == 301
    assert Redirect.objects.get().new_path == "/articles/new-address/"


def test_bulk_submit_for_contributor(client, contributor):
    mine = article_by(contributor)
    client.force_login(contributor)
    client.post(CHANGELIST, {"action": "submit_selected", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.status == Status.REVIEW


# --- never lose an edit -------------------------------------------------------------------


def test_stale_save_is_refused_naming_who_and_keeping_the_text(client, editor):
    ben = staff_in("Editor", "ben", first_name="Ben", last_name="Ortiz")
    article = article_by(editor)
    client.force_login(editor)
    post_form(client, article, body="<p>Where we both started.</p>")
    mine = form_data(client.get(change_url(article)))
    client.force_login(ben)
    theirs = form_data(client.get(change_url(article)))
    theirs["body"] = "<p>Ben's paragraph.</p>"
    assert client.post(change_url(article), theirs).status_code == 302

    client.force_login(editor)
    mine["body"] = "<p>Erin's paragraph.</p>"
    response = client.post(change_url(article), mine)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Ben Ortiz saved this article at" in errors
    assert "after you opened it" in errors
    assert "Erin&#x27;s paragraph." in response.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>Ben's paragraph.</p>"
    diff = response.context["adminform"].form.conflict_diff
    assert [d.name for d in diff] == ["body"]


def test_stale_save_can_knowingly_overwrite_the_version_shown(client, editor):
    ben = staff_in("Editor", "ben")
    article = article_by(editor)
    client.force_login(editor)
    mine = form_data(client.get(change_url(article)))
    client.force_login(ben)
    theirs = form_data(client.get(change_url(article)))
    theirs["dek"] = "Ben's standfirst"
    client.post(change_url(article), theirs)

    client.force_login(editor)
    mine["dek"] = "Erin's standfirst"
    refused = client.post(change_url(article), mine)
    retry = form_data(refused)
    assert retry["acknowledged_version"] == str(Article.objects.get(pk=article.pk).version)
    retry["keep_mine"] = "on"
    response = client.post(change_url(article), retry)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.dek == "Erin's standfirst"


def test_overwrite_is_refused_again_if_a_third_save_came_in(client, editor):
    ben = staff_in("Editor", "ben")
    article = article_by(editor)
    client.force_login(editor)
    mine = form_data(client.get(change_url(article)))
    services.content_save(obj=Article.objects.get(pk=article.pk), by=ben)

    mine["dek"] = "Erin's standfirst"
    retry = form_data(client.post(change_url(article), mine))
    retry["keep_mine"] = "on"
    services.content_save(obj=Article.objects.get(pk=article.pk), by=ben)
    response = client.post(change_url(article), retry)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.dek != "Erin's standfirst"


def test_workflow_change_by_someone_else_also_counts(client, editor, contributor):
    article = article_by(contributor)
    client.force_login(contributor)
    mine = form_data(client.get(change_url(article)))
    services.content_submit_for_review(obj=article, by=contributor)
    services.content_return_to_author(obj=article, by=editor, note="Shorter please.")

    mine["headline"] = "A stale edit"
    response = client.post(change_url(article), mine)
    assert response.status_code == 200
    assert "Erin Okafor saved this article" in " ".join(
        response.context["adminform"].form.non_field_errors()
    )


# --- audit trail ------------------------------------------------------------------------------


def test_audit_trail_on_the_article_and_in_its_own_list(client, contributor, editor):
    article = article_by(contributor, headline="Pool reopens")
    services.content_submit_for_review(obj=article, by=contributor)
    services.content_publish(obj=article, by=editor)
    client.force_login(editor)

    page = client.get(change_url(article)).content.decode()
    assert "Workflow history" in page
    assert "Submitted for review" in page

    trail = reverse("admin:editorial_statuschange_changelist")
    response = client.get(trail, {"action__exact": "published"})
    rows = list(response.context["cl"].result_list)
    assert [(r.content_object, r.by) for r in rows] == [(article, editor)]
    assert client.get(reverse("admin:editorial_statuschange_add")).status_code == 403


def test_contributor_sees_only_the_trail_of_own_articles(client, contributor, editor):
    mine = article_by(contributor)
    services.content_submit_for_review(obj=mine, by=contributor)
    other = article_by(editor)
    services.content_submit_for_review(obj=other, by=editor)
    client.force_login(contributor)
    response = client.get(reverse("admin:editorial_statuschange_changelist"))
    assert {r.content_object for r in response.context["cl"].result_list} == {mine}
