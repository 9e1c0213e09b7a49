"""Long slugs: every imported post keeps a working old address, and always ``/?p=ID``."""

from urllib.parse import quote

import pytest
from django.contrib.redirects.models import Redirect

from articles.legacy import redirect_key
from tests.fixtures.wordpress.build_export import SITE, item
from tests.imports.helpers import article, mini_export, run

pytestmark = pytest.mark.django_db

# 60 Cyrillic letters: 120 bytes of UTF-8, 360 characters once percent-encoded.
CYRILLIC = "набережная-" * 5 + "порт-маяк-"
ASCII_200 = ("the-breakwater-was-rebuilt-stone-by-stone-" * 5)[:200].strip("-")


def test_redirect_key_keeps_short_paths_and_shortens_long_ones():
    assert redirect_key("/2021/07/27/dawn/") == "/2021/07/27/dawn/"
    long = "/2021/" + "x" * 300 + "/"
    key = redirect_key(long)
    assert len(key) <= 200 and key.startswith("/2021/xxx") and "#" in key
    assert redirect_key(long + "y") != key


def test_a_non_ascii_permalink_too_long_for_the_table_still_redirects(tmp_path, client):
    slug = quote(CYRILLIC.strip("-"))
    assert len(f"/2022/03/04/{slug}/") > 200
    export = mini_export(
        tmp_path,
        item(
            961,
            "Along the embankment",
            link=f"{SITE}/2022/03/04/{slug}/",
            post_name=slug.lower(),
            date="2022-03-04 08:00:00",
        ),
    )
    output = run(export)
    new = article(961).get_absolute_url()
    for old in (f"/2022/03/04/{slug}/", f"/2022/03/04/{slug}", f"/2022/03/04/{slug}/?ref=x"):
        response = client.get(old)
        assert (response.status_code, response["Location"].split("?")[0]) == (301, new)
    assert client.get("/?p=961")["Location"] == new
    assert "stored under a shortened key" in output
    assert all(len(path) <= 200 for path in Redirect.objects.values_list("old_path", flat=True))


def test_a_200_character_slug_keeps_its_query_address(tmp_path, client):
    """WordPress allows a 200-character slug; ``/articles/<it>/`` would not fit a redirect."""
    export = mini_export(
        tmp_path,
        item(
            962,
            "The breakwater, stone by stone",
            link=f"{SITE}/2022/03/05/{ASCII_200}/",
            post_name=ASCII_200,
            date="2022-03-05 08:00:00",
        ),
    )
    run(export)
    new = article(962).get_absolute_url()
    assert len(new) <= 200 and article(962).slug.startswith("the-breakwater-was-rebuilt")
    assert client.get("/?p=962")["Location"] == new
    assert client.get(f"/2022/03/05/{ASCII_200}/")["Location"] == new


def test_an_unknown_long_path_is_still_a_404(client):
    assert client.get("/" + "z" * 300 + "/").status_code == 404
