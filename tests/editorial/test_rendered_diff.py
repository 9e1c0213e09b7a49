"""Comparisons show rich text rendered, with the changes marked in it (issue 18)."""

from pathlib import Path

import pytest
from django.urls import reverse
from reversion.models import Version

from editorial import revisions, services
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_changed_words_are_marked_inside_the_rendered_markup():
    html = revisions.rendered_diff(
        "<h2>Rents</h2><p>Rents rise <strong>fast</strong> in town.</p>",
        "<h2>Rents</h2><p>Rents fall <strong>fast</strong> in town.</p><ul><li>New point</li></ul>",
    )
    assert "<h2>Rents</h2>" in html  # markup rendered, not shown as source
    assert "&lt;" not in html
    assert "<del>rise</del>" in html and "<ins>fall</ins>" in html
    assert "<ul><li><ins>New point</ins></li></ul>" in html
    assert html.startswith('<div class="diff-rendered">')


def test_hostile_markup_in_an_old_version_is_sanitised():
    html = revisions.rendered_diff('<p onclick="x()">Hi</p><script>alert(1)</script>', "<p>Hi</p>")
    assert "<script" not in html and "onclick" not in html


def test_a_removed_image_is_said_to_be_removed():
    html = revisions.rendered_diff(
        '<p>A</p><figure><img src="/a.jpg" alt="A"></figure>', "<p>A</p>"
    )
    assert "[image removed]" in html


def test_the_compare_page_shows_the_body_rendered(client, editor):
    article = ArticleFactory(headline="Budget", body="<p>The council will spend less.</p>")
    article.refresh_from_db()
    services.content_save(obj=article, by=editor)  # the first revision
    article.refresh_from_db()
    article.body = "<p>The council will spend more.</p><blockquote><p>Quote</p></blockquote>"
    services.content_save(obj=article, by=editor)
    versions = list(Version.objects.get_for_object(article))
    assert len(versions) == 2
    client.force_login(editor)
    url = reverse("admin:articles_article_compare", args=[article.pk])
    response = client.get(url, {"from": versions[-1].pk, "to": versions[0].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>less.</del>" in html and "<ins>more.</ins>" in html
    assert "&lt;p&gt;" not in html
    assert "<blockquote><p><ins>Quote</ins></p></blockquote>" in html
    assert "admin-richtext.css" in html


def test_the_body_editor_gets_the_site_typography_and_spellcheck(client, editor):
    from django.contrib.staticfiles import finders

    article = ArticleFactory()
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"css/admin-richtext.css" in html and b"js/admin-richtext.js" in html
    css = Path(finders.find("css/admin-richtext.css")).read_text()
    # Every rule is scoped to the editor or to rendered diffs: no admin styles touched.
    import re

    for selector_list in re.findall(r"(?:^|})\s*([^{}@/]+?)\s*{", css):
        for selector in selector_list.split(","):
            assert selector.strip().startswith((".prose-editor", ".diff-rendered")), selector
    assert (
        'setAttribute("spellcheck", "true")'
        in Path(finders.find("js/admin-richtext.js")).read_text()
    )


def test_a_read_only_article_shows_its_body_rendered(client, contributor):
    from tests.articles.workflow_helpers import article_by

    article = article_by(contributor, body="<h2>Plan</h2><p>The <em>new</em> plan.</p>")
    services.content_submit_for_review(obj=article, by=contributor)  # read-only for them now
    client.force_login(contributor)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="diff-rendered"><h2>Plan</h2><p>The <em>new</em> plan.</p></div>' in html
    assert "&lt;h2&gt;" not in html
