"""A database that is there but not ready (a restore in progress, tables missing) answers
503 with Retry-After like one that is away — never a 500 — and nothing rendered then is
kept by the page cache (issue 21, item 6)."""

import pytest
from django.db import ProgrammingError, connection

from newsroom.middleware import is_database_unavailable
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _rename(old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {old} RENAME TO {new}")


@pytest.mark.django_db(transaction=True)
def test_missing_tables_answer_503_and_are_not_cached(client, settings):
    """As during a restore: the table the page reads is not there (yet), in autocommit."""
    settings.PAGE_CACHE_ENABLED = True
    article = ArticleFactory(headline="Tide tables for the winter")
    url = article.get_absolute_url()

    _rename("articles_article", "articles_article_restoring")
    try:
        during = client.get(url)
        home = client.get("/")
    finally:
        _rename("articles_article_restoring", "articles_article")

    assert during.status_code == 503
    assert home.status_code == 503
    assert during["Retry-After"]
    assert "no-store" in during["Cache-Control"]
    after = client.get(url)
    assert after.status_code == 200  # the 503 was not kept
    assert "Tide tables for the winter" in after.content.decode()


def test_only_not_ready_programming_errors_count_as_unavailable():
    import psycopg

    not_ready = ProgrammingError("relation does not exist")
    not_ready.__cause__ = psycopg.errors.UndefinedTable("relation does not exist")
    a_bug = ProgrammingError("syntax error")
    a_bug.__cause__ = psycopg.errors.SyntaxError("syntax error at or near")
    assert is_database_unavailable(not_ready)
    assert not is_database_unavailable(a_bug)  # a bug in our SQL stays a 500 and is seen
    assert not is_database_unavailable(ValueError("x"))
