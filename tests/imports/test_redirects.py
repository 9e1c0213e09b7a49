"""Old addresses: permalinks, archives, query addresses, a blog in a subfolder."""

import pytest
from django.contrib.redirects.models import Redirect
from django.core.files.storage import default_storage

from articles.legacy import legacy_query_key
from tests.fixtures.wordpress import build_export
from tests.imports.helpers import SITE, article, mini_export, run, subset

pytestmark = pytest.mark.django_db


OLD_ADDRESSES = [
    ("/2021/07/27/dawn-at-the-harbour/", "/articles/dawn-at-the-harbour/"),
    ("/2021/07/27/dawn-at-the-harbour", "/articles/dawn-at-the-harbour/"),
    ("/2021/07/27/dawn-at-the-harbour/?ref=x", "/articles/dawn-at-the-harbour/?ref=x"),
    ("/2021/11/03/caf%C3%A9-quay/", "/articles/cafe-quay/"),
    ("/2021/11/03/caf%c3%a9-quay/", "/articles/cafe-quay/"),
    ("/?p=201", "/articles/dawn-at-the-harbour/"),
    ("/index.php?p=201&utm_medium=social", "/articles/dawn-at-the-harbour/"),
    ("/?p=203", "/articles/notes-on-the-dredging-contract/"),
    ("/?cat=11", "/sections/local/"),
    ("/category/news/local/", "/sections/local/"),
    ("/category/local/", "/sections/local/"),
    ("/category/uncategorized/", "/sections/articles/"),
    ("/tag/budget/", "/tags/budget/"),
    ("/?tag=budget", "/tags/budget/"),
    ("/tag/%D9%85%D8%AF%D9%8A%D9%86%D8%A9/", "/tags/tag-26/"),
    ("/?tag=%d9%85%d8%af%d9%8a%d9%86%d8%a9", "/tags/tag-26/"),
    ("/author/mreyes/", "/authors/mreyes/"),
    ("/author/lin-zhao/", "/authors/lin-zhao/"),
    ("/author/samir-haddad/", "/authors/samir-haddad/"),
    ("/?author=2", "/authors/mreyes/"),
]  # fmt: skip


NOT_REDIRECTED = [
    ("/?p=999", 200),  # not an imported post: the home page
    ("/?p=" + "9" * 200, 200),
    ("/articles/?p=201", 404),  # not the blog's front page
    ("/no-such-page/", 404),
]


def test_old_addresses(imported, client):
    """Every old address answers 301 to the new one (one import for the whole table)."""
    for old, new in OLD_ADDRESSES:
        response = client.get(old)
        assert (old, response.status_code, response.get("Location")) == (old, 301, new)
    for path, status in NOT_REDIRECTED:
        assert (path, client.get(path).status_code) == (path, status)
    response = client.get("/wp-content/uploads/2021/07/harbour-dawn.jpg")
    assert response.status_code == 301
    # The public copy post bodies show (the featured image's original is private).
    assert response["Location"] == default_storage.url(article(201).featured_image.name)
    response = client.get("/2021/07/27/dawn-at-the-harbour/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/articles/dawn-at-the-harbour/", 301)]
    assert "Dawn at the harbour" in response.content.decode()
    # too long for the redirect table: stored under a shortened key, and still answered
    assert "longer than 200 characters: stored under a shortened key (post 216" in imported
    old = f"/2021/12/01/{build_export.LONG_SLUG}/"
    assert client.get(old)["Location"] == article(216).get_absolute_url()
    assert Redirect.objects.filter(old_path="/?p=216").exists()


def test_legacy_redirects_only_for_reads(client, django_assert_max_num_queries):
    Redirect.objects.create(site_id=1, old_path="/?p=5", new_path="/articles/five/")
    client.get("/?p=5")  # the current Site is cached after the first request
    with django_assert_max_num_queries(1):
        assert client.get("/?p=5")["Location"] == "/articles/five/"
    assert client.head("/?p=5").status_code == 301
    assert client.post("/?p=5").status_code != 301
    Redirect.objects.create(site_id=1, old_path="/?p=6", new_path="")
    assert client.get("/?p=6").status_code == 410


def test_blog_in_a_subfolder(tmp_path, client):
    export = mini_export(
        tmp_path,
        build_export.item(
            7, "Subfolder story", link=f"{SITE}/news/2020/01/02/sub/", post_name="sub"
        ),
        base="/news",
    )
    run(export)
    assert client.get("/news/?p=7")["Location"] == "/articles/sub/"
    assert client.get("/news/index.php?p=7")["Location"] == "/articles/sub/"
    assert client.get("/news/2020/01/02/sub/")["Location"] == "/articles/sub/"
    assert legacy_query_key("/news/", "p", "7") == "/news/?p=7"


def test_existing_redirect_is_kept_unless_updating(tmp_path):
    Redirect.objects.create(site_id=1, old_path="/?p=201", new_path="/somewhere/")
    export = subset(tmp_path, 201)
    output = run(export)
    assert Redirect.objects.get(old_path="/?p=201").new_path == "/somewhere/"
    assert "kept: it already redirects to /somewhere/" in output
    run(export, update=True)
    assert Redirect.objects.get(old_path="/?p=201").new_path == "/articles/dawn-at-the-harbour/"
