""" "Send as newsletter" on a live article's change form: it opens the newsletter's Send
form with the article chosen, for whoever may send newsletters (articles/admin.py)."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsletters.models import Newsletter
from tests.articles.workflow_helpers import article_by, change_url, staff_in

pytestmark = pytest.mark.django_db

LABEL = "Send as newsletter"


def may_send(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="newsletters", codename="add_send")
    )
    return user


def object_tools(html: str) -> dict[str, str]:
    tools = BeautifulSoup(html, "html.parser").select(".object-tools a")
    return {a.get_text(strip=True): a["href"] for a in tools}


def live(user, **kwargs) -> Article:
    return article_by(
        user,
        headline="Night ferry returns",
        dek="The crossing runs again after midnight.",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
        **kwargs,
    )


def test_a_live_article_offers_to_send_it_as_a_newsletter(client):
    Newsletter.objects.create(name="Daily digest", slug="daily-digest", is_default=True)
    editor = may_send(staff_in("Editor"))
    article = live(editor)
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    tools = object_tools(html)
    send_add = reverse("admin:newsletters_send_add")
    assert tools[LABEL] == f"{send_add}?articles={article.pk}"
    assert "Revisions" in tools and 'id="desk-bar"' in html  # the rest of the desk is as before

    page = client.get(tools[LABEL])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Night ferry returns"' in html
    assert "The crossing runs again after midnight." in html


@pytest.mark.parametrize(
    "status, published_at",
    [
        (Article.Status.DRAFT, None),
        (Article.Status.REVIEW, None),
        (Article.Status.PUBLISHED, timezone.now() + timedelta(days=3)),  # scheduled
        (Article.Status.UNPUBLISHED, timezone.now() - timedelta(days=3)),
    ],
)
def test_no_link_for_an_article_readers_cannot_see(client, status, published_at):
    editor = may_send(staff_in("Editor"))
    article = article_by(editor, status=status, published_at=published_at)
    client.force_login(editor)
    tools = object_tools(client.get(change_url(article)).content.decode())
    assert "Revisions" in tools
    assert LABEL not in tools


def test_no_link_for_a_contributor_or_anyone_who_may_not_send(client):
    contributor = staff_in("Contributor")
    client.force_login(contributor)
    response = client.get(change_url(live(contributor)))
    assert response.status_code == 200
    assert LABEL not in object_tools(response.content.decode())

    editor = staff_in("Editor", "no-newsletters")
    if editor.has_perm("newsletters.add_send"):  # roles may grant it (editorial/roles.py)
        editor.groups.clear()
        editor.user_permissions.set(
            Permission.objects.filter(group__name="Editor").exclude(
                content_type__app_label="newsletters"
            )
        )
        editor = type(editor).objects.get(pk=editor.pk)
    client.force_login(editor)
    article = live(editor)
    assert LABEL not in object_tools(client.get(change_url(article)).content.decode())
