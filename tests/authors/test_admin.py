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


@pytest.mark.parametrize(
    "field,pasted,stored",
    [
        ("x_handle", "https://x.com/lena_writes", "lena_writes"),
        ("x_handle", "https://twitter.com/lena_writes?s=20", "lena_writes"),
        ("x_handle", "x.com/@lena_writes/", "lena_writes"),
        ("bluesky_handle", "https://bsky.app/profile/Lena.bsky.social", "lena.bsky.social"),
        ("mastodon_handle", "https://example.social/@lena", "lena@example.social"),
    ],
)
def test_a_pasted_profile_address_becomes_the_handle(editor_client, field, pasted, stored):
    """Issue 18: a pasted X address was cut to the field's size (https://x.com/le)."""
    import re

    form_page = editor_client.get(reverse("admin:authors_author_add")).content.decode()
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', form_page).group(0)
    assert 'maxlength="16"' not in tag  # the browser would cut the pasted address
    response = editor_client.post(
        reverse("admin:authors_author_add"),
        {"name": "Lena Writes", "slug": "", field: pasted, "staff_position": 0},
    )
    assert response.status_code == 302, response.content.decode()
    assert getattr(Author.objects.get(name="Lena Writes"), field) == stored


def test_a_pasted_address_of_another_site_is_refused(editor_client):
    response = editor_client.post(
        reverse("admin:authors_author_add"),
        {"name": "Lena", "x_handle": "https://example.com/lena", "staff_position": 0},
    )
    assert response.status_code == 200
    assert "An X handle is 1–15 letters" in response.content.decode()
