"""Every public page is valid HTML according to the Nu Html Checker (vnu-jar).

The pages are fetched from the live server exactly as a browser receives them (the response
body, not the DOM after scripts ran), saved to files, and checked in one Java process because
starting the JVM is the slow part.
"""

import json
import subprocess

import pytest

from tests.e2e.conftest import public_pages

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_pages_are_valid_html(new_context, reader_site, vnu_command, tmp_path):
    request = new_context().request
    pages = public_pages(reader_site)
    missing = sorted(name for name, path in pages.items() if path is None)
    files = {}
    for name, path in pages.items():
        if path is None:
            continue
        response = request.get(path)
        expected = 404 if name == "404" else 200
        assert response.status == expected, f"{name} ({path}) answered {response.status}"
        assert response.headers["content-type"].startswith("text/html")
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.body())
        files[file.name] = name

    # A page known to be invalid goes in the same run, to prove the checker reports errors.
    (tmp_path / "known-bad.html").write_text("<!doctype html><title>x</title><p><div></p>")

    checked = subprocess.run(
        [
            *vnu_command,
            "--format",
            "json",
            "--stdout",
            *(str(tmp_path / f) for f in files),
            str(tmp_path / "known-bad.html"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.stdout.strip(), f"vnu produced no report: {checked.stderr[-2000:]}"
    messages = json.loads(checked.stdout)["messages"]
    errors = [m for m in messages if m.get("type") in {"error", "non-document-error"}]
    assert any(m.get("url", "").endswith("/known-bad.html") for m in errors), "vnu saw nothing"
    errors = [m for m in errors if not m.get("url", "").endswith("/known-bad.html")]
    lines = [
        f"- {files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url', '?'))} page, "
        f"line {m.get('lastLine', '?')}: "
        f"{m['message']} [{m.get('extract', '').strip()[:120]}]"
        for m in errors
    ]
    assert not errors, "The Nu Html Checker found errors:\n" + "\n".join(lines)
    assert len(files) >= 8, f"only {sorted(files.values())} were checked"
    if missing:
        pytest.xfail(f"{', '.join(missing)} page(s) not checked: not built yet (issue 4: search)")
