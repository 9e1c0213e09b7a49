"""Roles × the newsletter admin: editors compose, send and look after subscribers' data;
contributors see none of it (editorial/roles.py, newsletters/0002_editor_role)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from newsletters import services
from newsletters.models import Delivery, Subscriber

from .conftest import subscribe_confirmed

pytestmark = pytest.mark.django_db

PAGES = [
    ("admin:newsletters_send_changelist", False),
    ("admin:newsletters_send_add", False),
    ("admin:newsletters_send_change", "send"),
    ("admin:newsletters_send_preview", "send"),
    ("admin:newsletters_subscriber_changelist", False),
    ("admin:newsletters_subscriber_change", "subscriber"),
    ("admin:newsletters_delivery_changelist", False),
    ("admin:newsletters_newsletter_changelist", False),
]


@pytest.fixture
def objects(daily):
    [reader] = subscribe_confirmed(daily, 1)
    send = services.send_create(newsletter=daily, articles=[])
    return {"send": send, "subscriber": reader}


def url(name, arg, objects):
    return reverse(name, args=[objects[arg].pk]) if arg else reverse(name)


@pytest.mark.parametrize(("name", "arg"), PAGES)
def test_an_editor_reaches_every_newsletter_page(client, editor, objects, name, arg):
    client.force_login(editor)
    assert client.get(url(name, arg, objects)).status_code == 200


@pytest.mark.parametrize(("name", "arg"), PAGES)
def test_a_contributor_reaches_none(client, contributor, objects, name, arg):
    client.force_login(contributor)
    assert client.get(url(name, arg, objects)).status_code == 403


def test_an_editor_sends_and_exports_then_erases_a_subscriber(client, editor, daily, objects):
    client.force_login(editor)
    changelist = reverse("admin:newsletters_subscriber_changelist")
    page = client.get(changelist).content.decode()
    assert 'value="export_data"' in page and 'value="erase_data"' in page
    reader = objects["subscriber"]
    Delivery.objects.create(send=objects["send"], subscriber=reader, state="sent")
    response = client.post(changelist, {"action": "export_data", "_selected_action": [reader.pk]})
    assert json.loads(response.content)["email"] == reader.email
    client.post(changelist, {"action": "erase_data", "_selected_action": [reader.pk]})
    assert not Subscriber.objects.exists()

    # ...and cannot touch the lists themselves (administrators' business).
    assert client.get(reverse("admin:newsletters_newsletter_add")).status_code == 403
