import pytest
from django.core.exceptions import ValidationError

from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_guest_author_needs_no_account():
    author = AuthorFactory(name="Guest Writer", user=None)
    assert author.user is None
    assert author.slug == "guest-writer"


def test_author_can_be_linked_to_a_login():
    user = UserFactory(username="kim")
    author = AuthorFactory(user=user)
    assert user.author_profile == author


def test_slugs_are_unique():
    assert AuthorFactory(name="Sam Lee").slug == "sam-lee"
    assert AuthorFactory(name="Sam Lee").slug == "sam-lee-2"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("x_handle", "has space"),
        ("x_handle", "waytoolonghandle_123"),
        ("bluesky_handle", "not a domain"),
        ("mastodon_handle", "@user"),
        ("facebook_url", "https://evil.example.org/profile"),
    ],
)
def test_bad_social_handles_are_refused(field, value):
    author = AuthorFactory.build(name="Pat", **{field: value})
    with pytest.raises(ValidationError) as excinfo:
        author.full_clean()
    assert field in excinfo.value.message_dict


def test_social_links_normalise_handles_and_build_urls():
    author = AuthorFactory.build(
        name="Pat",
        slug="pat",
        x_handle="@pat_writes",
        bluesky_handle="@Pat.bsky.social",
        mastodon_handle="@pat@example.social",
        website_url="https://pat.example.org/",
    )
    author.full_clean()
    labels = {link["network"]: (link["label"], link["url"]) for link in author.social_links}
    assert labels["x"] == ("Follow on X @pat_writes", "https://x.com/pat_writes")
    assert labels["bluesky"] == (
        "Follow on Bluesky @pat.bsky.social",
        "https://bsky.app/profile/pat.bsky.social",
    )
    assert labels["mastodon"][1] == "https://example.social/@pat"
    assert labels["website"][1] == "https://pat.example.org/"


def test_with_live_articles_excludes_authors_without_public_work():
    from articles.models import Article

    live = AuthorFactory(name="Live")
    drafty = AuthorFactory(name="Drafty")
    AuthorFactory(name="Nothing")
    ArticleFactory(authors=[live])
    ArticleFactory(authors=[drafty], status=Article.Status.DRAFT, published_at=None)
    assert list(Author.objects.with_live_articles()) == [live]


def test_get_absolute_url():
    assert AuthorFactory(name="Ana Ruiz").get_absolute_url() == "/authors/ana-ruiz/"
