"""The public page: the gate, the site's metadata, the masthead, navigation and footer,
the sitemap, the page cache and the redirect an old address keeps."""

import json

import pytest
from bs4 import BeautifulSoup

from authors.models import Author
from editorial import services
from pages.models import Page
from tests.factories import AuthorFactory, PageFactory

pytestmark = pytest.mark.django_db


def test_live_page_is_served_at_its_nested_address(client, page):
    PageFactory(title="Masthead", slug="masthead", parent=page, body="<p>Who we are.</p>")
    response = client.get("/about/masthead/")
    assert response.status_code == 200
    assert "Who we are." in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "review", "unpublished"])
def test_pages_readers_may_not_see_are_404(client, status):
    PageFactory(slug="hidden", status=status, published_at=None)
    assert client.get("/hidden/").status_code == 404


def test_unknown_and_too_deep_addresses_are_404(client):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/a/b/c/d/e/").status_code == 404


def test_metadata_canonical_open_graph_and_json_ld(client, page):
    page.seo_title = "About the newsroom"
    page.seo_description = "Who we are and how we work."
    page.save()
    soup = BeautifulSoup(client.get("/about/").content, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/about/" or soup.find(
        "link", rel="canonical"
    )["href"].endswith("/about/")
    assert soup.find("meta", property="og:title")["content"] == "About the newsroom"
    assert soup.find("meta", attrs={"name": "description"})["content"] == (
        "Who we are and how we work."
    )
    blocks = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    types = {block["@type"] for block in blocks}
    assert "WebPage" in types and "BreadcrumbList" in types
    assert soup.title.string.startswith("About the newsroom")
    assert len(soup.find_all("h1")) == 1


def test_masthead_lists_staff_grouped_by_role(client):
    AuthorFactory(name="Ada Editor", is_staff=True, staff_role="Editors", staff_position=1)
    AuthorFactory(name="Rui Reporter", is_staff=True, staff_role="Reporters", staff_position=2)
    AuthorFactory(name="Gus Guest", is_staff=False)
    PageFactory(slug="masthead", shows_staff=True, body="<p>Write to us.</p>")
    html = str(BeautifulSoup(client.get("/masthead/").content, "html.parser").main)
    assert html.index("Editors") < html.index("Ada Editor") < html.index("Reporters")
    assert html.index("Rui Reporter") < html.index("Write to us.")
    assert "Gus Guest" not in html
    assert list(Author.objects.staff().values_list("name", flat=True)) == [
        "Ada Editor",
        "Rui Reporter",
    ]


def test_navigation_and_footer_show_placed_pages(client):
    PageFactory(title="About us", slug="about", placement="navigation", position=1)
    PageFactory(title="Privacy", slug="privacy", placement="footer")
    PageFactory(
        title="Hidden", slug="hidden", placement="navigation", status="draft", published_at=None
    )
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    nav = soup.find("nav", class_="site-nav").get_text()
    footer = soup.find("footer").get_text()
    assert "About us" in nav and "Privacy" not in nav and "Hidden" not in nav
    assert "Privacy" in footer


def current_links(html: str) -> dict[str, list[str]]:
    """The links marked aria-current="page" in the navigation and in the footer."""
    soup = BeautifulSoup(html, "html.parser")
    return {
        where: [a["href"] for a in soup.select(f"{css} a[aria-current=page]")]
        for where, css in (("nav", "nav.site-nav"), ("footer", "footer"))
    }


def test_navigation_and_footer_mark_the_current_page_through_the_caches(client, editor, page_cache):
    """The navigation is one stored fragment per page it can mark; the footer is part of
    each page's own cached copy. Neither leaks one page's mark onto another."""
    PageFactory(title="About us", slug="about", placement="navigation")
    PageFactory(title="Privacy", slug="privacy", placement="footer")
    PageFactory(title="Team", slug="team", parent=Page.objects.get(slug="about"))
    for _ in range(2):  # the second time from the page cache and the stored fragments
        assert current_links(client.get("/about/").content.decode()) == {
            "nav": ["/about/"],
            "footer": [],
        }
        assert current_links(client.get("/privacy/").content.decode()) == {
            "nav": [],
            "footer": ["/privacy/"],
        }
        assert current_links(client.get("/about/team/").content.decode()) == {
            "nav": [],
            "footer": [],
        }
    assert client.get("/about/")["X-Page-Cache"] == "HIT"
    assert current_links(client.get("/books/").content.decode()) == {
        "nav": ["/books/"],
        "footer": ["/books/"],
    }
    # Moving About to the footer re-renders the navigation of cached pages.
    about = Page.objects.get(slug="about")
    about.placement = "footer"
    services.content_save(obj=about, by=editor)
    assert current_links(client.get("/about/").content.decode()) == {
        "nav": [],
        "footer": ["/about/"],
    }


@pytest.mark.parametrize("count", [1, 12])
def test_placed_pages_cost_a_fixed_number_of_queries(client, count, django_assert_max_num_queries):
    top = PageFactory(slug="top", placement="navigation")
    for n in range(count):
        PageFactory(slug=f"p{n}", parent=top, placement="footer" if n % 2 else "navigation")
    with django_assert_max_num_queries(4):
        # the page (one query with its parents), the sections and the placed pages
        response = client.get("/top/")
    assert response.status_code == 200


def test_sitemap_lists_live_pages(client, page):
    PageFactory(slug="draft", status="draft", published_at=None)
    PageFactory(slug="team", parent=page)
    xml = client.get("/sitemaps/webpages.xml").content.decode()
    assert "/about/</loc>" in xml and "/about/team/</loc>" in xml
    assert "/draft/" not in xml


def test_a_page_change_reaches_readers_through_the_page_cache(client, page, editor, page_cache):
    first = client.get("/about/")
    assert "What this page says." in first.content.decode()
    assert client.get("/about/")["X-Page-Cache"] == "HIT"
    page.body = "<p>New text.</p>"
    services.content_save(obj=page, by=editor)
    response = client.get("/about/")
    assert response["X-Page-Cache"] != "HIT"
    assert "New text." in response.content.decode()


def test_placing_a_page_refreshes_the_navigation_of_cached_pages(client, editor, page_cache):
    assert "Support us" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "HIT"
    support = PageFactory(title="Support us", slug="support", status="draft", published_at=None)
    support.placement = "navigation"
    services.content_save(obj=support, by=editor)
    services.content_publish(obj=support, by=editor)
    assert "Support us" in client.get("/").content.decode()


def test_renaming_keeps_the_old_address_as_a_redirect(client, page, editor):
    team = PageFactory(slug="team", parent=page)
    page.slug = "who-we-are"
    services.content_save(obj=page, by=editor)
    assert client.get("/about/").headers["Location"] == "/who-we-are/"
    assert client.get("/about/team/").headers["Location"] == "/who-we-are/team/"
    assert client.get("/who-we-are/team/").status_code == 200
    services.content_change_slug(obj=Page.objects.get(pk=page.pk), by=editor, slug="us")
    assert client.get("/about/").headers["Location"] == "/us/"
    assert team.get_absolute_url() != Page.objects.get(pk=team.pk).get_absolute_url()


def test_change_slug_refuses_a_site_route(page, editor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.content_change_slug(obj=page, by=editor, slug="search")
    assert "belongs to the site itself" in str(error.value)


def test_addresses_that_cannot_be_pages_are_not_redirected_to_a_slash(client):
    # /favicon.ico is the site's icon now (issue 18), never a page or a slash redirect.
    assert client.get("/favicon.ico")["Location"].endswith("/img/favicon.png")
    assert client.get("/wp-login.php").status_code == 404


def test_a_pages_image_is_shown_once_its_renditions_are_made(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A page had no ``featured_image_rendered`` column, so the rendition task failed when
    it marked the renditions made and the page showed the placeholder for ever."""
    import re
    from pathlib import Path

    from django.core.files.base import ContentFile

    from images import renditions, tasks
    from tests.security.helpers import jpeg_bytes

    # As in production: the task is queued when the save commits (tests/images/test_tasks.py).
    monkeypatch.setattr(
        tasks,
        "after_commit",
        lambda callback, using: tasks.transaction.on_commit(callback, using=using, robust=True),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        page = PageFactory(
            title="About us",
            slug="about",
            featured_image=ContentFile(jpeg_bytes((1800, 1200)), name="office.jpg"),
            featured_image_alt="The newsroom's long table by the window",
        )
    html = client.get("/about/").content.decode()
    assert 'class="picture-placeholder"' in html and "<picture" not in html

    for callback in callbacks:  # the commit; the immediate backend runs the task
        callback()
    page.refresh_from_db()
    assert page.featured_image_rendered == page.featured_image.name
    assert renditions.is_ready(page, "featured_image")
    html = client.get("/about/").content.decode()
    assert "<picture" in html and "picture-placeholder" not in html
    links = re.findall(r"""/media/renditions/[^\s"',]+""", html)
    assert links
    for url in links:
        assert Path(settings.MEDIA_ROOT, url.removeprefix("/media/")).is_file(), url
