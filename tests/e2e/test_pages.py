"""An editor makes a contact page in the admin; a reader on a phone sends a tip through it.

The reader uses a separate, anonymous browser context on a phone-sized screen: what they
see is the public page, not the editor's session.
"""

import pytest
from playwright.sync_api import expect

from pages.models import Page, Tip
from tests.e2e.conftest import PHONE, admin_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_makes_a_page_and_a_reader_sends_a_tip(new_context, editor, settings, tmp_path):
    settings.TIPS_ROOT = tmp_path / "tips"
    admin = new_context().new_page()
    admin_login(admin, editor)
    admin.goto("/admin/pages/page/add/")
    admin.locator("#id_title").fill("Send us a tip")
    admin.locator("#id_slug").fill("tips")
    body = admin.locator(".ProseMirror[contenteditable=true]")
    body.click()
    body.type("Tell us what we should look into.")
    admin.get_by_label("Show the tip form").check()
    admin.locator("#id_placement").select_option("footer")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    admin.get_by_role("button", name="Publish or schedule").click()
    expect(admin.locator(".messagelist")).to_contain_text("Published")
    page = Page.objects.get(title="Send us a tip")
    assert page.is_live and page.has_tip_form, (page.status, page.has_tip_form)

    reader = new_context(viewport=PHONE).new_page()
    reader.goto("/")
    reader.locator("footer").get_by_role("link", name="Send us a tip").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Send us a tip")
    expect(reader.get_by_text("Tell us what we should look into.")).to_be_visible()
    reader.get_by_label("Your message").fill("The bridge inspection report was never filed.")
    reader.get_by_role("button", name="Send").click()
    expect(reader.get_by_role("status")).to_contain_text("Your message reached us")
    # Nothing on the phone-sized page is wider than the screen.
    width = reader.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    tip = Tip.objects.get()
    assert tip.message == "The bridge inspection report was never filed."
    assert tip.page == page
