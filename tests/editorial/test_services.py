"""The workflow services: transitions, checks, audit trail, redirects, corrections."""

from datetime import timedelta

import pytest
from django.contrib.redirects.models import Redirect
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from reversion.models import Version

from articles import services as article_services
from articles.models import Article, Correction
from editorial import preview_links, services
from editorial.models import StatusChange
from tests.articles.workflow_helpers import article_by
from tests.factories import ArticleFactory, image_file

pytestmark = pytest.mark.django_db

Status = Article.Status
Action = StatusChange.Action


@pytest.fixture
def draft(contributor):
    return article_by(contributor, headline="Bridge repairs begin in spring")


def test_contributor_walks_draft_to_review_and_editor_publishes(draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor, note="Ready.")
    assert draft.status == Status.REVIEW
    services.content_publish(obj=draft, by=editor)

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at <= timezone.now()
    assert Article.objects.live().filter(pk=draft.pk).exists()
    trail = list(draft.status_changes.order_by("at", "pk").values_list("action", "by__username"))
    assert trail == [(Action.SUBMITTED, "casey"), (Action.PUBLISHED, "erin")]


def test_every_transition_records_who_from_to_when_and_note(draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor)
    services.content_return_to_author(obj=draft, by=editor, note="Add the council's reply.")

    change = draft.status_changes.first()
    assert change.action == Action.RETURNED
    assert (change.from_status, change.to_status) == (Status.REVIEW, Status.DRAFT)
    assert change.by == editor
    assert change.note == "Add the council's reply."
    assert timezone.now() - change.at < timedelta(minutes=1)


def test_every_transition_is_a_revision_with_user_and_comment(draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor)
    services.content_publish(obj=draft, by=editor)

    revisions = [v.revision for v in Version.objects.get_for_object(draft)]
    assert [(r.user, r.comment) for r in revisions] == [
        (editor, "Published."),
        (contributor, "Submitted for review."),
    ]


def test_publishing_at_a_future_time_schedules_without_cron(draft, editor):
    later = timezone.now() + timedelta(hours=3)
    services.content_publish(obj=draft, by=editor, at=later)

    draft.refresh_from_db()
    assert draft.is_scheduled
    assert not Article.objects.live().filter(pk=draft.pk).exists()
    assert draft.status_changes.first().action == Action.SCHEDULED
    Article.objects.filter(pk=draft.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.live().filter(pk=draft.pk).exists()


def test_scheduled_article_can_be_published_now(draft, editor):
    services.content_publish(obj=draft, by=editor, at=timezone.now() + timedelta(days=1))
    services.content_publish(obj=draft, by=editor)
    assert draft.is_live


def test_unpublishing_a_scheduled_article_cancels_the_schedule(draft, editor):
    services.content_publish(obj=draft, by=editor, at=timezone.now() + timedelta(days=1))
    services.content_unpublish(obj=draft, by=editor)

    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.DRAFT, None)
    assert draft.status_changes.first().action == Action.UNSCHEDULED


def test_unpublish_and_republish_keeps_the_original_publication_time(editor):
    first_time = timezone.now() - timedelta(days=3)
    article = ArticleFactory(published_at=first_time)
    services.content_unpublish(obj=article, by=editor)
    assert article.status == Status.UNPUBLISHED
    assert not Article.objects.live().filter(pk=article.pk).exists()

    services.content_publish(obj=article, by=editor)
    article.refresh_from_db()
    assert article.published_at == first_time
    assert article.is_live


@pytest.mark.parametrize(
    ("status", "service", "kwargs"),
    [
        (Status.REVIEW, services.content_submit_for_review, {}),
        (Status.PUBLISHED, services.content_submit_for_review, {}),
        (Status.DRAFT, services.content_return_to_author, {"note": "x"}),
        (Status.PUBLISHED, services.content_return_to_author, {"note": "x"}),
        (Status.PUBLISHED, services.content_publish, {}),
        (Status.DRAFT, services.content_unpublish, {}),
        (Status.UNPUBLISHED, services.content_unpublish, {}),
    ],
)
def test_transitions_refuse_the_wrong_state(editor, status, service, kwargs):
    published_at = timezone.now() - timedelta(hours=1) if status != Status.DRAFT else None
    article = ArticleFactory(status=status, published_at=published_at)
    with pytest.raises(ValidationError):
        service(obj=article, by=editor, **kwargs)
    article.refresh_from_db()
    assert article.status == status


def _add_correction(*, obj, **kwargs):
    """The article-only act, called like the shared services in the table below."""
    return article_services.article_add_correction(article=obj, **kwargs)


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.content_publish, {}),
        (services.content_publish, {"at": "future"}),
        (services.content_unpublish, {}),
        (services.content_return_to_author, {"note": "No."}),
        (_add_correction, {"text": "We got it wrong."}),
    ],
)
def test_contributor_may_not_run_editor_transitions(contributor, service, kwargs):
    status = Status.REVIEW if service is services.content_return_to_author else Status.DRAFT
    if service in {services.content_unpublish, _add_correction}:
        status = Status.PUBLISHED
    article = article_by(
        contributor,
        status=status,
        published_at=timezone.now() - timedelta(hours=1) if status == Status.PUBLISHED else None,
    )
    if kwargs.get("at") == "future":
        kwargs = {"at": timezone.now() + timedelta(days=1)}
    with pytest.raises(PermissionDenied):
        service(obj=article, by=contributor, **kwargs)
    assert not article.status_changes.exists()


def test_contributor_may_not_submit_someone_elses_draft(contributor, editor):
    other = article_by(editor)
    with pytest.raises(PermissionDenied):
        services.content_submit_for_review(obj=other, by=contributor)


def test_return_to_author_needs_a_note(editor, contributor, draft):
    services.content_submit_for_review(obj=draft, by=contributor)
    with pytest.raises(ValidationError) as refused:
        services.content_return_to_author(obj=draft, by=editor, note="  ")
    assert "note" in refused.value.message_dict
    assert draft.status == Status.REVIEW


def test_publish_needs_alt_text_when_there_is_a_featured_image(editor, contributor):
    article = article_by(contributor, featured_image=image_file("bridge.jpg"))
    with pytest.raises(ValidationError) as refused:
        services.content_publish(obj=article, by=editor)
    assert "alt text" in refused.value.message_dict["featured_image_alt"][0]
    article.refresh_from_db()
    assert article.status == Status.DRAFT


@pytest.mark.parametrize(
    "alt",
    [
        "IMG_2041.JPG",
        "DSC-0042",
        "12345",
        "photo",
        "29440323458_e31a08e3ad_b",  # a Flickr file name (issue 18)
        "20240612_142233",
        "3f2b9c1e-8d4a-4b7e-9a51-0c6d2e7f1a90",
    ],
)
def test_publish_refuses_alt_text_that_describes_nothing(editor, contributor, alt):
    article = article_by(
        contributor, featured_image=image_file("bridge.jpg"), featured_image_alt=alt
    )
    with pytest.raises(ValidationError) as refused:
        services.content_publish(obj=article, by=editor)
    message = refused.value.message_dict["featured_image_alt"][0]
    assert "Describe" in message or "describe" in message or "Say what it shows" in message


@pytest.mark.parametrize(
    "alt", ["A ferry leaving the harbour at dawn", "The M-25 motorway near junction 10"]
)
def test_publish_accepts_alt_text_written_by_a_person(editor, contributor, alt):
    article = article_by(
        contributor, featured_image=image_file("bridge.jpg"), featured_image_alt=alt
    )
    services.content_publish(obj=article, by=editor)
    article.refresh_from_db()
    assert article.is_live


def test_publish_needs_a_byline(editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None, authors=[])
    with pytest.raises(ValidationError) as refused:
        services.content_publish(obj=article, by=editor)
    assert "Credit at least one author" in " ".join(refused.value.messages)


def test_publish_needs_text(editor, contributor):
    article = article_by(contributor, body="")
    with pytest.raises(ValidationError) as refused:
        services.content_publish(obj=article, by=editor)
    assert "body" in refused.value.message_dict


def test_transition_from_a_stale_object_does_not_write_old_content(editor, draft):
    stale = Article.objects.get(pk=draft.pk)
    Article.objects.filter(pk=draft.pk).update(headline="Fresh headline")
    stale.headline = "Stale headline"
    services.content_publish(obj=stale, by=editor)
    draft.refresh_from_db()
    assert draft.headline == "Fresh headline"
    assert draft.status == Status.PUBLISHED


def test_article_save_refuses_a_stale_version(editor, draft):
    mine = Article.objects.get(pk=draft.pk)
    theirs = Article.objects.get(pk=draft.pk)
    theirs.dek = "Their standfirst"
    services.content_save(obj=theirs, by=editor)

    mine.dek = "My standfirst"
    with pytest.raises(services.EditConflict) as refused:
        services.content_save(obj=mine, by=editor)
    assert "erin" in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.dek == "Their standfirst"


def test_article_save_keeps_workflow_fields_as_stored(contributor, draft):
    draft.status = Status.PUBLISHED
    draft.published_at = timezone.now()
    services.content_save(obj=draft, by=contributor)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.DRAFT, None)


def test_new_article_is_a_draft_owned_by_its_creator(contributor):
    article = Article(
        headline="Ferry timetable changes",
        section=ArticleFactory.build().section,
        status=Status.PUBLISHED,
    )
    article.section.save()
    services.content_save(obj=article, by=contributor)
    assert article.created_by == contributor
    assert article.status == Status.DRAFT
    assert article.status_changes.get().action == Action.CREATED


# --- addresses --------------------------------------------------------------------------


def test_changing_a_published_slug_redirects_the_old_address(editor):
    article = ArticleFactory(slug="old-name")
    services.content_change_slug(obj=article, by=editor, slug="new-name")
    redirect = Redirect.objects.get(old_path="/articles/old-name/")
    assert redirect.new_path == "/articles/new-name/"
    assert article.status_changes.first().action == Action.SLUG_CHANGED


def test_redirect_chains_collapse_to_the_latest_address(editor, client):
    article = ArticleFactory(slug="first")
    services.content_change_slug(obj=article, by=editor, slug="second")
    services.content_change_slug(obj=article, by=editor, slug="third")

    paths = dict(Redirect.objects.values_list("old_path", "new_path"))
    assert paths == {
        "/articles/first/": "/articles/third/",
        "/articles/second/": "/articles/third/",
    }
    response = client.get("/articles/first/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/third/"


def test_taking_back_an_old_slug_leaves_no_loop(editor, client):
    article = ArticleFactory(slug="alpha")
    services.content_change_slug(obj=article, by=editor, slug="beta")
    services.content_change_slug(obj=article, by=editor, slug="alpha")

    paths = dict(Redirect.objects.values_list("old_path", "new_path"))
    assert paths == {"/articles/beta/": "/articles/alpha/"}
    assert client.get("/articles/alpha/").status_code == 200


def test_draft_slug_change_makes_no_redirect(contributor, draft):
    services.content_change_slug(obj=draft, by=contributor, slug="another-name")
    assert not Redirect.objects.exists()


def test_slug_change_refuses_a_taken_or_invalid_slug(editor):
    ArticleFactory(slug="taken")
    article = ArticleFactory(slug="mine")
    for bad in ["taken", "not a slug!", ""]:
        with pytest.raises(ValidationError) as refused:
            services.content_change_slug(obj=article, by=editor, slug=bad)
        assert "slug" in refused.value.message_dict
    article.refresh_from_db()
    assert article.slug == "mine"


# --- corrections ------------------------------------------------------------------------


def test_correction_is_dated_shown_in_order_and_updates_the_article(editor):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=2))
    first = article_services.article_add_correction(
        article=article, by=editor, text="An earlier version misspelt the mayor's name."
    )
    second = article_services.article_add_correction(
        article=article, by=editor, text="The council replied.", kind=Correction.Kind.UPDATE
    )

    article.refresh_from_db()
    assert list(article.corrections.all()) == [first, second]
    assert article.updated_at == second.created_at
    assert article.was_updated
    assert first.get_absolute_url() == f"/articles/{article.slug}/#correction-{first.pk}"
    actions = list(article.status_changes.values_list("action", flat=True))
    assert actions == [Action.UPDATED, Action.CORRECTED]


def test_correction_is_refused_on_an_unpublished_article(editor, draft):
    with pytest.raises(ValidationError):
        article_services.article_add_correction(article=draft, by=editor, text="Fix.")
    assert not draft.corrections.exists()


def test_correction_needs_text(editor):
    article = ArticleFactory()
    with pytest.raises(ValidationError):
        article_services.article_add_correction(article=article, by=editor, text=" ")


# --- preview links ----------------------------------------------------------------------


def test_preview_link_expires_after_seven_days_by_default(editor, draft):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    assert link.is_active
    assert len(link.token) >= 40
    preview_links.preview_link_revoke(link=link, by=editor)
    link.refresh_from_db()
    assert not link.is_active
    actions = list(draft.status_changes.values_list("action", flat=True))
    assert actions == [Action.PREVIEW_REVOKED, Action.PREVIEW_SHARED]


def test_contributor_may_not_share_previews(contributor, draft):
    with pytest.raises(PermissionDenied):
        preview_links.preview_link_create(obj=draft, by=contributor)


def test_the_system_user_acts_where_no_person_does_and_cannot_sign_in(editor):
    system = services.system_user()
    assert services.system_user() == system
    assert not system.is_active
    assert not system.has_usable_password()
    draft = article_by(editor)

    with pytest.raises(PermissionDenied):
        services.content_publish(obj=draft, by=system)
    services.content_publish(obj=draft, by=system, skip_permission_checks=True)

    draft.refresh_from_db()
    assert draft.is_live
    entry = draft.status_changes.first()
    assert (entry.action, entry.by) == (Action.PUBLISHED, system)
    assert Version.objects.get_for_object(draft).first().revision.user == system


def test_skip_checks_publishes_what_another_system_already_published(editor):
    """Importers bring in published posts that may lack what our own checks ask for."""
    bare = ArticleFactory(status=Status.DRAFT, published_at=None, body="")
    with pytest.raises(ValidationError):
        services.content_publish(obj=bare, by=editor)
    earlier = timezone.now() - timedelta(days=400)
    services.content_publish(obj=bare, by=editor, at=earlier, skip_checks=True)
    bare.refresh_from_db()
    assert bare.is_live
    assert bare.published_at == earlier


def test_adopting_an_imported_state_is_audited_and_not_for_contributors(editor, contributor):
    draft = article_by(contributor)
    earlier = timezone.now() - timedelta(days=30)
    with pytest.raises(PermissionDenied):
        services.content_adopt_state(
            obj=draft, by=contributor, status=Status.PUBLISHED, published_at=earlier
        )
    with pytest.raises(ValidationError):
        services.content_adopt_state(
            obj=draft, by=services.system_user(), status=Status.PUBLISHED, published_at=None
        )
    services.content_adopt_state(
        obj=draft, by=services.system_user(), status=Status.PUBLISHED, published_at=earlier
    )
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.PUBLISHED, earlier)
    assert draft.status_changes.first().action == Action.IMPORTED
    count = draft.status_changes.count()
    services.content_adopt_state(
        obj=draft, by=editor, status=Status.PUBLISHED, published_at=earlier
    )
    assert draft.status_changes.count() == count  # the same state writes nothing
