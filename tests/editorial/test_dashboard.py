"""The desk: the admin's home page lists what waits for whom, for articles and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from authors.models import Author
from editorial import desk, services
from tests.articles.workflow_helpers import staff_in
from tests.factories import ArticleFactory, AuthorFactory, PageFactory

pytestmark = pytest.mark.django_db

Status = Article.Status
INDEX = reverse("admin:index")


def article_by(user, **kwargs) -> Article:
    """A draft credited to ``user`` (one author profile per login, however many drafts)."""
    author = Author.objects.filter(user=user).first() or AuthorFactory(user=user)
    kwargs.setdefault("status", Status.DRAFT)
    kwargs.setdefault("published_at", None)
    return ArticleFactory(authors=[author], **kwargs)


def lists_of(user, model=Article) -> dict:
    section = desk.desk_section(user, model)
    return {box.key: box for box in section.lists}


def titles(box) -> list[str]:
    return [str(item) for item in box.items]


def test_waiting_for_review_is_oldest_submission_first(contributor, editor):
    first = article_by(contributor, headline="First in")
    second = article_by(contributor, headline="Second in")
    services.content_submit_for_review(obj=first, by=contributor)
    services.content_submit_for_review(obj=second, by=contributor)
    # An editor touching the first one later does not move it down the queue.
    first.refresh_from_db()
    services.content_save(obj=first, by=editor)
    box = lists_of(editor)["review"]
    assert box.count == 2
    assert titles(box) == ["First in", "Second in"]
    assert box.items[0].submitted_at <= box.items[1].submitted_at


def test_scheduled_with_times_drafts_returned_and_published(contributor, editor):
    soon = timezone.now() + timedelta(hours=2)
    later = timezone.now() + timedelta(days=2)
    ArticleFactory(headline="Later", status=Status.PUBLISHED, published_at=later)
    ArticleFactory(headline="Soon", status=Status.PUBLISHED, published_at=soon)
    ArticleFactory(headline="Out yesterday", published_at=timezone.now() - timedelta(days=1))
    article_by(contributor, headline="Still writing")
    returned = article_by(contributor, headline="Needs work")
    services.content_submit_for_review(obj=returned, by=contributor)
    services.content_return_to_author(obj=returned, by=editor, note="Cut the intro.")

    boxes = lists_of(editor)
    assert titles(boxes["scheduled"]) == ["Soon", "Later"]
    assert titles(boxes["published"]) == ["Out yesterday"]
    assert boxes["drafts"].count == 0  # the editor's own drafts: none

    mine = lists_of(contributor)
    assert sorted(titles(mine["drafts"])) == ["Needs work", "Still writing"]
    assert titles(mine["returned"]) == ["Needs work"]
    assert mine["returned"].items[0].returned_note == "Cut the intro."


def test_contributors_see_only_their_own(contributor, editor):
    other = staff_in("Contributor", "olly")
    theirs = article_by(other, headline="Someone else's")
    services.content_submit_for_review(obj=theirs, by=other)
    own = article_by(contributor, headline="My own")
    services.content_submit_for_review(obj=own, by=contributor)
    ArticleFactory(headline="Public piece")

    boxes = lists_of(contributor)
    assert titles(boxes["review"]) == ["My own"]
    assert boxes["published"].count == 0
    assert lists_of(editor)["review"].count == 2

    page = pytest.importorskip("django.test").Client()
    page.force_login(contributor)
    html = page.get(INDEX).content.decode()
    assert "My own" in html
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html


def test_the_home_page_shows_articles_and_pages(client, editor):
    PageFactory(title="About us", slug="about")
    ArticleFactory(headline="A published story")
    client.force_login(editor)
    response = client.get(INDEX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-desk="article"' in html and 'data-desk="page"' in html
    assert "A published story" in html and "About us" in html
    assert "Nobody else is editing right now." in html


def test_the_desk_lists_what_someone_else_has_open_now(client, editor, contributor):
    """Read from the forms' presence pings: someone else's open form is listed, one's own and
    a ping older than the presence window are not."""
    from django.contrib.contenttypes.models import ContentType

    from editorial.models import EditingPresence

    open_elsewhere = ArticleFactory(headline="Open elsewhere")
    mine = ArticleFactory(headline="Open by me")
    gone = ArticleFactory(headline="Closed an hour ago")
    kind = ContentType.objects.get_for_model(Article)
    contributor.first_name, contributor.last_name = "Olly", "Reed"
    contributor.save()
    EditingPresence.objects.create(user=contributor, content_type=kind, object_id=open_elsewhere.pk)
    EditingPresence.objects.create(user=editor, content_type=kind, object_id=mine.pk)
    EditingPresence.objects.create(
        user=contributor,
        content_type=kind,
        object_id=gone.pk,
        seen_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(editor)
    html = client.get(INDEX).content.decode()
    assert "Being edited by someone else now" in html
    assert "Open elsewhere — Olly Reed" in html
    assert "Open by me —" not in html and "Closed an hour ago —" not in html


def _fill(contributor, editor, n, start=0):
    for i in range(start, start + n):
        ArticleFactory(headline=f"Live {i}")
        ArticleFactory(
            headline=f"Scheduled {i}",
            status=Status.PUBLISHED,
            published_at=timezone.now() + timedelta(days=i + 1),
        )
        draft = article_by(contributor, headline=f"Draft {i}")
        services.content_submit_for_review(obj=draft, by=contributor)
        if i % 2:
            services.content_return_to_author(obj=draft, by=editor, note="Again.")
        PageFactory(title=f"Page {i}", slug=f"page-{i}")


@pytest.mark.parametrize("rows", [2, 25])
def test_the_desk_costs_the_same_queries_however_many_rows(
    client, contributor, editor, rows, django_assert_max_num_queries
):
    _fill(contributor, editor, rows)
    client.force_login(editor)
    client.get(INDEX)  # warm the content-type cache, as any running server has
    with django_assert_max_num_queries(31):  # 29 + who else has a form open, per kind
        response = client.get(INDEX)
    assert response.status_code == 200
    assert lists_of(editor)["review"].count == rows - rows // 2


def test_the_query_count_does_not_grow(client, contributor, editor):
    """Exactly the same number for 3 and 30 rows: no query per item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    counts = []
    for start, rows in ((0, 3), (3, 27)):
        _fill(contributor, editor, rows, start=start)
        client.get(INDEX)
        with CaptureQueriesContext(connection) as captured:
            client.get(INDEX)
        counts.append(len(captured))
    assert counts[0] == counts[1]
