"""The command's output: unreadable files, progress bar, JSON report, quiet output."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.fixtures.wordpress import build_export
from tests.imports.helpers import (
    EXTERNAL_ENTITY,
    FIXTURE,
    SITE,
    mini_export,
    run,
)

pytestmark = pytest.mark.django_db


def test_command_reports_an_unreadable_file(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(EXTERNAL_ENTITY)
    with pytest.raises(CommandError, match="refused for safety"):
        run(bad)
    with pytest.raises(CommandError, match="No export file"):
        run(tmp_path / "nothing.xml")
    with pytest.raises(CommandError, match="is not a folder"):
        run(FIXTURE, media_dir=str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="Unknown time zone"):
        run(FIXTURE, timezone="Mars/Olympus")
    assert Article.objects.count() == 0


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(tmp_path):
    export = mini_export(tmp_path, build_export.item(5, "One"), build_export.item(6, "Two"))
    terminal = FakeTerminal()
    call_command("import_wordpress", str(export), stdout=terminal)
    assert "\rImporting posts [###############---------------] 1/2" in terminal.getvalue()
    assert "\rImporting posts [##############################] 2/2" in terminal.getvalue()
    assert "\r" not in run(export)


def test_json_report(tmp_path, media_dir):
    target = tmp_path / "report.json"
    run(media_dir=str(media_dir), report=str(target))
    data = json.loads(target.read_text())
    assert data["source"] == SITE
    assert data["counts"]["articles"]["created"] == 46
    assert data["counts"]["pages"]["created"] == 1
    assert any(
        entry["outcome"] == "skipped" and entry["ref"].startswith("event 303")
        for entry in data["entries"]
    )


def test_quiet_output_is_only_the_summary(tmp_path):
    export = mini_export(tmp_path, build_export.item(5, "One", post_name="one"))
    quiet = run(export, verbosity=0)
    assert "To look at" not in quiet
    assert "articles" in quiet
