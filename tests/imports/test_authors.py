"""Authors: WordPress users, Co-Authors Plus guest authors, existing logins."""

import pytest
from django.contrib.auth import get_user_model

from authors.models import Author
from editorial.services import system_user
from tests.factories import UserFactory
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db


def test_users_and_guest_authors(imported):
    """Users, Co-Authors Plus guest authors, and a post's author missing from the users."""
    marta = Author.objects.get(slug="mreyes")
    assert marta.name == "Marta Reyes"
    assert marta.long_bio.startswith("Marta Reyes covers the port")
    assert len(marta.short_bio) <= 300
    assert Author.objects.get(slug="lin-zhao").name == "Lin Zhao"  # display name was the login
    assert Author.objects.get(slug="hbergstrom").name == "Hanna Bergström"
    guest = Author.objects.get(slug="samir-haddad")
    assert guest.name == "Samir Haddad"
    assert guest.user is None
    assert guest.website_url == "https://samir.example.net"
    assert guest.long_bio == "Samir Haddad writes about rivers and the people on them."
    assert Author.objects.filter(slug="ghostwriter").exists()  # a post's unknown author
    assert Author.objects.count() == 6
    assert "its author ghostwriter is not among the export's users" in imported


def test_existing_logins_are_linked_not_created(media_dir):
    user = UserFactory(username="tokafor")
    by_email = UserFactory(username="someone", email="HANNA@harbourledger.example")
    system_user()  # the account the import acts as is not one of the export's logins
    users_before = get_user_model().objects.count()
    run(media_dir=str(media_dir))
    assert Author.objects.get(slug="tokafor").user == user
    assert Author.objects.get(slug="hbergstrom").user == by_email
    assert Author.objects.get(slug="mreyes").user is None
    assert get_user_model().objects.count() == users_before
