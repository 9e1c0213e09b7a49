"""The Content-Security-Policy in a real browser: nothing the site needs is blocked.

The server-side tests (tests/security/test_headers.py) prove the policy is strict; these prove
the pages still work under it — the reader's scripts run, and the admin's rich-text editor
(an import map allowed by its hash, ES modules, an injected <style>) starts with no violation.
"""

import pytest

from tests.factories import ArticleFactory, UserFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def watch_violations(page) -> list[str]:
    """Collect every CSP violation the browser reports on the console."""
    violations: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            violations.append(text)

    page.on("console", on_console)
    return violations


def test_article_page_runs_its_scripts_under_the_policy(page, live_server):
    article = ArticleFactory()
    violations = watch_violations(page)
    response = page.goto(article.get_absolute_url())
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_admin_editor_starts_under_the_policy(page, live_server):
    UserFactory(username="csp-editor", is_staff=True, is_superuser=True, password=PASSWORD)
    violations = watch_violations(page)
    page.goto("/admin/login/")
    page.fill("#id_username", "csp-editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto("/admin/articles/article/add/")
    page.wait_for_selector(".ProseMirror", state="attached")
    page.wait_for_load_state("networkidle")
    assert violations == []
