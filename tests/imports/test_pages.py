"""WordPress pages become the site's pages: hierarchy, addresses, status, re-runs."""

import pytest
from django.contrib.redirects.models import Redirect

from editorial.models import StatusChange
from editorial.revisions import versions_of
from editorial.services import SYSTEM_USERNAME
from imports.models import ImportedItem
from pages.models import Page
from tests.fixtures.wordpress.build_export import SITE, attachment, item
from tests.imports.helpers import mini_export, run, summary

pytestmark = pytest.mark.django_db


def page(wp_id: int) -> Page:
    record = ImportedItem.objects.get(kind="page", external_id=str(wp_id))
    return Page.objects.with_ancestors().get(pk=record.object_id)


def wp_page(wp_id, title, *, path, parent=0, **fields):
    fields.setdefault("content", f"What {title} is about.")
    return item(
        wp_id,
        title,
        link=f"{SITE}{path}",
        post_name=path.strip("/").rsplit("/", 1)[-1],
        post_type="page",
        parent=parent,
        **fields,
    )


ABOUT = wp_page(
    501,
    "About the Ledger",
    path="/about/",
    content=(
        "We are a small newsroom on the quay.\n\n"
        "https://www.youtube.com/watch?v=quay123\n\n"
        '<p onclick="steal()">Reach us<script>alert(1)</script> any day.</p>'
    ),
)
TEAM = wp_page(502, "Our team", path="/about/team/", parent=501)
EDITORS = wp_page(503, "The editors", path="/about/team/editors/", parent=502)


def test_pages_keep_their_hierarchy_body_and_old_addresses(tmp_path, client):
    # The child comes before its parent in the file: parents are imported first anyway.
    export = mini_export(tmp_path, EDITORS, TEAM, ABOUT)
    output = run(export)
    assert summary(output)["pages"] == ["3", "0", "0", "0", "0"]
    about, team, editors = page(501), page(502), page(503)
    assert (about.title, about.parent, about.slug) == ("About the Ledger", None, "about")
    assert team.parent == about and editors.parent == team
    assert editors.get_absolute_url() == "/about/team/editors/"
    # sanitised, with the bare provider URL as the same card posts get
    assert "<script" not in about.body and "onclick" not in about.body
    assert '<figure data-embed="youtube">' in about.body
    assert "Watch on YouTube" in about.body
    # live, and readers reach it at its old address and through ?page_id=
    assert about.is_live
    assert client.get("/about/team/").status_code == 200
    for query in ("page_id", "p"):
        response = client.get(f"/?{query}=503")
        assert response.status_code == 301 and response["Location"] == "/about/team/editors/"


def test_pages_are_written_through_the_editorial_services(tmp_path):
    run(mini_export(tmp_path, ABOUT))
    about = page(501)
    changes = StatusChange.objects.filter(page=about)
    assert {(c.action, c.by.username) for c in changes} == {
        (StatusChange.Action.CREATED, SYSTEM_USERNAME),
        (StatusChange.Action.IMPORTED, SYSTEM_USERNAME),
    }
    assert versions_of(about).first().revision.comment == "Imported from WordPress (page 501)"


@pytest.mark.parametrize(
    ("wp_status", "status", "live"),
    [
        ("publish", "published", True),
        ("draft", "draft", False),
        ("pending", "review", False),
        ("private", "unpublished", False),
    ],
)
def test_page_statuses_map_as_posts_do(tmp_path, wp_status, status, live):
    run(mini_export(tmp_path, wp_page(510, "Support us", path="/support/", status=wp_status)))
    imported = page(510)
    assert (imported.status, imported.is_live) == (status, live)


def test_a_trashed_page_is_not_imported(tmp_path):
    output = run(mini_export(tmp_path, wp_page(511, "Old", path="/old/", status="trash")))
    assert "page 511 “Old”: skipped — not imported: it is in the WordPress trash" in output
    assert not Page.objects.exists()


def test_a_page_at_one_of_the_sites_own_addresses_is_renamed_and_said_so(tmp_path, client):
    output = run(mini_export(tmp_path, wp_page(520, "Search tips", path="/search/")))
    renamed = page(520)
    assert renamed.get_absolute_url() == "/search-page/"
    assert (
        "page 520 “Search tips”: note — renamed: its address /search/ belongs to the site "
        "itself, so it is at /search-page/ here"
    ) in output
    assert "/search/: note — not redirected: the site's own page answers this address" in output
    assert not Redirect.objects.filter(old_path="/search/").exists()
    assert client.get("/?page_id=520")["Location"] == "/search-page/"


def test_a_slug_a_sibling_already_uses_gets_a_number(tmp_path):
    Page.objects.create(title="Contact", slug="contact")
    output = run(mini_export(tmp_path, wp_page(521, "Contact us", path="/contact/")))
    assert page(521).slug == "contact-2"
    assert "another page here used /contact/; its address here is /contact-2/" in output
    assert Redirect.objects.get(old_path="/contact/").new_path == "/contact-2/"


def test_a_page_nested_too_deep_goes_under_its_deepest_ancestor_that_fits(tmp_path):
    deepest = wp_page(504, "Night desk", path="/about/team/editors/night/", parent=503)
    output = run(mini_export(tmp_path, ABOUT, TEAM, EDITORS, deepest))
    assert page(504).parent == page(502)
    assert page(504).get_absolute_url() == "/about/team/night/"
    assert "it was nested deeper than pages nest here (3 levels), so it is under" in output


def test_a_page_whose_parent_is_missing_is_a_top_level_page(tmp_path):
    output = run(mini_export(tmp_path, TEAM))
    assert page(502).parent is None and page(502).get_absolute_url() == "/team/"
    assert "its parent (page 501) was not imported, so it is a top-level page here" in output
    assert Redirect.objects.get(old_path="/about/team/").new_path == "/team/"


def test_a_second_run_reports_every_page_unchanged(tmp_path):
    export = mini_export(tmp_path, ABOUT, TEAM, EDITORS)
    first = summary(run(export))
    pages, redirects = Page.objects.count(), Redirect.objects.count()
    second = summary(run(export))
    assert second["pages"] == ["0", "0", "3", "0", "0"]
    assert second["redirects"][2] == first["redirects"][0]  # created then, unchanged now
    assert (Page.objects.count(), Redirect.objects.count()) == (pages, redirects)


def test_update_writes_a_changed_page_again_and_unpublishes_a_trashed_one(tmp_path):
    run(mini_export(tmp_path, ABOUT, TEAM))
    slug = page(502).slug
    changed = wp_page(
        502,
        "Our people",
        path="/about/team/",
        parent=501,
        content="Everyone who makes the Ledger.",
        modified="2023-01-01 10:00:00",
    )
    trashed = wp_page(501, "About the Ledger", path="/about/", status="trash")
    output = run(mini_export(tmp_path, trashed, changed), "--update")
    assert summary(output)["pages"] == ["0", "2", "0", "0", "0"]
    team = page(502)
    assert (team.title, team.slug) == ("Our people", slug)
    assert "Everyone who makes the Ledger." in team.body
    assert page(501).status == "unpublished"
    assert "trashed in WordPress, so unpublished here" in output


def test_update_moves_a_page_to_its_new_parent_and_redirects_the_old_address(tmp_path, client):
    contact = wp_page(505, "Contact", path="/contact/")
    team_at_top = wp_page(506, "Team", path="/team/")
    team_in_contact = wp_page(507, "Team", path="/contact/team/", parent=505)
    run(mini_export(tmp_path, ABOUT, contact, team_at_top, team_in_contact))
    moved = wp_page(
        506, "Team", path="/contact/team-2/", parent=505, modified="2023-02-01 09:00:00"
    )
    output = run(mini_export(tmp_path, ABOUT, contact, moved, team_in_contact), "--update")
    assert page(506).get_absolute_url() == "/contact/team-2/"
    assert "another page here used /contact/team/; its address here is /contact/team-2/" in output
    assert client.get("/team/")["Location"] == "/contact/team-2/"


def test_a_page_keeps_its_image_and_inline_pictures(tmp_path, media_dir):
    picture = "2021/07/harbour-dawn.jpg"
    export = mini_export(
        tmp_path,
        attachment(101, picture, "Harbour at dawn", alt="The harbour at dawn, boats moored"),
        wp_page(
            530,
            "Our harbour",
            path="/harbour/",
            content=f'<img src="{SITE}/wp-content/uploads/{picture}" alt="">',
            metas=[("_thumbnail_id", "101")],
        ),
    )
    run(export, media_dir=str(media_dir))
    harbour = page(530)
    assert harbour.featured_image and harbour.featured_image_alt.startswith("The harbour")
    assert "wp-content" not in harbour.body and "harbour-dawn" in harbour.body


def test_a_dry_run_reports_the_pages_and_writes_none(tmp_path):
    output = run(mini_export(tmp_path, ABOUT, TEAM), dry_run=True)
    assert summary(output)["pages"] == ["2", "0", "0", "0", "0"]
    assert not Page.objects.exists() and not Redirect.objects.exists()
