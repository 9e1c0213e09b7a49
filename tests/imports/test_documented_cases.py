"""Edge cases docs/import-wordpress.md decides: each documented behaviour, tested."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from authors.models import Author
from tests.fixtures.wordpress.build_export import element, item
from tests.imports.helpers import article, mini_export, run

pytestmark = pytest.mark.django_db


def test_a_password_protected_draft_stays_a_draft_and_loses_its_password(tmp_path):
    export = mini_export(
        tmp_path,
        item(991, "Embargoed budget notes", post_name="embargo", status="draft", password="q"),
    )
    output = run(export)
    assert article(991).status == Article.Status.DRAFT
    assert "was password-protected in WordPress; the password is not kept" in output


def test_an_item_without_a_post_type_is_read_as_a_post(tmp_path):
    """WordPress's importer gives such an item the default type, "post"; so do we."""
    no_type = item(992, "Typed by nobody", post_name="untyped", content="Still news.")
    no_type = no_type.replace("\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n", "")
    assert "wp:post_type" not in no_type
    empty_type = item(993, "Empty type", post_name="empty-type", post_type="")
    run(mini_export(tmp_path, no_type, empty_type))
    assert article(992).body == "<p>Still news.</p>"
    assert article(993).headline == "Empty type"


def test_a_future_post_whose_time_has_passed_is_published_then(tmp_path):
    """WordPress publishes a missed schedule when it notices it; the import does too."""
    export = mini_export(
        tmp_path,
        item(994, "Ferry strike called off", post_name="strike", status="future",
             date="2022-05-01 06:00:00"),
    )  # fmt: skip
    output = run(export)
    missed = article(994)
    assert missed.is_live
    assert missed.published_at == datetime(2022, 5, 1, 6, 0, tzinfo=UTC)
    assert "scheduled in WordPress for a time that has passed" in output


MALFORMED = element(
    "author",
    [
        ("author_id", "77"),
        ("author_login", "<b>rui</b> & co"),
        ("author_email", "rui@harbourledger.example"),
        ("author_display_name", "Rui Almeida"),
        ("author_first_name", "Rui"),
        ("author_last_name", "Almeida"),
    ],
)


def test_a_malformed_author_login_gives_an_author_linked_to_no_account(tmp_path):
    get_user_model().objects.create_user("rui", email="rui@harbourledger.example")
    export = mini_export(
        tmp_path,
        item(995, "Nets and knots", post_name="nets", creator="<b>rui</b> & co"),
        authors=MALFORMED,
    )
    output = run(export)
    author = Author.objects.get(name="Rui Almeida")
    assert author.user is None  # the e-mail matches, but the export's word is not enough
    assert author.slug == "rui-almeida"  # from the name, not the damaged login
    assert list(article(995).bylines.values_list("author__name", flat=True)) == ["Rui Almeida"]
    assert "its login is malformed: imported, not linked to any login" in output
    assert "not among the export's users" not in output
    # the same run twice makes it once
    run(export)
    assert Author.objects.filter(name="Rui Almeida").count() == 1
