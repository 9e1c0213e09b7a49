"""Editors can fix or remove a correction; its earlier text is kept. Contributors cannot."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.models import Correction
from editorial.models import StatusChange
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Action = StatusChange.Action


@pytest.fixture
def correction(editor):
    article = ArticleFactory(headline="Council votes")
    return services.article_add_correction(
        article=article, by=editor, text="We misspelt the mayor's name."
    )


def test_an_editor_edits_a_correction_and_its_history_keeps_the_old_text(correction, editor):
    services.article_change_correction(
        correction=correction, by=editor, text="We misspelt the mayor’s surname."
    )
    correction.refresh_from_db()
    assert correction.text == "We misspelt the mayor’s surname."
    texts = [v.field_dict["text"] for v in Version.objects.get_for_object(correction)]
    assert texts == ["We misspelt the mayor’s surname.", "We misspelt the mayor's name."]
    entry = correction.article.status_changes.first()
    assert entry.action == Action.CORRECTION_CHANGED
    assert "Was: We misspelt the mayor's name." in entry.note


def test_an_editor_removes_a_correction_and_the_trail_keeps_it(correction, editor):
    article = correction.article
    services.article_remove_correction(correction=correction, by=editor, reason="Wrong article.")
    assert not Correction.objects.filter(pk=correction.pk).exists()
    entry = article.status_changes.first()
    assert entry.action == Action.CORRECTION_REMOVED
    assert "Removed: We misspelt the mayor's name." in entry.note
    assert "Why: Wrong article." in entry.note


def test_contributors_cannot_edit_or_remove(correction, contributor):
    with pytest.raises(PermissionDenied):
        services.article_change_correction(correction=correction, by=contributor, text="Mine.")
    with pytest.raises(PermissionDenied):
        services.article_remove_correction(correction=correction, by=contributor)
    correction.refresh_from_db()
    assert correction.text == "We misspelt the mayor's name."


def test_an_empty_correction_is_refused(correction, editor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.article_change_correction(correction=correction, by=editor, text="  ")


def test_the_admin_edits_and_removes_through_the_services(client, correction, editor):
    url = reverse("admin:articles_correction_change", args=[correction.pk])
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert "We misspelt the mayor" in page.content.decode()  # the history
    response = client.post(url, {"kind": "correction", "text": "Fixed wording."})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:articles_article_change", args=[correction.article_id]
    )
    correction.refresh_from_db()
    assert correction.text == "Fixed wording."
    assert correction.article.status_changes.first().action == Action.CORRECTION_CHANGED

    delete = reverse("admin:articles_correction_delete", args=[correction.pk])
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert not Correction.objects.filter(pk=correction.pk).exists()
    assert correction.article.status_changes.first().action == Action.CORRECTION_REMOVED


def test_the_article_form_links_to_each_correction(client, correction, editor):
    client.force_login(editor)
    html = client.get(
        reverse("admin:articles_article_change", args=[correction.article_id])
    ).content.decode()
    assert reverse("admin:articles_correction_change", args=[correction.pk]) in html


def test_contributors_get_no_edit_page(client, correction, contributor):
    client.force_login(contributor)
    url = reverse("admin:articles_correction_change", args=[correction.pk])
    response = client.post(url, {"kind": "correction", "text": "Mine."})
    assert response.status_code in {302, 403}
    correction.refresh_from_db()
    assert correction.text == "We misspelt the mayor's name."
