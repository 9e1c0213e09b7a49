"""A reader's journey through the public site, on a phone and on a desktop.

The assertions use what a reader (or a screen reader) perceives: roles, accessible names,
headings and landmarks, not CSS classes.
"""

import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, MISSING_PATH, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

SHARE_NETWORKS = ["Pinterest", "Facebook", "X", "Bluesky", "LinkedIn", "Reddit", "email"]


def expect_image_loaded(image) -> None:
    """Wait until the browser has really loaded the image (a broken one has no natural size)."""
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def assert_fits_viewport(page) -> None:
    """Nothing makes the page scroll sideways, the usual way a layout breaks on a phone."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the viewport"


def region(page, name):
    """A labelled section of the page (a ``region`` landmark, named by its heading)."""
    return page.get_by_role("region", name=name)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_reader_goes_home_to_article_to_author_to_book(new_context, reader_site, viewport):
    site = reader_site
    page = new_context(viewport=viewport).new_page()

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_fits_viewport(page)
    page.get_by_role("link", name=site.article.headline).first.click()

    # The article page: every element a reader expects, each visible on this viewport.
    expect(page).to_have_url(re.compile(re.escape(site.article.get_absolute_url()) + "$"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(site.article.headline)
    expect(main.get_by_text(site.article.dek)).to_be_visible()
    expect(main.get_by_role("link", name=site.author.name).first).to_be_visible()
    published = main.locator("time[datetime]").first
    expect(published).to_be_visible()

    lead_image = main.get_by_role("img", name=site.article.featured_image_alt)
    expect(lead_image).to_be_visible()
    expect_image_loaded(lead_image)
    expect(main.get_by_text(site.article.featured_image_caption)).to_be_visible()

    expect(main.get_by_role("heading", name="What changes")).to_be_visible()
    assert_fits_viewport(page)

    # Author box: name, job title, bio, social links, "View all posts".
    about = region(page, re.compile("About the author"))
    expect(about.get_by_role("heading", name=site.author.name)).to_be_visible()
    expect(about.get_by_text(site.author.short_bio)).to_be_visible()
    expect(about.get_by_text(site.author.job_title)).to_be_visible()
    expect(about.get_by_role("link", name="Follow on X @noorwrites")).to_be_visible()
    view_all = about.get_by_role("link", name=re.compile("View all posts"))
    expect(view_all).to_be_visible()

    # "Our Books": the shelf with covers and links to book pages.
    books = region(page, "Our Books")
    expect(books).to_be_visible()
    expect(books.get_by_role("link", name=site.book.title).first).to_be_visible()
    cover = books.get_by_role("img", name=re.compile(site.book.title))
    expect(cover.first).to_be_visible()

    # "Recent Articles": other live stories, not this one.
    recent = region(page, "Recent Articles")
    expect(recent).to_be_visible()
    for other in site.others:
        expect(recent.get_by_role("link", name=other.headline).first).to_be_visible()
    expect(recent.get_by_role("link", name=site.article.headline)).to_have_count(0)

    # Share links: real links (they work without JavaScript) and a copy-link button.
    share = region(page, re.compile("share", re.IGNORECASE))
    for network in SHARE_NETWORKS:
        link = share.get_by_role("link", name=re.compile(rf"\b{network}\b", re.IGNORECASE))
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href.startswith(("https://", "mailto:")), f"{network} share link: {href!r}"
        assert "tenants-win-a-say" in unquote(href), f"{network} does not share the article"
    expect(share.get_by_role("button", name=re.compile("copy link", re.IGNORECASE))).to_be_visible()

    # Author page through "View all posts".
    view_all.click()
    expect(page).to_have_url(re.compile(re.escape(site.author.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(site.author.name)
    expect(page.get_by_role("link", name=site.article.headline).first).to_be_visible()
    assert_fits_viewport(page)

    # Back to the article, and on to a book from the shelf.
    page.go_back()
    region(page, "Our Books").get_by_role("link", name=site.book.title).first.click()
    expect(page).to_have_url(re.compile(re.escape(site.book.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(site.book.title)
    expect(page.get_by_role("link", name="Buy from the publisher")).to_be_visible()
    cover = page.get_by_role("main").get_by_role("img", name=re.compile(site.book.title))
    expect(cover.first).to_be_visible()
    expect_image_loaded(cover.first)
    assert_fits_viewport(page)


def test_copy_link_button_copies_the_article_address(new_context, live_server, reader_site):
    context = new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(reader_site.article.get_absolute_url())

    page.get_by_role("button", name=re.compile("copy link", re.IGNORECASE)).click()

    expect(page.get_by_text(re.compile("link copied", re.IGNORECASE))).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(reader_site.article.get_absolute_url()), copied
    assert copied.startswith("http"), f"the copied link is not absolute: {copied!r}"


@pytest.mark.parametrize("path", ["/", "article"])
def test_keyboard_reaches_main_content_through_the_skip_link(page, reader_site, path):
    page.goto(reader_site.article.get_absolute_url() if path == "article" else path)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # visually hidden until focused, but shown then

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    # The next Tab goes into the content, not back to the header.
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert inside_main, "after the skip link, Tab should move within the main content"


def test_unknown_page_answers_404_in_the_site_design(page, reader_site):
    response = page.goto(MISSING_PATH)
    assert response.status == 404
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
