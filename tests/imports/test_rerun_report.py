"""Reports that tell the truth on re-runs: run 2 accounts for what run 1 did, as unchanged."""

import pytest

from tests.fixtures.wordpress.build_export import NEWS, cat, item, tag
from tests.imports.helpers import mini_export, run, summary

pytestmark = pytest.mark.django_db


def rows(output: str) -> dict[str, list[str]]:
    """The summary table's counted rows (not its heading)."""
    return {
        kind: row
        for kind, row in summary(output).items()
        if len(row) == 5 and all(cell.isdigit() for cell in row)
    }


def totals(output: str) -> dict[str, int]:
    return {kind: sum(map(int, row)) for kind, row in rows(output).items()}


def assert_second_run_is_all_unchanged(first: str, second: str) -> None:
    assert totals(second) == totals(first)
    for kind, (created, updated, _unchanged, skipped, failed) in rows(second).items():
        assert (kind, created, updated, failed) == (kind, "0", "0", "0")
        assert summary(first)[kind][3] == skipped


def test_the_fixture_twice(media_dir):
    first = run(media_dir=str(media_dir))
    second = run(media_dir=str(media_dir))
    assert_second_run_is_all_unchanged(first, second)
    assert summary(second)["authors"][2] == "6"  # the four users, the guest, the stray creator
    assert summary(second)["sections"][2] == "6"  # five categories and "Articles"


def test_records_first_met_in_a_post_are_counted_on_every_run(tmp_path):
    """An author, category and tag the export does not declare, used by two posts each."""
    terms = [NEWS, cat("harbour-works", "Harbour works"), tag("cranes", "Cranes")]
    export = mini_export(
        tmp_path,
        item(971, "Cranes arrive", post_name="cranes", creator="guest.writer", terms=terms),
        item(972, "Cranes at work", post_name="at-work", creator="guest.writer", terms=terms),
        item(973, "No category at all", post_name="none", creator="guest.writer"),
    )
    first = run(export)
    second = run(export)
    assert summary(first)["authors"][0] == "1"
    assert summary(first)["tags"][0] == "1"
    assert_second_run_is_all_unchanged(first, second)
    assert summary(second)["redirects"][2] == summary(first)["redirects"][0]
