"""Corrections and update notes appear on the public article page, in order, escaped."""

import pytest

from articles.models import Correction
from articles.services import article_add_correction
from tests.articles.workflow_helpers import staff_in
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_corrections_show_under_the_article_and_move_the_updated_time(client):
    editor = staff_in("Editor")
    article = ArticleFactory()
    assert not article.was_updated
    article_add_correction(article=article, by=editor, text="An earlier version misspelt a name.")
    article_add_correction(
        article=article,
        by=editor,
        text="Figures <b>now</b> include March.",
        kind=Correction.Kind.UPDATE,
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Corrections and updates" in html
    first = html.index("An earlier version misspelt a name.")
    second = html.index("Figures &lt;b&gt;now&lt;/b&gt; include March.")
    assert first < second
    assert "<b>now</b>" not in html
    assert "Updated <time" in html


def test_no_corrections_section_without_notes(client):
    article = ArticleFactory()
    assert "Corrections and updates" not in client.get(article.get_absolute_url()).content.decode()
