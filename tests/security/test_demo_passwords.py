"""With DEBUG off, a demo account that still has the published demo password stops the
server from starting (issue 15, finding 4), and ``reset_demo_passwords`` fixes it."""

import io
import runpy
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from newsroom.demo.loader import DEV_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def demo_admin():
    """What ``make run`` leaves behind: the demo superuser with the documented password."""
    return UserFactory(username="admin", is_staff=True, is_superuser=True, password=DEV_PASSWORD)


def sign_in(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_production_refuses_to_start_while_the_demo_password_works(client, settings, demo_admin):
    UserFactory(username="editor", is_staff=True, password=DEV_PASSWORD)
    UserFactory(username="jonas", password="a-password-of-jonas-own")
    # What the finding showed: the published password opens the admin.
    assert sign_in(client, "admin", DEV_PASSWORD).status_code == 302
    settings.DEBUG = False
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    message = str(error.value)
    assert "newsroom.E001" in message
    assert "admin, editor." in message
    assert "jonas" not in message
    assert "python manage.py reset_demo_passwords" in message
    with pytest.raises(SystemCheckError):
        call_command("check", deploy=True)


def test_development_is_not_stopped(settings, demo_admin):
    settings.DEBUG = True
    call_command("check")


def test_reset_command_gives_new_passwords_once(client, settings, demo_admin):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("reset_demo_passwords", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if "admin" in line)
    new_password = line.split()[-1]
    assert new_password != DEV_PASSWORD and len(new_password) >= 16
    call_command("check")  # starts now
    assert sign_in(client, "admin", DEV_PASSWORD).status_code == 200  # refused
    assert sign_in(client, "admin", new_password).status_code == 302
    again = io.StringIO()
    call_command("reset_demo_passwords", stdout=again)
    assert again.getvalue().strip() == "No account has the demo password."


def test_reset_command_can_disable_instead(settings, demo_admin):
    settings.DEBUG = False
    call_command("reset_demo_passwords", "--disable", stdout=io.StringIO())
    demo_admin.refresh_from_db()
    assert not demo_admin.has_usable_password()
    call_command("check")


@pytest.mark.django_db(transaction=True)
def test_gunicorn_refuses_to_start(settings):
    get_user_model().objects.create_user("admin", password=DEV_PASSWORD, is_staff=True)
    settings.DEBUG = False
    hooks = runpy.run_path(str(GUNICORN_CONF))
    with pytest.raises(RuntimeError, match="reset_demo_passwords"):
        hooks["on_starting"](None)
