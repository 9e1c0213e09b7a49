"""Previews: staff see drafts through the real article page; shared links expire and end."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import preview_links
from editorial.models import PreviewLink, hash_preview_token
from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def assert_private(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.fixture
def draft(contributor):
    return article_by(
        contributor,
        headline="Harbour wall plans unveiled",
        body="<p>The draft's secret second paragraph.</p>",
    )


def test_public_page_of_a_draft_is_404(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_preview_renders_the_draft_with_the_article_template(client, editor, draft):
    client.force_login(editor)
    response = client.get(preview_url(draft))

    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Harbour wall plans unveiled" in page
    assert "The draft's secret second paragraph." in page
    assert "Preview." in page
    assert_private(response)


def test_preview_uses_the_public_views_context(client, editor, draft):
    client.force_login(editor)
    response = client.get(preview_url(draft))
    assert response.context["article"] == draft
    assert response.context["is_preview"] is True


def test_scheduled_article_preview_says_when_it_goes_out(client, editor):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=2))
    client.force_login(editor)
    page = client.get(preview_url(article)).content.decode()
    assert "is scheduled for" in page


def test_contributor_previews_own_draft_but_not_others(client, contributor, draft):
    other = article_by(staff_in("Contributor", "someone-else"))
    client.force_login(contributor)
    assert client.get(preview_url(draft)).status_code == 200
    refused = client.get(preview_url(other))
    # Issue 18: not "not found" for an article that exists — it is someone else's.
    assert refused.status_code == 403
    assert "belongs to someone else" in refused.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client, draft):
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_non_staff_user_is_sent_to_log_in(client, draft):
    client.force_login(staff_in("Editor", "former", is_staff=False))
    response = client.get(preview_url(draft))
    assert response.status_code == 302


def test_preview_of_missing_article_is_404(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:articles_article_preview", args=[9999])).status_code == 404


def test_change_form_links_to_the_preview(client, editor, draft):
    client.force_login(editor)
    page = client.get(change_url(draft)).content.decode()
    assert f'href="{preview_url(draft)}"' in page


# --- shared links ------------------------------------------------------------------------


def test_shared_link_shows_the_draft_to_anyone(client, editor, draft):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert "The draft's secret second paragraph." in response.content.decode()
    assert "please do not share it" in response.content.decode()
    assert_private(response)


def test_shared_link_url_is_absolute_from_site_url(settings, editor, draft):
    settings.SITE_URL = "https://news.example.org"
    link = preview_links.preview_link_create(obj=draft, by=editor)
    assert link.url == f"https://news.example.org/preview/{link.token}/"


def test_expired_link_is_gone(client, editor, draft):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    page = response.content.decode()
    assert "has expired" in page
    assert "secret second paragraph" not in page
    assert_private(response)


def test_revoked_link_is_gone(client, editor, draft):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    preview_links.preview_link_revoke(link=link, by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), str.upper])
def test_tampered_link_is_404(client, editor, draft, mangle):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    response = client.get(reverse("editorial:preview", kwargs={"token": mangle(link.token)}))
    assert response.status_code == 404
    assert "does not exist" in response.content.decode()
    assert_private(response)


def test_very_long_token_is_404_not_an_error(client):
    response = client.get(reverse("editorial:preview", kwargs={"token": "x" * 5000}))
    assert response.status_code == 404


def test_shared_link_only_answers_get(client, editor, draft):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    assert client.post(link.get_absolute_url()).status_code == 405


def test_share_button_creates_a_link_and_shows_it(client, editor, draft):
    client.force_login(editor)
    data = form_data(client.get(change_url(draft)))
    data["_share_preview"] = "1"

    response = client.post(change_url(draft), data, follow=True)

    link = draft.preview_links.get()
    messages = " ".join(str(m) for m in response.context["messages"])
    shown = re.search(r'href="https?://[^/"]+(/preview/([\w-]+)/)"', messages)
    assert shown, messages
    address, token = shown.groups()
    assert client.get(address).status_code == 200
    # Shown once, never stored: nothing in the row is the token.
    assert token not in {str(value) for value in vars(link).values()}
    assert link.token_hash == hash_preview_token(token)


def test_revoking_from_the_change_form(client, editor, draft):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(draft)))
    data["revoke_links"] = [str(link.pk)]

    client.post(change_url(draft), data)

    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(link.get_absolute_url()).status_code == 410


def test_contributor_cannot_share_or_forge_sharing(client, contributor, draft):
    client.force_login(contributor)
    data = form_data(client.get(change_url(draft)))
    data["_share_preview"] = "1"
    assert client.post(change_url(draft), data).status_code == 403
    assert not draft.preview_links.exists()


def test_preview_page_costs_a_fixed_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    authors = [staff_in("Contributor", f"writer{n}") for n in range(4)]
    article = article_by(authors[0], tags=["harbour", "council", "weather"])
    link = preview_links.preview_link_create(obj=article, by=editor)
    with django_assert_max_num_queries(25):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 200


def test_stored_links_keep_only_a_keyed_hash(client, editor, draft, settings):
    link = preview_links.preview_link_create(obj=draft, by=editor)
    stored = PreviewLink.objects.get(pk=link.pk)
    assert stored.token is None
    assert stored.token_hash != link.token
    assert len(stored.token_hash) == 64
    # Someone holding a copy of the table cannot make the address from the hash.
    assert client.get(f"/preview/{stored.token_hash}/").status_code == 404
    # A rotated secret keeps the link working while the old key is a fallback...
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 50, [old_key]
    assert client.get(link.get_absolute_url()).status_code == 200
    # ...and ends it once the old key is gone.
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(link.get_absolute_url()).status_code == 404
