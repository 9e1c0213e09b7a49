"""A reader on a phone signs up for the newsletter from an article page served by the page
cache, and gets the confirmation email from a real SMTP server on loopback."""

import pytest
from playwright.sync_api import expect

from newsletters.models import Newsletter, Subscriber
from tests.e2e.conftest import PHONE
from tests.factories import ArticleFactory
from tests.smtp import Inbox, MailServer, use_mail_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_on_a_phone_subscribes_from_a_cached_article_page(new_context, settings):
    settings.PAGE_CACHE_ENABLED = True
    inbox = Inbox()
    server = MailServer(inbox)
    use_mail_server(settings, server.url)
    try:
        Newsletter.objects.create(name="Daily digest", slug="daily-digest", is_default=True)
        article = ArticleFactory(headline="Tram line opens to the harbour")
        reader = new_context(viewport=PHONE).new_page()
        reader.goto(article.get_absolute_url())  # the first visit fills the cache
        reader.goto(article.get_absolute_url())
        form = reader.locator(".story__footer .newsletter-signup")
        expect(form.get_by_label("Leave this empty")).not_to_be_in_viewport()
        email = form.get_by_label("Your email")
        email.fill("reader@example.org")
        box = email.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        form.get_by_role("button", name="Subscribe").click()
        expect(reader.get_by_role("status")).to_contain_text("Check your inbox")
        assert Subscriber.objects.get().email == "reader@example.org"
        assert [m.envelope_to for m in inbox.messages] == [["reader@example.org"]]
        scroll_width = reader.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"]
    finally:
        server.stop()
