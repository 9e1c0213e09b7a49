"""The tip form: stored before anything else, emailed by a task when a mail server answers,
never lost or turned into an error page when it does not; honeypot, rate limit, size and type.

Tasks run at once here (tests/conftest.py's immediate backend) unless a test queues them
with django-tasks' dummy backend to run them by hand, as tests/images/test_tasks.py does."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import default_task_backend

from pages import tasks
from pages.models import Tip
from pages.storage import tip_storage
from tests.factories import image_file

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the tip form as a reader; mail goes out as it would after the commit."""

    def post(page, **data):
        data.setdefault("message", "The council minutes were changed after the vote.")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(page.get_absolute_url(), data)

    return post


def test_tip_is_stored_and_emailed_when_smtp_is_up(send, contact_page, smtp_server):
    response = send(contact_page, name="Sam", email="sam@example.org")
    assert response.status_code == 302
    assert response["Location"].endswith("?sent=1#tip-form")
    tip = Tip.objects.get()
    assert tip.name == "Sam" and tip.page == contact_page
    assert tip.emailed_at is not None and tip.email_error == ""
    [mail] = smtp_server.messages
    assert mail.envelope_to == ["tips@newsroom.test"]
    assert "council minutes" in mail.get_payload(decode=True).decode()
    assert mail["Reply-To"] == "sam@example.org"


def test_tip_is_kept_when_smtp_is_down_and_the_reader_sees_no_error(
    client, send, contact_page, smtp_down, settings, caplog
):
    settings.TIPS_EMAIL_RETRIES = 2
    with caplog.at_level(logging.WARNING, logger="newsroom.tips"):
        response = send(contact_page)
    assert response.status_code == 302  # never a 500
    tip = Tip.objects.get()
    assert tip.emailed_at is None
    assert "refused" in tip.email_error.lower()
    attempts = [r.getMessage() for r in caplog.records if r.name == "newsroom.tips"]
    assert len(attempts) == 3, attempts  # the first and 2 retries
    assert "after 3 attempts" in attempts[-1]
    thanks = client.get(response["Location"])
    assert "Your message reached us" in thanks.content.decode()


DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_the_request_only_queues_the_email_and_the_task_never_sends_twice(
    send, contact_page, smtp_server, settings
):
    settings.TASKS = DUMMY
    response = send(contact_page)
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert smtp_server.messages == [] and tip.emailed_at is None  # nothing sent in the request
    [queued] = default_task_backend.results
    assert queued.task.name == "email_tip" and queued.kwargs == {"tip_id": tip.pk}
    assert tasks.email_tip.call(**queued.kwargs) == "sent"
    tip.refresh_from_db()
    assert tip.emailed_at is not None and len(smtp_server.messages) == 1
    # The same task again (a duplicate, a retry that overlapped): no second mail.
    assert tasks.email_tip.call(**queued.kwargs) == "already sent"
    assert len(smtp_server.messages) == 1


def test_a_failed_email_is_retried_later_and_sent_when_smtp_is_back(
    send, contact_page, smtp_down, settings, request
):
    settings.TASKS = DUMMY
    settings.TIPS_EMAIL_RETRY_SECONDS = 60
    send(contact_page)
    tip = Tip.objects.get()
    [first] = default_task_backend.results
    with pytest.raises(ConnectionRefusedError):
        tasks.email_tip.call(**first.kwargs)
    tip.refresh_from_db()
    assert tip.emailed_at is None and "refused" in tip.email_error.lower()
    [_, retry] = default_task_backend.results
    assert retry.kwargs == {"tip_id": tip.pk, "attempt": 2}
    assert retry.task.run_after > first.enqueued_at  # later, not at once
    inbox = request.getfixturevalue("smtp_server")  # the mail server is back
    assert tasks.email_tip.call(**retry.kwargs) == "sent"
    tip.refresh_from_db()
    assert tip.emailed_at is not None and tip.email_error == ""
    assert len(inbox.messages) == 1


def test_no_mail_without_email_url(client, send, contact_page, settings):
    settings.EMAIL_URL = ""
    settings.TIPS_EMAIL_TO = ["tips@newsroom.test"]
    assert send(contact_page).status_code == 302
    assert Tip.objects.get().emailed_at is None


def test_name_and_email_are_optional_but_the_message_is_not(client, send, contact_page):
    response = send(contact_page, message="   ")
    assert response.status_code == 400
    assert "Write a message" in response.content.decode()
    assert not Tip.objects.exists()


def test_honeypot_refuses_with_a_clear_error(client, send, contact_page):
    response = send(contact_page, website="http://spam.example")
    assert response.status_code == 400
    assert "Leave this empty" in response.content.decode()
    assert not Tip.objects.exists()


def test_rate_limit_per_address(client, send, contact_page, settings):
    settings.TIPS_RATE_LIMIT = 2
    assert send(contact_page).status_code == 302
    assert send(contact_page).status_code == 302
    response = send(contact_page)
    assert response.status_code == 429
    assert "too many messages" in response.content.decode()
    assert Tip.objects.count() == 2
    other = client.post(
        contact_page.get_absolute_url(), {"message": "hello"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_attachment_too_large(client, send, contact_page, settings):
    settings.TIPS_MAX_ATTACHMENT_BYTES = 100
    upload = SimpleUploadedFile("doc.pdf", PDF * 10, content_type="application/pdf")
    response = send(contact_page, attachment=upload)
    assert response.status_code == 400
    assert "the limit is 100" in response.content.decode()
    assert not Tip.objects.exists()


def test_attachment_must_be_an_image_or_pdf(client, send, contact_page):
    upload = SimpleUploadedFile(
        "notes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = send(contact_page, attachment=upload)
    assert response.status_code == 400
    assert "PDF files only" in response.content.decode()


def test_attachment_is_stored_privately(client, send, contact_page, settings, editor):
    photo = image_file("leak.jpg", size=(40, 30))
    upload = SimpleUploadedFile("leak.jpg", photo.read(), content_type="image/jpeg")
    assert send(contact_page, attachment=upload).status_code == 302
    tip = Tip.objects.get()
    assert tip.attachment_name == "leak.jpg"
    stored = tip_storage().path(tip.attachment.name)
    assert str(settings.TIPS_ROOT) in stored
    assert not stored.startswith(str(settings.MEDIA_ROOT))
    assert "leak" not in tip.attachment.name  # a random name, not the sender's
    with pytest.raises(ValueError):
        tip.attachment.url  # noqa: B018 — no public address at all
    # Editors download it through the admin; the public cannot.
    url = f"/admin/pages/tip/{tip.pk}/attachment/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_a_page_without_the_form_takes_no_posts(client, page):
    assert client.post(page.get_absolute_url(), {"message": "x"}).status_code == 404


def test_editor_sees_tips_and_marks_them_read_and_archived(client, send, contact_page, editor):
    send(contact_page)
    tip = Tip.objects.get()
    client.force_login(editor)
    listing = client.get("/admin/pages/tip/")
    assert listing.status_code == 200 and "council minutes" in listing.content.decode()
    assert client.get(f"/admin/pages/tip/{tip.pk}/change/").status_code == 200
    tip.refresh_from_db()
    assert tip.is_read
    client.post(
        "/admin/pages/tip/",
        {"action": "archive", "_selected_action": [tip.pk], "archived_at__isempty": "1"},
    )
    tip.refresh_from_db()
    assert tip.is_archived
    assert "council minutes" not in client.get("/admin/pages/tip/").content.decode()


def test_contributors_cannot_read_tips(client, send, contact_page, contributor):
    send(contact_page)
    client.force_login(contributor)
    assert client.get("/admin/pages/tip/").status_code == 403


def test_email_url_parsing():
    from newsroom.email_url import parse_email_url

    parsed = parse_email_url("smtp+tls://user%40x:p%2Fw@mail.example:2525")
    assert parsed["EMAIL_HOST"] == "mail.example" and parsed["EMAIL_PORT"] == 2525
    assert parsed["EMAIL_HOST_USER"] == "user@x" and parsed["EMAIL_HOST_PASSWORD"] == "p/w"
    assert parsed["EMAIL_USE_TLS"] and not parsed["EMAIL_USE_SSL"]
    assert parse_email_url("smtps://h")["EMAIL_PORT"] == 465
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_bad_email_url_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from newsroom.email_url import parse_email_url

    with pytest.raises(ImproperlyConfigured):
        parse_email_url("http://mail.example")


def test_a_tip_invalidates_nothing_public(client, contact_page, page_cache):
    """Tips are never shown to readers (settings.PAGE_CACHE_IGNORED_MODELS): receiving one
    is not recorded as a cache tag and leaves every cached page in place."""
    from caching import tags

    assert not tags.is_content_model(Tip)
    for path in ["/", contact_page.get_absolute_url()]:
        client.get(path)
        assert client.get(path)["X-Page-Cache"] == "HIT"
    Tip.objects.create(page=contact_page, message="Look at the minutes.")
    for path in ["/", contact_page.get_absolute_url()]:
        assert client.get(path)["X-Page-Cache"] == "HIT"


# --- the CSRF exemption: cross-site posts are refused by their headers ----------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_post_made_by_another_site_is_refused_with_a_clear_page(client, contact_page, headers):
    response = client.post(
        contact_page.get_absolute_url(), {"message": "Forged in someone's browser"}, **headers
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "came from a form on another website" in html
    assert "Forged in someone&#x27;s browser" in html  # the text is kept, not lost
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_ORIGIN": "http://testserver"},
        {},  # an old browser sends neither: the honeypot and the rate limit still apply
    ],
)
def test_a_post_from_our_own_page_is_accepted(client, contact_page, headers):
    response = client.post(contact_page.get_absolute_url(), {"message": "From the page"}, **headers)
    assert response.status_code == 302
    assert Tip.objects.get().message == "From the page"


def test_the_form_page_stays_cacheable_without_a_csrf_token(client, contact_page, page_cache):
    first = client.get(contact_page.get_absolute_url())
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert "csrftoken" not in first.cookies
    assert client.get(contact_page.get_absolute_url())["X-Page-Cache"] == "HIT"


def test_editors_queue_tips_not_emailed_yet_to_be_emailed_again(
    client, editor, smtp_server, settings, django_capture_on_commit_callbacks
):
    sent = Tip.objects.create(message="Already in the inbox", emailed_at="2026-01-01T10:00Z")
    stuck = Tip.objects.create(message="The server was down all weekend", email_error="refused")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/pages/tip/",
            {"action": "email_again", "_selected_action": [sent.pk, stuck.pk]},
            follow=True,
        )
    assert "1 tip(s) queued to be emailed again" in response.content.decode()
    stuck.refresh_from_db()
    assert stuck.emailed_at is not None and stuck.email_error == ""
    [mail] = smtp_server.messages
    assert "down all weekend" in mail.get_payload(decode=True).decode()
