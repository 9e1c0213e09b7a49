from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Byline
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "offset", "is_live"),
    [
        (Article.Status.PUBLISHED, timedelta(hours=-1), True),
        (Article.Status.PUBLISHED, timedelta(hours=1), False),
        (Article.Status.DRAFT, timedelta(hours=-1), False),
        (Article.Status.REVIEW, timedelta(hours=-1), False),
        (Article.Status.UNPUBLISHED, timedelta(hours=-1), False),
    ],
)
def test_live_is_the_public_gate(status, offset, is_live):
    article = ArticleFactory(status=status, published_at=timezone.now() + offset)
    assert (article in Article.objects.live()) is is_live
    assert article.is_live is is_live


def test_scheduled_article_becomes_live_at_its_time():
    article = ArticleFactory(published_at=timezone.now() + timedelta(seconds=30))
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert article.is_scheduled
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    assert Article.objects.live().filter(pk=article.pk).exists()


def test_published_article_needs_publication_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)


def test_draft_may_have_no_publication_time():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert article.pk


def test_source_url_needs_source_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(source_url="https://elsewhere.example.org/story", source_name="")


def test_slug_is_made_from_headline_and_kept_unique():
    first = ArticleFactory(headline="Rents Rise Again!")
    second = ArticleFactory(headline="Rents rise again")
    assert first.slug == "rents-rise-again"
    assert second.slug == "rents-rise-again-2"


def test_slug_falls_back_when_headline_has_no_letters():
    article = ArticleFactory(headline="¿¡!?")
    assert article.slug == "article"


def test_explicit_slug_must_be_unique_in_database():
    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            headline="Other", slug="same", section=SectionFactory(name="Opinion")
        )


def test_body_is_sanitised_on_save():
    article = ArticleFactory(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"


def test_excerpt_is_derived_from_body_when_empty():
    article = ArticleFactory(excerpt="", body="<p>" + "word " * 100 + "</p>")
    assert article.summary.startswith("word word")
    assert article.summary.endswith("…")
    assert len(article.summary.split()) == 40


def test_given_excerpt_wins():
    assert ArticleFactory(excerpt="Short and sweet.").summary == "Short and sweet."


def test_bylines_keep_their_order():
    a, b, c = AuthorFactory(name="Ada"), AuthorFactory(name="Bo"), AuthorFactory(name="Cy")
    article = ArticleFactory(authors=[c, a, b])
    fetched = Article.objects.for_listing().get(pk=article.pk)
    assert [author.name for author in fetched.byline_authors] == ["Cy", "Ada", "Bo"]


def test_same_author_cannot_have_the_same_role_twice():
    author = AuthorFactory()
    article = ArticleFactory(authors=[author])
    with pytest.raises(IntegrityError), transaction.atomic():
        Byline.objects.create(article=article, author=author, role=Byline.Role.BY)


def test_was_updated_only_after_publication():
    now = timezone.now()
    article = ArticleFactory(published_at=now - timedelta(days=1), updated_at=now)
    assert article.was_updated
    article.updated_at = None
    assert not article.was_updated


def test_get_absolute_url():
    assert ArticleFactory(slug="a-story").get_absolute_url() == "/articles/a-story/"
