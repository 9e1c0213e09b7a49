"""Authors in the admin: editors can add them, errors are clear, saves are revisions."""

import pytest
from django.urls import reverse
from reversion.models import Version

from authors.models import Author
from tests.articles.workflow_helpers import staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(staff_in("Editor"))
    return client


def test_editor_adds_a_guest_author_without_an_account(editor_client):
    response = editor_client.post(
        reverse("admin:authors_author_add"),
        # staff_position: the masthead order field, sent with its default as the form does.
        {
            "name": "Guest Voice",
            "slug": "",
            "x_handle": "@guest_voice",
            "website_url": "",
            "staff_position": 0,
        },
    )
    assert response.status_code == 302
    author = Author.objects.get(name="Guest Voice")
    assert author.user is None
    assert author.slug == "guest-voice"
    assert author.x_handle == "guest_voice"
    assert Version.objects.get_for_object(author).count() == 1


def test_bad_handle_is_explained(editor_client):
    response = editor_client.post(
        reverse("admin:authors_author_add"), {"name": "Pat", "x_handle": "not valid!"}
    )
    assert response.status_code == 200
    assert "An X handle is 1–15 letters" in response.content.decode()
    assert not Author.objects.exists()
