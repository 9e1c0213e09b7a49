"""Who may do what to which article, proven through the admin's real URLs.

The matrix is role × own or someone else's article × state × action. Every POST carries the
whole change form (as an administrator's browser would render it) plus forged workflow
fields, so a refusal is the server's, not a missing button's.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import services
from editorial.roles import ROLE_PERMISSIONS
from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Article.Status
ROLES = ["Contributor", "Editor", "Administrator"]
STATES = [Status.DRAFT, Status.REVIEW, Status.PUBLISHED]
ACTIONS = ["view", "edit", "submit", "publish", "unpublish", "return", "delete"]
FORGED = {
    "status": "published",
    "published_at": "2020-01-01 10:00",
    "published_at_0": "2020-01-01",
    "published_at_1": "10:00",
    "updated_at_0": "2020-01-01",
    "updated_at_1": "10:00",
    "created_by": "1",
    "version": "999",
}


def allowed(role: str, own: bool, state: str, action: str) -> bool:
    """The rules of issue 5, written out plainly."""
    editor = role in {"Editor", "Administrator"}
    if action == "view":
        return editor or own
    if action == "edit":
        return editor or (own and state == Status.DRAFT)
    if action == "submit":
        return state == Status.DRAFT and (editor or own)
    if action == "publish":
        return editor and state in {Status.DRAFT, Status.REVIEW}
    if action == "unpublish":
        return editor and state == Status.PUBLISHED
    if action == "return":
        return editor and state == Status.REVIEW
    if action == "delete":
        return editor and state != Status.PUBLISHED
    raise AssertionError(action)


def make_article(owner, state):
    published_at = timezone.now() - timedelta(hours=2) if state == Status.PUBLISHED else None
    return article_by(owner, status=state, published_at=published_at, headline="Original")


def full_form(client, article):
    """The change form as someone allowed everything sees it."""
    admin_user = UserFactory(username="form-reader", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    data = form_data(client.get(change_url(article)))
    client.logout()
    return data


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, role, own, state, action):
    user = staff_in(role, "actor")
    owner = user if own else staff_in("Contributor", "someone-else")
    article = make_article(owner, state)
    creator = article.created_by
    data = {**full_form(client, article), **FORGED}
    client.force_login(user)
    expected = allowed(role, own, state, action)

    if action == "view":
        response = client.get(change_url(article))
        assert (response.status_code == 200) is expected
        return
    if action == "delete":
        response = client.post(
            reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
        )
        assert Article.objects.filter(pk=article.pk).exists() is not expected
        if not expected:
            assert response.status_code in {302, 403}
        return

    button = {
        "edit": "_save",
        "submit": "_submit_for_review",
        "publish": "_publish",
        "unpublish": "_unpublish",
        "return": "_return_to_author",
    }[action]
    data["headline"] = "Edited"
    data["workflow_note"] = "A note."
    data[button] = "1"
    response = client.post(change_url(article), data)
    assert response.status_code in {302, 403}, response.content.decode()[:500]
    article.refresh_from_db()

    outcome = {
        "edit": article.headline == "Edited",
        "submit": article.status == Status.REVIEW and state != Status.REVIEW,
        "publish": article.is_live and state != Status.PUBLISHED,
        "unpublish": article.status == Status.UNPUBLISHED,
        "return": article.status == Status.DRAFT and state == Status.REVIEW,
    }[action]
    assert outcome is expected
    # Whatever happened, the forged fields did nothing.
    assert article.created_by == creator
    assert article.updated_at is None
    if article.status == Status.PUBLISHED:
        assert article.published_at > timezone.now() - timedelta(days=1)
    else:
        assert article.status != "published"


def test_contributor_forging_publish_on_own_draft_is_refused_and_nothing_is_saved(client):
    contributor = staff_in("Contributor", "casey")
    article = make_article(contributor, Status.DRAFT)
    client.force_login(contributor)
    data = form_data(client.get(change_url(article)))
    data.update(FORGED, headline="Sneaky edit", _publish="1", publish_at_0="2020-01-01")

    response = client.post(change_url(article), data)

    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.status, article.headline) == (Status.DRAFT, "Original")
    assert not article.status_changes.exists()


def test_contributor_edit_ignores_forged_status_fields(client):
    contributor = staff_in("Contributor", "casey")
    article = make_article(contributor, Status.DRAFT)
    client.force_login(contributor)
    data = form_data(client.get(change_url(article)))
    data.update(FORGED, headline="Honest edit")

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Honest edit"
    assert (article.status, article.published_at, article.updated_at) == (Status.DRAFT, None, None)


def test_contributor_form_has_no_workflow_fields_of_editors(client):
    contributor = staff_in("Contributor", "casey")
    article = make_article(contributor, Status.DRAFT)
    client.force_login(contributor)
    response = client.get(change_url(article))
    fields = response.context["adminform"].form.fields
    assert "publish_at" not in fields
    assert "status" not in fields
    assert "published_at" not in fields
    buttons = [b["name"] for b in response.context["workflow_buttons"]]
    assert buttons == ["_submit_for_review"]


def test_contributor_sees_own_article_in_review_read_only(client):
    contributor = staff_in("Contributor", "casey")
    article = make_article(contributor, Status.REVIEW)
    client.force_login(contributor)
    response = client.get(change_url(article))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_save"' not in page
    assert 'name="_submit_for_review"' not in page
    assert client.post(change_url(article), {"headline": "x"}).status_code == 403


def test_contributor_list_shows_only_own_articles(client):
    contributor = staff_in("Contributor", "casey")
    mine = make_article(contributor, Status.DRAFT)
    credited = ArticleFactory(status=Status.DRAFT, published_at=None, headline="Credited")
    credited.bylines.create(author=mine.bylines.get().author, position=1)
    created = ArticleFactory(status=Status.DRAFT, published_at=None, created_by=contributor)
    others = make_article(staff_in("Contributor", "someone-else"), Status.DRAFT)
    client.force_login(contributor)

    response = client.get(reverse("admin:articles_article_changelist"))

    shown = set(response.context["cl"].result_list)
    assert shown == {mine, credited, created}
    assert others not in shown


def test_contributor_may_add_and_becomes_creator(client):
    contributor = staff_in("Contributor", "casey")
    section = ArticleFactory.build().section
    section.save()
    client.force_login(contributor)
    add_url = reverse("admin:articles_article_add")
    data = form_data(client.get(add_url))
    data.update(
        FORGED,
        headline="Night buses return",
        section=str(section.pk),
        body="<p>From Monday.</p>",
    )

    response = client.post(add_url, data)

    assert response.status_code == 302
    article = Article.objects.get(headline="Night buses return")
    assert article.created_by == contributor
    assert (article.status, article.published_at) == (Status.DRAFT, None)
    client.get(change_url(article))
    assert client.get(change_url(article)).status_code == 200


def test_bulk_publish_is_not_offered_to_contributors(client):
    contributor = staff_in("Contributor", "casey")
    article = make_article(contributor, Status.DRAFT)
    client.force_login(contributor)
    changelist = reverse("admin:articles_article_changelist")
    actions = dict(client.get(changelist).context["action_form"].fields["action"].choices)
    assert "publish_selected" not in actions
    assert "submit_selected" in actions

    response = client.post(
        changelist, {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert response.status_code in {200, 302}


def test_bulk_actions_call_the_services(client):
    editor = staff_in("Editor", "erin")
    ready = make_article(staff_in("Contributor", "casey"), Status.REVIEW)
    no_byline = ArticleFactory(status=Status.REVIEW, published_at=None, authors=[])
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, no_byline.pk]},
        follow=True,
    )

    ready.refresh_from_db()
    no_byline.refresh_from_db()
    assert ready.is_live
    assert no_byline.status == Status.REVIEW
    texts = [str(m) for m in response.context["messages"]]
    assert "1 article published." in texts
    assert any("Credit at least one author" in t for t in texts)
    assert ready.status_changes.first().by == editor


@pytest.mark.parametrize(
    ("role", "codename", "has_it"),
    [
        ("Contributor", "articles.add_article", True),
        ("Contributor", "articles.publish_article", False),
        ("Contributor", "articles.delete_article", False),
        ("Contributor", "articles.change_any_article", False),
        ("Editor", "articles.publish_article", True),
        ("Editor", "articles.review_article", True),
        ("Editor", "articles.change_section", True),
        ("Editor", "authors.change_author", True),
        ("Editor", "books.change_book", True),
        ("Editor", "taggit.change_tag", True),
        ("Editor", "auth.change_user", False),
        ("Editor", "auth.change_group", False),
        ("Administrator", "auth.change_user", True),
        ("Administrator", "auth.change_group", True),
        ("Administrator", "articles.publish_article", True),
    ],
)
def test_role_groups_carry_their_permissions(role, codename, has_it):
    user = staff_in(role, "someone")
    assert user.has_perm(codename) is has_it


def test_every_role_exists():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_PERMISSIONS)


def test_published_article_cannot_be_deleted_until_unpublished(client):
    editor = staff_in("Editor", "erin")
    article = ArticleFactory()
    client.force_login(editor)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    article.status = Status.UNPUBLISHED
    article.save()
    client.post(delete_url, {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()


def test_editor_deletes_a_draft_with_its_history(client):
    editor = staff_in("Editor", "erin")
    article = make_article(editor, Status.DRAFT)
    services.content_submit_for_review(obj=article, by=editor)
    client.force_login(editor)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert "status change" not in str(client.get(delete_url).context["perms_lacking"])
    client.post(delete_url, {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()
