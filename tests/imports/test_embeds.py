"""Embeds become privacy-friendly cards: bare URLs, [embed], block-editor embed blocks."""

import pytest

from imports.wordpress import content
from newsroom.embeds import embed_html, provider_for
from tests.fixtures.wordpress.build_export import item
from tests.imports.helpers import HOSTS, article, mini_export, run

pytestmark = pytest.mark.django_db

REL = ' rel="noopener noreferrer"'


def convert(raw: str) -> tuple[str, list[str]]:
    context = content.ConversionContext(site_hosts=HOSTS)
    return content.convert_content(raw, context), context.notes


def card(key: str, url: str, label: str, shown: str) -> str:
    return (
        f'<figure data-embed="{key}"><a href="{url}"{REL}>{label}</a>'
        f"<figcaption>{shown}</figcaption></figure>"
    )


YOUTUBE = "https://www.youtube.com/watch?v=harbour1"
YOUTUBE_CARD = card("youtube", YOUTUBE, "Watch on YouTube", "youtube.com/watch?v=harbour1")


@pytest.mark.parametrize(
    ("url", "key", "label"),
    [
        ("https://youtu.be/harbour1", "youtube", "Watch on YouTube"),
        ("https://vimeo.com/123456", "vimeo", "Watch on Vimeo"),
        ("https://x.com/harbourledger/status/1", "x", "View on X"),
        ("https://twitter.com/harbourledger/status/1", "x", "View on X"),
        ("https://bsky.app/profile/harbour.example/post/3k", "bluesky", "View on Bluesky"),
        ("https://www.instagram.com/p/Cquay/", "instagram", "View on Instagram"),
        ("https://www.tiktok.com/@quay/video/1", "tiktok", "Watch on TikTok"),
        ("https://soundcloud.com/harbour/tide-song", "soundcloud", "Listen on SoundCloud"),
        ("https://open.spotify.com/episode/4quay", "spotify", "Listen on Spotify"),
        ("https://www.flickr.com/photos/harbour/5", "flickr", "View on Flickr"),
    ],
)
def test_every_provider_is_named(url, key, label):
    assert provider_for(url).key == key
    html, notes = convert(f"Before.\n\n{url}\n\nAfter.")
    assert f'<figure data-embed="{key}"><a href="{url}"{REL}>{label}</a>' in html
    assert "<iframe" not in html and "<script" not in html
    assert notes == [f"a URL on its line became a {provider_for(url).name} card (nothing is "
                     "loaded from the provider)"]  # fmt: skip


def test_a_bare_url_on_its_line_and_alone_in_a_paragraph():
    assert convert(f"Watch this:\n\n{YOUTUBE}\n\nThen read on.")[0] == (
        f"<p>Watch this:</p>\n{YOUTUBE_CARD}\n<p>Then read on.</p>"
    )
    assert convert(f"<p>{YOUTUBE}</p>")[0] == YOUTUBE_CARD
    # a URL inside a sentence, or in code, is left alone
    assert "<figure" not in convert(f"See {YOUTUBE} for more.")[0]
    assert convert(f"<pre>\n{YOUTUBE}\n</pre>")[0] == f"<pre>{YOUTUBE}\n</pre>"


def test_the_embed_shortcode_and_other_sites():
    assert convert(f"[embed]{YOUTUBE}[/embed]")[0] == YOUTUBE_CARD
    assert convert("[embed]https://www.harbour-radio.example/live[/embed]")[0] == (
        f'<p><a href="https://www.harbour-radio.example/live"{REL}>harbour-radio.example/live</a></p>'
    )
    assert convert("https://maps.example.org/quay\n")[0] == (
        f'<p><a href="https://maps.example.org/quay"{REL}>maps.example.org/quay</a></p>'
    )


BLOCK = (
    '<!-- wp:embed {"url":"https://vimeo.com/765432","type":"video","providerNameSlug":"vimeo",'
    '"responsive":true} -->\n<figure class="wp-block-embed is-type-video is-provider-vimeo '
    'wp-block-embed-vimeo"><div class="wp-block-embed__wrapper">\nhttps://vimeo.com/765432\n'
    "</div><figcaption>The regatta from the water</figcaption></figure>\n<!-- /wp:embed -->"
)
OLD_BLOCK = (
    '<!-- wp:core-embed/twitter {"url":"https://twitter.com/harbourledger/status/99"} -->\n'
    '<figure class="wp-block-embed-twitter wp-block-embed is-provider-twitter"><div '
    'class="wp-block-embed__wrapper">\nhttps://twitter.com/harbourledger/status/99\n</div>'
    "</figure>\n<!-- /wp:core-embed/twitter -->"
)


def test_block_editor_embed_blocks():
    assert convert(BLOCK)[0] == card(
        "vimeo", "https://vimeo.com/765432", "Watch on Vimeo", "vimeo.com/765432"
    )
    assert convert(OLD_BLOCK)[0] == card(
        "x",
        "https://twitter.com/harbourledger/status/99",
        "View on X",
        "twitter.com/harbourledger/status/99",
    )
    # the figure alone, its block comments stripped
    figure_only = BLOCK.split("-->\n", 1)[1].rsplit("\n<!--", 1)[0]
    assert convert(figure_only)[0] == convert(BLOCK)[0]


def test_embeds_survive_the_import_and_the_articles_own_save(tmp_path):
    export = mini_export(
        tmp_path,
        item(
            981,
            "Regatta in pictures and sound",
            post_name="regatta-media",
            content=(
                f"The start:\n\n{YOUTUBE}\n\n"
                "[embed]https://soundcloud.com/harbour/regatta-horn[/embed]\n\n" + BLOCK
            ),
        ),
    )
    output = run(export)
    saved = article(981)
    body = saved.body
    assert YOUTUBE_CARD in body
    assert '<figure data-embed="soundcloud">' in body and '<figure data-embed="vimeo">' in body
    saved.save()  # sanitised again on save: unchanged
    saved.refresh_from_db()
    assert saved.body == body
    assert "a URL on its line became a YouTube card" in output


def test_not_an_http_url_makes_no_embed():
    assert embed_html("javascript:alert(1)") == ""
    assert provider_for("ftp://youtube.com/x") is None
