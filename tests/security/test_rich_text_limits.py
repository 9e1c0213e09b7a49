"""Rich text that would stall the sanitiser is refused, with the limit and the figure, before
the parser sees it: in the admin form, in ``Article.save()`` and in the WordPress import."""

import io

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from newsroom.sanitize import measure_markup, sanitize_html, validate_markup_limits
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from tests.fixtures.wordpress import build_export

from .helpers import admin_form_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")

# The two bodies from issue 15: ~20 s to save, and a worker killed by the timeout.
NESTED_DIVS_400_KB = "<div>" * 37_000 + "x" + "</div>" * 37_000
DIV_B_I_1_1_MB = "<div><b><i>" * 105_000
# Formatting tags left open inside a closed block: the parser re-opens all of them in every
# later paragraph. 33 KB of this took 5.5 s.
REOPENED = "".join(f'<div><b title="{n}"></div>' for n in range(1000)) + "<p>x</p>" * 1000


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.RICH_TEXT_MAX_BYTES = 1024 * 1024
    settings.RICH_TEXT_MAX_DEPTH = 100
    settings.RICH_TEXT_MAX_ELEMENTS = 20_000


def refusal(html: str) -> str:
    with pytest.raises(ValidationError) as error:
        validate_markup_limits(html)
    return error.value.messages[0].replace("\xa0", " ")


def test_deep_nesting_is_refused_with_the_depth_and_the_limit():
    assert refusal("<div>" * 812 + "x" + "</div>" * 812) == (
        "The body is nested 812 levels deep; the limit is 100."
    )


def test_the_issues_payloads_are_refused_quickly():
    assert "levels deep; the limit is 100." in refusal(NESTED_DIVS_400_KB)
    assert refusal(DIV_B_I_1_1_MB) == (
        "The body is 1,155,000 bytes; the limit is 1,048,576 bytes (1.0 MB)."
    )


def test_formatting_tags_reopened_by_the_parser_count_as_nesting_and_elements():
    assert "levels deep" in refusal(REOPENED)
    few_open = "".join(f'<div><b title="{n}"></div>' for n in range(10)) + "<p>x</p>" * 5000
    assert measure_markup(few_open).depth <= 100
    assert "too many elements" in refusal(few_open)


def test_ordinary_bodies_pass():
    long_feature = "".join(
        f"<h2>Part {n}</h2><p>Some <b>bold</b>, <i>italic</i> and a "
        f'<a href="https://example.org/{n}">link</a>.</p><ul><li>one</li><li>two</li></ul>'
        for n in range(300)
    )
    validate_markup_limits(long_feature)
    # Sloppy but harmless: unclosed list items and paragraphs close each other.
    validate_markup_limits("<ul>" + "<li>item" * 500 + "</ul>" + "<p>para" * 500)


def test_tags_the_parser_reads_as_ordinary_elements_are_counted_so():
    """A scanner that trusted Unicode case folding (K, the Kelvin sign, lowercases to "k")
    or skipped "void" names inside SVG would miss nesting the parser builds."""
    assert measure_markup("<lin\u212a>" * 300).depth == 300
    assert measure_markup("<svg>" + "<link>" * 300).depth == 301
    assert measure_markup("<br>" * 300).depth == 1


def test_the_sanitiser_itself_refuses_so_nothing_can_bypass_the_form():
    with pytest.raises(ValidationError):
        sanitize_html(NESTED_DIVS_400_KB)
    with pytest.raises(ValidationError):
        ArticleFactory(body=REOPENED)
    assert not Article.objects.exists()


def test_the_admin_form_says_which_limit(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = admin_form_data(client.get(ADD_URL).content.decode())
    data.update(
        {
            "headline": "A very deep story",
            "section": str(SectionFactory(name="News").pk),
            "bylines-0-author": str(AuthorFactory().pk),
            "body": "<div>" * 812 + "x" + "</div>" * 812,
        }
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "The body is nested 812 levels deep; the limit is 100." in [
        str(error) for error in response.context["adminform"].form.errors["body"]
    ]
    assert not Article.objects.exists()


def test_the_wordpress_import_reports_the_post_as_failed(tmp_path):
    text = build_export.build()
    head = text.split("\t<item>\n")[0]
    post = build_export.item(
        9001, "Nested all the way down", content=NESTED_DIVS_400_KB, post_name="deep"
    )
    export = tmp_path / "deep.xml"
    export.write_text(head + post + "</channel>\n</rss>\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command("import_wordpress", str(export), stdout=out)
    assert "levels deep; the limit is 100." in out.getvalue()
    assert not Article.objects.exists()


# --- Generated markup: whatever is accepted is within the limits ------------------------------

TAGS = ["div", "p", "b", "i", "a", "li", "ul", "td", "tr", "table", "br", "img", "svg", "span"]


@st.composite
def markup(draw):
    """Deep, wide and badly nested markup: runs of opening tags, stray closes, text."""
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(TAGS))
        kind = draw(st.sampled_from(["open-run", "close", "text", "wide"]))
        if kind == "open-run":
            attrs = draw(st.sampled_from(["", ' title="x"', ' title="{n}"']))
            count = draw(st.integers(1, 300))
            parts.append("".join(f"<{tag}{attrs.format(n=n)}>" for n in range(count)))
        elif kind == "close":
            parts.append(f"</{tag}>" * draw(st.integers(1, 50)))
        elif kind == "wide":
            parts.append(f"<{tag}>x</{tag}>" * draw(st.integers(1, 800)))
        else:
            parts.append(draw(st.text(max_size=20)))
    return "".join(parts)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=markup())
def test_generated_markup_is_refused_clearly_or_within_the_limits(html):
    try:
        validate_markup_limits(html)
    except ValidationError as error:
        assert error.code in {"too_large", "too_deep", "too_many_elements"}
        assert "the limit is" in error.messages[0]
        return
    measured = measure_markup(html)
    assert measured.bytes <= django_settings.RICH_TEXT_MAX_BYTES
    assert measured.depth <= django_settings.RICH_TEXT_MAX_DEPTH
    assert measured.elements <= django_settings.RICH_TEXT_MAX_ELEMENTS
    assert measured.complete
    sanitize_html(html)  # accepted bodies do sanitise (and never raise)
