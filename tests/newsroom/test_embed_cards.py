"""Editors insert an embed by putting a provider's address alone in a paragraph: on save it
becomes the same privacy-friendly card the WordPress import makes (newsroom/embeds.py)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article
from editorial import services
from editorial.forms import body_field
from newsroom.embeds import embed_html
from newsroom.sanitize import sanitize_html
from tests.factories import ArticleFactory, UserFactory
from tests.security.helpers import admin_form_data

VIDEO = "https://www.youtube.com/watch?v=harbour1&t=30"
ESCAPED = VIDEO.replace("&", "&amp;")


@pytest.mark.parametrize(
    "body",
    [
        f"<p>{ESCAPED}</p>",  # typed
        f'<p><a href="{ESCAPED}">{ESCAPED}</a></p>',  # pasted: the editor links it to itself
        f"<p>  {ESCAPED}\n</p>",
    ],
)
def test_a_provider_address_alone_in_a_paragraph_becomes_the_card(body):
    cleaned = sanitize_html(f"<p>Before.</p>{body}<p>After.</p>")
    card = sanitize_html(embed_html(VIDEO))
    assert cleaned == f"<p>Before.</p>{card}<p>After.</p>"
    assert sanitize_html(cleaned) == cleaned  # the sanitiser keeps it, unchanged
    figure = BeautifulSoup(cleaned, "html.parser").figure
    assert figure["data-embed"] == "youtube"
    assert figure.a["href"] == VIDEO and figure.a.get_text() == "Watch on YouTube"


@pytest.mark.parametrize(
    "body",
    [
        '<p><a href="https://vimeo.com/42" rel="noopener noreferrer">the launch video</a></p>',
        "<p>Watch https://vimeo.com/42 tonight.</p>",
        "<p>https://example.org/report</p>",  # not a provider: the editor's text stays
        "<pre>https://vimeo.com/42</pre>",
    ],
)
def test_other_addresses_are_left_as_written(body):
    assert sanitize_html(body) == body


def test_a_card_the_body_editor_took_apart_is_made_whole_on_save():
    """What django-prose-editor posts back for a card it loaded (seen in tests/e2e)."""
    edited = (
        "<p>Before.</p><figure><img></figure>"
        '<p><a href="https://vimeo.com/42">Watch on Vimeo</a></p>'
        "<figcaption>vimeo.com/42</figcaption>"
        "<p>After.</p>"
    )
    card = sanitize_html(embed_html("https://vimeo.com/42"))
    assert sanitize_html(edited) == f"<p>Before.</p>{card}<p>After.</p>"
    # A link that only says the same words, to a site that is not the provider, stays.
    other = '<p><a href="https://example.org/v" rel="noopener noreferrer">Watch on Vimeo</a></p>'
    assert sanitize_html(other) == other


@pytest.mark.parametrize(
    "posted",
    [
        # As the editor's card node writes it (static/js/admin-embeds.js).
        '<figure data-embed="vimeo"><a href="https://vimeo.com/42">Watch on Vimeo</a>'
        "<figcaption>vimeo.com/42</figcaption></figure>",
        # Words or caption that are not ours, or the wrong provider: made again.
        '<figure data-embed="vimeo"><a href="https://vimeo.com/42">Click me!</a>'
        "<figcaption>vimeo.com/42</figcaption></figure>",
        '<figure data-embed="vimeo"><a href="https://vimeo.com/42">Watch on Vimeo</a>'
        "<figcaption>A trailer</figcaption></figure>",
        '<figure data-embed="youtube"><a href="https://vimeo.com/42">Watch on Vimeo</a>'
        "<figcaption>vimeo.com/42</figcaption></figure>",
        '<figure data-embed="vimeo"><a href="https://vimeo.com/42">Watch on Vimeo</a></figure>',
    ],
)
def test_a_card_says_what_its_address_says(posted):
    """The card's words and caption are made from its address on every save, whatever the
    editor (or a pasted card) wrote, and saving again changes nothing."""
    card = sanitize_html(embed_html("https://vimeo.com/42"))
    cleaned = sanitize_html(f"<p>Before.</p>{posted}<p>After.</p>")
    assert cleaned == f"<p>Before.</p>{card}<p>After.</p>"
    assert sanitize_html(cleaned) == cleaned


def test_the_editor_is_configured_with_the_servers_providers():
    from editorial.forms import BODY_EDITOR_EXTENSIONS
    from newsroom.embeds import PROVIDERS

    providers = BODY_EDITOR_EXTENSIONS["EmbedCard"]["providers"]
    assert [p["key"] for p in providers] == [p.key for p in PROVIDERS]
    assert providers[0] == {
        "key": "youtube",
        "name": "YouTube",
        "verb": "Watch",
        "hosts": ["youtube.com", "youtu.be", "youtube-nocookie.com"],
    }


def test_the_body_editor_loads_the_card_extension():
    config = body_field().widget.get_config()
    assert "EmbedCard" in config["extensions"]
    assert any(module.endswith("js/admin-embeds.js") for module in config["js_modules"])


def test_the_body_editor_field_makes_the_card():
    cleaned = body_field().clean("<p>https://open.spotify.com/track/abc</p>")
    assert cleaned.startswith('<figure data-embed="spotify">')
    assert "Listen on Spotify" in cleaned


@pytest.mark.django_db
def test_saving_an_article_makes_the_card_and_readers_get_no_player(client):
    author = UserFactory(is_staff=True, is_superuser=True)
    article = ArticleFactory(body="<p>Intro.</p>")
    article.body = "<p>Intro.</p><p>https://bsky.app/profile/ledger.example/post/3k</p>"
    services.content_save(obj=article, by=author)
    article.refresh_from_db()
    assert '<figure data-embed="bluesky">' in article.body
    html = client.get(article.get_absolute_url()).content.decode()
    page = BeautifulSoup(html, "html.parser")
    card = page.select_one("figure[data-embed=bluesky]")
    assert card.a["href"] == "https://bsky.app/profile/ledger.example/post/3k"
    assert not page.find("iframe")
    loaded = [tag.get("src", "") for tag in page.find_all(src=True)]
    assert not [src for src in loaded if "bsky" in src]  # nothing loads from the provider


@pytest.mark.django_db
def test_the_admin_saves_a_pasted_address_as_the_card(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    article = ArticleFactory(body="<p>Intro.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(client.get(url).content.decode())
    data["body"] = '<p>Intro.</p><p><a href="https://vimeo.com/42">https://vimeo.com/42</a></p>'
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    body = Article.objects.get(pk=article.pk).body
    assert '<figure data-embed="vimeo"><a href="https://vimeo.com/42"' in body
