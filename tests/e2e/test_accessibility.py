"""axe-core in a real browser on every kind of public page: no serious or critical violations.

axe-core is loaded from ``node_modules`` (never a CDN). Playwright injects the file's content
as an inline script, which a Content-Security-Policy without 'unsafe-inline' would block, so
these contexts bypass CSP: the policy is the site's business, not what is being tested here.
"""

import json

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, public_pages

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["home", "article", "author", "book", "search", "404"]
BLOCKING = {"serious", "critical"}


def run_axe(page, axe_source) -> list[dict]:
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """One line per violation with the first few offending elements, for the failure message."""
    lines = []
    for violation in violations:
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} element(s): {json.dumps(targets)})"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_accessibility_violations(
    new_context, reader_site, axe_source, viewport
):
    """Every kind of page, visited in one browser context per viewport (one data set)."""
    paths = public_pages(reader_site)
    missing = [name for name in PAGES if paths[name] is None]
    page = new_context(viewport=viewport, bypass_csp=True).new_page()
    failures, checked = [], []
    for name in PAGES:
        path = paths[name]
        if path is None:
            continue
        response = page.goto(path)
        expected = 404 if name == "404" else 200
        assert response.status == expected, f"{path} answered {response.status}"
        violations = run_axe(page, axe_source)
        checked.append(name)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            others = [v for v in violations if v["impact"] not in BLOCKING]
            failures.append(
                f"{name} ({path}):\n{describe(blocking)}\n"
                f"  minor/moderate, for information:\n{describe(others) or '- none'}"
            )

    assert not failures, "axe-core found serious/critical violations on:\n" + "\n".join(failures)
    if missing:
        pytest.xfail(f"checked {checked}; not built yet: {missing} (issue 4: search)")


def test_axe_reports_a_known_violation(page, axe_source):
    """The harness itself works: an image without alt text is a critical violation."""
    page.set_content('<!doctype html><html lang="en"><title>t</title><img src="x.png"></html>')
    violations = run_axe(page, axe_source)
    assert {(v["id"], v["impact"]) for v in violations} >= {("image-alt", "critical")}
