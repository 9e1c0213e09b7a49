"""Signing in: throttled per user and address, no account enumeration, fresh sessions,
Argon2 hashes, and no redirects off the site."""

from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from newsroom.security import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
EDITOR_IP = "198.51.100.20"
ATTACKER_IP = "203.0.113.66"
LOGIN_URL = "/admin/login/"


@pytest.fixture(autouse=True)
def _throttling_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


def attempt(client, username, password, ip=ATTACKER_IP, next_url="/admin/", **extra):
    return client.post(
        f"{LOGIN_URL}?next={quote(next_url)}",
        {"username": username, "password": password, "next": next_url},
        REMOTE_ADDR=ip,
        **extra,
    )


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def fail(client, username, times, ip=ATTACKER_IP):
    for _ in range(times):
        response = attempt(client, username, "not-the-password", ip=ip)
        assert response.status_code in {200, 429}


def error_text(response) -> list[str]:
    form = response.context["form"]
    return [str(error) for error in form.non_field_errors()]


def test_unknown_user_and_wrong_password_get_the_same_answer(client, editor):
    wrong_password = attempt(client, "editor", "not-the-password")
    unknown_user = attempt(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert error_text(wrong_password) == error_text(unknown_user)
    assert error_text(wrong_password), "the login form should say why it failed"
    assert not signed_in(client)


def test_lockout_after_the_limit_even_with_the_right_password(client, editor):
    fail(client, "editor", 5)
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    assert not signed_in(client)


def test_unknown_user_names_are_locked_the_same_way(client, editor):
    """Lockout behaviour does not reveal which accounts exist."""
    fail(client, "editor", 5)
    fail(client, "nobody-here", 5)
    known = attempt(client, "editor", "x")
    unknown = attempt(client, "nobody-here", "x")
    assert known.status_code == unknown.status_code == 429
    assert known.content.replace(b"editor", b"") == unknown.content.replace(b"nobody-here", b"")


def test_an_attacker_cannot_lock_the_editor_out_from_elsewhere(client, editor):
    fail(client, "editor", 10, ip=ATTACKER_IP)
    assert attempt(client, "editor", PASSWORD, ip=ATTACKER_IP).status_code == 429

    response = attempt(client, "editor", PASSWORD, ip=EDITOR_IP)
    assert response.status_code == 302
    assert signed_in(client)


def test_lockout_is_per_user_name(client, editor):
    other = UserFactory(username="reporter", is_staff=True)
    fail(client, "editor", 5, ip=ATTACKER_IP)
    response = attempt(client, other.username, PASSWORD, ip=ATTACKER_IP)
    assert response.status_code == 302


def test_lockout_lifts_after_the_cool_off(client, editor):
    fail(client, "editor", 5)
    assert attempt(client, "editor", PASSWORD).status_code == 429
    # Fifteen minutes and a bit pass.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_success_resets_the_count(client, editor):
    fail(client, "editor", 4, ip=EDITOR_IP)
    assert attempt(client, "editor", PASSWORD, ip=EDITOR_IP).status_code == 302
    client.post(reverse("admin:logout"))
    fail(client, "editor", 4, ip=EDITOR_IP)
    assert attempt(client, "editor", PASSWORD, ip=EDITOR_IP).status_code == 302


def test_behind_a_proxy_attempts_are_counted_per_client_not_per_proxy(client, settings, editor):
    """With one trusted proxy, its X-Forwarded-For entry is the client; forged ones are not."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.5"
    for _ in range(6):
        attempt(
            client,
            "editor",
            "nope",
            ip=proxy,
            HTTP_X_FORWARDED_FOR=f"{EDITOR_IP}, {ATTACKER_IP}",  # left one forged
        )
    assert (
        attempt(client, "editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER_IP).status_code
        == 429
    )
    response = attempt(client, "editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=EDITOR_IP)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "192.0.2.1"),  # not behind a proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.1"),  # shorter than the proxy chain: socket address
        (1, "not-an-ip", "192.0.2.1"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "203.0.113.9:51234", "203.0.113.9"),
    ],
)
def test_client_ip(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip(request) == expected


def test_session_key_changes_at_login(client, editor):
    """A session fixed before login (by an attacker, say) is not the one that logs in."""
    session = client.session
    session["reader_preference"] = "dark"
    session.save()
    before = session.session_key
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value == before

    response = attempt(client, "editor", PASSWORD, ip=EDITOR_IP)
    assert response.status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)
    assert signed_in(client)


def test_logout_ends_the_session(client, editor):
    attempt(client, "editor", PASSWORD, ip=EDITOR_IP)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("admin:logout")).status_code == 405  # GET cannot log anyone out
    client.post(reverse("admin:logout"))
    assert not SessionStore().exists(key)
    assert not signed_in(client)


def test_session_cookie_flags(client, editor):
    response = attempt(client, "editor", PASSWORD, ip=EDITOR_IP)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_new_passwords_are_hashed_with_argon2(editor):
    assert editor.password.startswith("argon2$")
    user = get_user_model()(username="new-user")
    user.set_password("a different long passphrase")
    assert user.password.startswith("argon2$")


def test_older_hashes_are_upgraded_to_argon2_at_login(client):
    user = UserFactory(username="veteran", is_staff=True)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert attempt(client, "veteran", PASSWORD, ip=EDITOR_IP).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


OFF_SITE = [
    "//evil.example",
    "//evil.example/admin/",
    "https://evil.example",
    "http://evil.example/",
    "https:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "///evil.example",
    " //evil.example",
    "\t//evil.example",
    "https://testserver@evil.example",
    "https://evil.example\\@testserver",
    "//evil.example%2F%2E%2E",
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "//%65vil.example",
]


def assert_stays_on_site(location: str) -> None:
    parts = urlsplit(location)
    assert parts.scheme in {"", "http", "https"}, location
    assert parts.netloc in {"", "testserver"}, location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil.example" not in location.split("?")[0], location


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login_never_redirects_off_site(client, editor, next_url):
    response = attempt(client, "editor", PASSWORD, ip=EDITOR_IP, next_url=next_url)
    assert response.status_code == 302
    assert_stays_on_site(response["Location"])
    # Already signed in, visiting the login page with the same "next".
    again = client.get(f"{LOGIN_URL}?next={quote(next_url)}")
    assert again.status_code in {200, 302}
    if again.status_code == 302:
        assert_stays_on_site(again["Location"])


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_logout_never_redirects_off_site(client, editor, next_url):
    client.force_login(editor)
    response = client.post(f"{reverse('admin:logout')}?next={quote(next_url)}")
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert_stays_on_site(response["Location"])
    assert b"evil.example" not in response.content or next_url.startswith(("javascript:", "data:"))


@pytest.mark.parametrize("next_url", ["//evil.example", "https://evil.example/admin/", ""])
def test_a_refused_or_missing_next_lands_in_the_admin(client, editor, next_url):
    """Django's fallback is /accounts/profile/, a page this site does not have (a 404)."""
    response = client.post(
        f"{LOGIN_URL}?next={quote(next_url)}",
        {"username": "editor", "password": PASSWORD, "next": next_url},
        REMOTE_ADDR=EDITOR_IP,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200
