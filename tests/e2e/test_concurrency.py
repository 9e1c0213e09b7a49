"""Two editors open the same article; the second save must not overwrite the first.

Each editor has their own browser context (their own session cookie), as two people at two
desks would. Both forms are loaded before either saves, so the second is stale when sent.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

ORIGINAL_DEK = "The first draft of the standfirst."
FIRST_DEK = "Erin's standfirst: the council will vote in March."
SECOND_DEK = "Eli's standfirst: the vote is delayed until spring."


def open_change_form(new_context, user, article):
    page = new_context().new_page()
    admin_login(page, user)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(page.get_by_label("Standfirst:")).to_have_value(ORIGINAL_DEK)
    return page


def test_second_editor_is_refused_and_the_first_edit_survives(new_context, editor, second_editor):
    article = ArticleFactory(
        headline="Budget talks resume at city hall",
        dek=ORIGINAL_DEK,
        status=Article.Status.DRAFT,
        published_at=None,
    )
    first = open_change_form(new_context, editor, article)
    second = open_change_form(new_context, second_editor, article)

    first.get_by_label("Standfirst:").fill(FIRST_DEK)
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    article.refresh_from_db()
    assert article.dek == FIRST_DEK

    second.get_by_label("Standfirst:").fill(SECOND_DEK)
    second.get_by_role("button", name="Save and continue editing").click()

    # Refused, with a message that says who saved and that nothing was lost.
    alert = second.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Someone else saved this article after you opened it")
    expect(second.get_by_role("main")).to_contain_text(editor.username)
    expect(second.get_by_text(re.compile("was changed successfully"))).to_have_count(0)
    # The second editor's text is still in the form, ready to merge.
    expect(second.get_by_label("Standfirst:")).to_have_value(SECOND_DEK)

    article.refresh_from_db()
    assert article.dek == FIRST_DEK, "the second save overwrote the first editor's text"

    # The first editor reloads and still sees their own text.
    first.reload()
    expect(first.get_by_label("Standfirst:")).to_have_value(FIRST_DEK)
