"""Two-step sign-in for staff: who must set it up, codes, recovery codes, and lockout."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from editorial.roles import ADMINISTRATOR, CONTRIBUTOR, EDITOR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
IP = "198.51.100.7"


@pytest.fixture(autouse=True)
def _two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.TWO_FACTOR_REQUIRED_ROLES = [EDITOR, ADMINISTRATOR]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    # django-otp's own back-off after a wrong code (tested upstream) would hide ours.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def staff(username, role=None, **extra):
    user = UserFactory(username=username, is_staff=True, password=PASSWORD, **extra)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def sign_in(client, username, password=PASSWORD, next_url="/admin/"):
    return client.post(
        f"/admin/login/?next={next_url}",
        {"username": username, "password": password, "next": next_url},
        REMOTE_ADDR=IP,
    )


def enter_code(client, code):
    return client.post("/admin/login/code/", {"code": code}, REMOTE_ADDR=IP)


def code_for(device, offset=0):
    code = totp(device.bin_key, step=device.step, t0=device.t0, drift=offset)
    return f"{code:0{device.digits}d}"


def with_device(user):
    device = two_factor.totp_device_pending(user=user)
    codes = two_factor.totp_device_confirm(device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def signed_in(client):
    return SESSION_KEY in client.session


def test_editor_is_forced_to_set_up(client):
    user = staff("erin", EDITOR)
    assert sign_in(client, "erin").status_code == 302
    for path in ["/admin/", "/admin/articles/article/", "/admin/auth/user/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/admin/two-factor/"
    page = client.get("/admin/two-factor/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert two_factor.totp_secret(device).replace(" ", "") in page.content.decode().replace(" ", "")
    done = client.post("/admin/two-factor/", {"code": code_for(device)})
    assert done.status_code == 200
    assert len(done.context["recovery_codes"]) == 10
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role,superuser", [(ADMINISTRATOR, False), (None, True)])
def test_administrators_and_superusers_are_forced_too(client, role, superuser):
    staff("ada", role, is_superuser=superuser)
    sign_in(client, "ada")
    assert client.get("/admin/")["Location"] == "/admin/two-factor/"


def test_a_forced_user_is_anonymous_outside_the_admin(client):
    user = staff("erin", EDITOR)
    sign_in(client, "erin")
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous
    assert signed_in(client)  # still signed in for the setup page
    del user


def test_contributor_is_not_forced(client):
    staff("casey", CONTRIBUTOR)
    assert sign_in(client, "casey").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_setting_off_forces_no_one(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    staff("erin", EDITOR)
    sign_in(client, "erin")
    assert client.get("/admin/").status_code == 200


def test_password_alone_does_not_sign_in_a_user_with_a_device(client):
    device, _ = with_device(staff("erin", EDITOR))
    response = sign_in(client, "erin")
    assert response["Location"] == "/admin/login/code/"
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    response = enter_code(client, code_for(device, offset=1))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(client):
    device, _ = with_device(staff("erin", EDITOR))
    sign_in(client, "erin")
    wrong = f"{(int(code_for(device, offset=1)) + 1) % 1_000_000:06d}"
    response = enter_code(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)


def test_a_recovery_code_works_once(client):
    _, codes = with_device(staff("erin", EDITOR))
    sign_in(client, "erin")
    assert enter_code(client, codes[0]).status_code == 302
    assert signed_in(client)
    client.post("/admin/logout/")
    sign_in(client, "erin")
    assert enter_code(client, codes[0]).status_code == 200
    assert not signed_in(client)
    assert enter_code(client, codes[1]).status_code == 302


def test_axes_locks_after_failed_codes_and_codes_cannot_bypass_it(client):
    device, codes = with_device(staff("erin", EDITOR))
    sign_in(client, "erin")
    statuses = [enter_code(client, "000000").status_code for _ in range(5)]
    assert statuses[-1] == 429
    # Right code, recovery code, or starting over with the right password: all refused.
    assert enter_code(client, code_for(device, offset=1)).status_code == 429
    assert sign_in(client, "erin").status_code == 429
    assert enter_code(client, codes[0])["Location"] == "/admin/login/"
    assert not signed_in(client)


def test_wrong_passwords_and_wrong_codes_share_one_count(client):
    with_device(staff("erin", EDITOR))
    for _ in range(3):
        sign_in(client, "erin", password="not-it")
    sign_in(client, "erin")
    enter_code(client, "000000")
    assert enter_code(client, "000000").status_code == 429


def test_a_session_from_before_the_device_is_ended(client):
    user = staff("casey", CONTRIBUTOR)
    client.force_login(user)
    with_device(user)
    assert client.get("/admin/").status_code == 302
    assert not signed_in(client)


def test_contributor_may_opt_in_and_out(client):
    user = staff("casey", CONTRIBUTOR)
    sign_in(client, "casey")
    device = two_factor.totp_device_pending(user=user)
    client.post("/admin/two-factor/", {"code": code_for(device)})
    assert two_factor.has_two_factor(user)
    client.post("/admin/two-factor/", {"action": "turn-off"})
    assert not two_factor.has_two_factor(user)
