"""Helpers for the reader-site tests: parse a response, and make the content pages show."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article, Byline
from tests.factories import ArticleFactory

# Every state in which an article must stay invisible to the public, as factory arguments.
HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() + timedelta(days=2),
    },
}


def page(response) -> BeautifulSoup:
    """The response body as a parsed document."""
    return BeautifulSoup(response.content.decode(), "html.parser")


def query(url: str) -> dict[str, str]:
    """The decoded query parameters of ``url`` (one value each)."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def text(node) -> str:
    """The node's text with runs of whitespace collapsed."""
    return " ".join(node.get_text(" ").split())


def hidden_article(state: str, **kwargs) -> Article:
    """An article in one of ``HIDDEN_STATES``; its ``published_at`` is set for every state."""
    options = {"published_at": timezone.now() - timedelta(hours=3), **HIDDEN_STATES[state]}
    options.update(kwargs)
    return ArticleFactory(**options)


def add_byline(article: Article, author, role: str, position: int) -> Byline:
    return Byline.objects.create(article=article, author=author, role=role, position=position)
