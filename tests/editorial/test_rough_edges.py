"""Rough edges of the admin found in issue 18, each with the answer it gives now."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_forbidden_action_gets_the_admins_own_page_with_what_to_do(client, contributor):
    """A forged "Publish" from a contributor: not a bare "403 Forbidden"."""
    article = article_by(contributor, headline="My draft")
    client.force_login(contributor)
    data = form_data(client.get(change_url(article)))
    data["_publish"] = "1"
    response = client.post(change_url(article), data, HTTP_REFERER=change_url(article))
    html = response.content.decode()
    assert response.status_code == 403
    assert "403 Forbidden" not in html
    assert 'id="site-name"' in html or "site-name" in html  # the admin's header
    assert "What to do:" in html
    assert "Your role is Contributor" in html
    assert "ask an editor" in html
    assert f'href="{change_url(article)}"' in html  # back to where they came from
    assert reverse("admin:index") in html


def test_a_service_refusal_says_its_reason(client, contributor, editor):
    """A PermissionDenied with a sentence shows the sentence."""
    from django.test import RequestFactory

    from newsroom.views import permission_denied

    request = RequestFactory().get("/admin/articles/article/")
    request.user = contributor
    response = permission_denied(request, PermissionError("You may not publish articles."))
    assert response.status_code == 403
    assert "You may not publish articles." in response.content.decode()


def test_the_public_site_gets_its_own_403_page(rf):
    from django.core.exceptions import PermissionDenied

    from newsroom.views import permission_denied

    response = permission_denied(rf.get("/somewhere/"), PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page isn’t open to you" in html
    assert 'class="site-header"' in html


def test_an_expired_form_says_so_and_how_to_keep_the_work(contributor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    response = client.post(reverse("admin:articles_article_add"), {"headline": "Typed"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert "Nothing was saved" in html


def test_someone_elses_article_is_said_to_be_someone_elses(client, contributor):
    other = staff_in("Contributor", "olly")
    theirs = article_by(other, headline="Olly's draft")
    client.force_login(contributor)
    response = client.get(change_url(theirs), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("belongs to someone else" in m for m in messages), messages
    assert not any("doesn’t exist" in m or "doesn't exist" in m for m in messages)
    # The preview and revisions pages say the same rather than "not found".
    preview = client.get(reverse("admin:articles_article_revisions", args=[theirs.pk]))
    assert preview.status_code == 403
    assert "belongs to someone else" in preview.content.decode()


def test_a_missing_article_is_still_missing(client, contributor):
    client.force_login(contributor)
    response = client.get(reverse("admin:articles_article_change", args=[999999]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("doesn’t exist" in m for m in messages), messages


def test_a_refused_save_keeps_the_stored_headline_in_the_breadcrumb(client, editor):
    article = ArticleFactory(headline="Stored headline")
    client.force_login(editor)
    data = form_data(client.get(change_url(article)))
    data["headline"] = "Typed but not saved"
    data["slug"] = "not a valid slug!"
    response = client.post(change_url(article), data)
    assert response.status_code == 200  # the form came back with an error
    html = response.content.decode()
    breadcrumbs = html.split('<div class="breadcrumbs">', 1)[1].split("</div>", 1)[0]
    assert "Stored headline" in breadcrumbs
    assert "Typed but not saved" not in breadcrumbs
    assert "<title>" in html and "Typed but not saved" not in html.split("</title>")[0]
    assert 'value="Typed but not saved"' in html  # the typed text is kept in the form


def test_favicon_is_linked_and_served(client, editor):
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg") and finders.find("img/favicon.png")
    ArticleFactory(headline="Any")
    home = client.get("/").content.decode()
    assert 'rel="icon"' in home
    client.force_login(editor)
    assert 'rel="icon"' in client.get(reverse("admin:index")).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.png")


def test_no_template_comment_is_shown_to_editors(client, editor):
    """Django's ``{# #}`` comment is one line only: one spread over two lines was printed at
    the top of every article form, above the checklist."""
    from pathlib import Path

    from django.conf import settings

    client.force_login(editor)
    html = client.get(change_url(ArticleFactory())).content.decode()
    shown = [html[max(0, i - 60) : i + 60] for i in range(len(html)) if html.startswith("{#", i)]
    assert shown == []
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    unclosed = [
        f"{path}:{number}"
        for root in roots
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert unclosed == []
