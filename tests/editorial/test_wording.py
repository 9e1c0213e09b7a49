"""Sentences the desk reads: no double full stop after a time (issue 18)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from editorial import preview_links, services
from tests.articles.workflow_helpers import article_by

pytestmark = pytest.mark.django_db


def test_a_time_never_ends_in_its_own_full_stop():
    morning = timezone.now().replace(hour=6, minute=51)
    assert not services.when(morning).endswith(".")
    assert "06:51" in services.when(morning)


def test_scheduling_says_when_with_one_full_stop(contributor, editor):
    article = article_by(contributor)
    at = (timezone.now() + timedelta(days=1)).replace(hour=6, minute=51)
    services.content_publish(obj=article, by=editor, at=at)
    comment = Version.objects.get_for_object(article).first().revision.comment
    assert comment.startswith("Scheduled for ")
    assert comment.endswith(".") and not comment.endswith("..")


def test_preview_link_note_has_one_full_stop(contributor, editor):
    article = article_by(contributor)
    link = preview_links.preview_link_create(obj=article, by=editor)
    note = article.status_changes.first().note
    assert note.endswith(".") and not note.endswith(".."), (note, link)
