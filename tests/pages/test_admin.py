"""Pages in the admin: who may manage them, the clash refusal, stale edits, revisions and
the preview — all through the editorial machinery articles use."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from editorial import permissions, preview_links, services
from pages.models import Page
from tests.articles.workflow_helpers import form_data
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/pages/page/add/"


def change_url(page):
    return reverse("admin:pages_page_change", args=[page.pk])


def add_data(**extra):
    data = {
        "title": "Republishing policy",
        "slug": "republishing",
        "body": "<p>You may republish our stories.</p>",
        "placement": "footer",
        "position": "3",
    }
    data.update(extra)
    return data


def test_roles_editors_manage_pages_contributors_cannot(editor, contributor):
    assert permissions.can_add(editor, Page) and permissions.can_publish(editor, Page)
    assert not permissions.can_add(contributor, Page)
    assert not permissions.has_model_perm(contributor, Page, "view")
    assert "view_tip" in Group.objects.get(name="Editor").permissions.values_list(
        "codename", flat=True
    )


def test_contributor_cannot_open_the_pages_admin(client, contributor, page):
    client.force_login(contributor)
    assert client.get("/admin/pages/page/").status_code == 403
    assert client.get(change_url(page)).status_code == 403
    assert client.post(ADD_URL, add_data()).status_code == 403
    assert not Page.objects.filter(slug="republishing").exists()


def test_editor_makes_a_page_in_the_admin(client, editor):
    client.force_login(editor)
    form = client.get(ADD_URL)
    assert form.status_code == 200
    data = form_data(form)
    data.update(add_data())
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    page = Page.objects.get(slug="republishing")
    assert page.status == Page.Status.DRAFT and page.created_by == editor
    assert Version.objects.get_for_object(page).count() == 1


def test_the_form_refuses_a_clashing_address_with_a_clear_message(client, editor):
    client.force_login(editor)
    data = form_data(client.get(ADD_URL))
    data.update(add_data(slug="search"))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "belongs to the site itself" in " ".join(errors["slug"])
    assert not Page.objects.filter(slug="search").exists()


def test_nested_address_in_the_admin(client, editor, page):
    client.force_login(editor)
    data = form_data(client.get(ADD_URL))
    data.update(add_data(slug="masthead", parent=str(page.pk)))
    assert client.post(ADD_URL, data).status_code == 302
    assert Page.objects.get(slug="masthead").get_absolute_url() == "/about/masthead/"


def test_stale_edit_is_refused(client, editor, page):
    client.force_login(editor)
    opened = form_data(client.get(change_url(page)))
    page.body = "<p>Someone else's newer text.</p>"
    services.content_save(obj=page, by=editor)
    opened["body"] = "<p>My older edit.</p>"
    response = client.post(change_url(page), opened)
    assert response.status_code == 200  # the form again, with the conflict explained
    page.refresh_from_db()
    assert "newer text" in page.body


def test_revisions_compare_and_restore(client, editor, page):
    services.content_save(obj=page, by=editor)  # a first revision with the original text
    page.refresh_from_db()
    page.body = "<p>Second version.</p>"
    services.content_save(obj=page, by=editor)
    versions = list(Version.objects.get_for_object(page))
    assert len(versions) == 2
    client.force_login(editor)
    listing = client.get(reverse("admin:pages_page_revisions", args=[page.pk]))
    assert listing.status_code == 200
    compare = client.get(
        reverse("admin:pages_page_compare", args=[page.pk]),
        {"from": versions[1].pk, "to": versions[0].pk},
    )
    assert compare.status_code == 200
    services.content_restore_revision(
        obj=Page.objects.get(pk=page.pk), by=editor, version=versions[1]
    )
    page.refresh_from_db()
    assert "What this page says." in page.body
    assert page.is_live  # restoring text keeps the page where it is


def test_staff_preview_of_a_draft(client, editor):
    draft = PageFactory(slug="draft-page", status="draft", published_at=None, body="<p>Soon.</p>")
    assert client.get("/draft-page/").status_code == 404
    client.force_login(editor)
    response = client.get(reverse("admin:pages_page_preview", args=[draft.pk]))
    assert response.status_code == 200
    assert "Soon." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response.content.decode()


def test_shared_preview_link(client, editor):
    draft = PageFactory(slug="draft-page", status="draft", published_at=None, body="<p>Soon.</p>")
    link = preview_links.preview_link_create(obj=draft, by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200 and "Soon." in response.content.decode()


def test_publish_through_the_workflow(editor):
    draft = PageFactory(slug="later", status="draft", published_at=None)
    services.content_publish(obj=draft, by=editor)
    assert Page.objects.live().filter(pk=draft.pk).exists()
