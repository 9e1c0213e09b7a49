"""Notifications: who is told what, in the admin and (when configured) by email."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Article
from editorial import services
from editorial.models import Notification
from tests.articles.workflow_helpers import article_by, staff_in
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def draft(contributor):
    return article_by(contributor, headline="Tram line reopens")


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_submitting_tells_every_editor_but_not_the_writer(draft, contributor, editor):
    second = staff_in("Editor", "eli")
    services.content_submit_for_review(obj=draft, by=contributor, note="Ready.")
    assert kinds_for(editor) == [Kind.SUBMITTED]
    assert kinds_for(second) == [Kind.SUBMITTED]
    assert kinds_for(contributor) == []
    notification = Notification.objects.get(user=editor)
    assert notification.title == "Tram line reopens"
    assert notification.note == "Ready."
    assert "submitted the article “Tram line reopens” for review" in notification.sentence()


def test_returning_and_publishing_tell_the_writer(draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor)
    services.content_return_to_author(obj=draft, by=editor, note="Add the mayor's reply.")
    services.content_submit_for_review(obj=draft, by=contributor)
    services.content_publish(obj=draft, by=editor)
    assert sorted(kinds_for(contributor)) == sorted([Kind.RETURNED, Kind.PUBLISHED])
    returned = Notification.objects.get(user=contributor, kind=Kind.RETURNED)
    assert returned.note == "Add the mayor's reply."
    assert returned.actor == editor


def test_nobody_is_told_about_their_own_act(editor):
    article = article_by(editor, headline="Editor's own")
    services.content_publish(obj=article, by=editor)
    assert not Notification.objects.filter(user=editor).exists()


def test_a_refused_transition_leaves_no_notification(draft, contributor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.content_publish(obj=draft, by=contributor)
    assert not Notification.objects.exists()


def test_notifications_wait_for_the_commit_and_a_rollback_leaves_none(
    draft, contributor, editor, real_after_commit, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.content_submit_for_review(obj=draft, by=contributor)
        assert not Notification.objects.exists()  # not before the commit
        raise RuntimeError("the request failed after the transition")
    assert not Notification.objects.exists()

    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.content_submit_for_review(obj=draft, by=contributor)
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    assert kinds_for(editor) == [Kind.SUBMITTED]


def test_pages_notify_too(editor):
    writer = staff_in("Editor", "wren")
    page = PageFactory(title="About us", slug="about", status="draft", published_at=None)
    page.created_by = writer
    page.save()
    services.content_publish(obj=page, by=editor)
    assert kinds_for(writer) == [Kind.PUBLISHED]


def test_a_scheduled_article_says_scheduled(draft, editor, contributor):
    from datetime import timedelta

    from django.utils import timezone

    services.content_publish(obj=draft, by=editor, at=timezone.now() + timedelta(days=1))
    assert kinds_for(contributor) == [Kind.SCHEDULED]


# --- in the admin ---------------------------------------------------------------------------


def test_the_header_and_the_desk_show_the_unread_count(client, draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor)
    services.content_return_to_author(obj=draft, by=editor, note="Shorter, please.")
    client.force_login(contributor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Notifications (1)" in page
    assert "1 unread" in page
    assert "returned your article “Tram line reopens” to you" in page
    # Every admin page carries the count in its header.
    other = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Notifications (1)" in other


def test_opening_a_notification_marks_it_read_and_goes_to_the_item(
    client, draft, contributor, editor
):
    services.content_submit_for_review(obj=draft, by=contributor)
    notification = Notification.objects.get(user=editor)
    client.force_login(editor)
    response = client.get(reverse("admin:editorial_notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[draft.pk])
    notification.refresh_from_db()
    assert notification.is_read


def test_people_see_only_their_own_notifications(client, draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor)
    theirs = Notification.objects.get(user=editor)
    client.force_login(contributor)
    listing = client.get(reverse("admin:editorial_notification_changelist"))
    assert listing.status_code == 200
    assert "Tram line reopens" not in listing.content.decode()
    response = client.get(reverse("admin:editorial_notification_open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_all_as_read(client, draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:editorial_notification_read_all"), {"next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("admin:index")
    assert not Notification.objects.filter(user=editor).unread().exists()


def test_mark_as_read_action(client, draft, contributor, editor):
    services.content_submit_for_review(obj=draft, by=contributor)
    notification = Notification.objects.get(user=editor)
    client.force_login(editor)
    client.post(
        reverse("admin:editorial_notification_changelist"),
        {"action": "mark_read", "_selected_action": [notification.pk]},
    )
    notification.refresh_from_db()
    assert notification.is_read


# --- by email -------------------------------------------------------------------------------


def test_no_email_without_a_mail_server(draft, contributor, editor, settings, mailoutbox):
    settings.EMAIL_URL = ""
    services.content_submit_for_review(obj=draft, by=contributor)
    assert Notification.objects.get(user=editor).emailed_at is None


def test_email_goes_out_after_the_commit_through_smtp(
    draft,
    contributor,
    editor,
    smtp_server,
    real_after_commit,
    django_capture_on_commit_callbacks,
):
    editor.email = "erin@newsroom.test"
    editor.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.content_submit_for_review(obj=draft, by=contributor, note="Ready.")
    assert smtp_server.messages == []  # nothing before the commit
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message.envelope_to == ["erin@newsroom.test"]
    from email.header import decode_header, make_header

    assert "Tram line reopens" in str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode()
    assert "Ready." in body
    assert reverse("admin:articles_article_change", args=[draft.pk]) in body
    notification = Notification.objects.get(user=editor)
    assert notification.emailed_at is not None


def test_a_mail_server_that_is_down_loses_nothing(
    draft,
    contributor,
    editor,
    smtp_down,
    django_capture_on_commit_callbacks,
):
    editor.email = "erin@newsroom.test"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.content_submit_for_review(obj=draft, by=contributor)
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    notification = Notification.objects.get(user=editor)
    assert notification.emailed_at is None
    assert notification.email_error
