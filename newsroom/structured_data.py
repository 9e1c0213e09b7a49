"""schema.org JSON-LD for public pages, built as plain dicts and serialised safely.

Search engines read these blocks to show rich results. This module holds what every page
shares (the publisher, the site, breadcrumbs) and the safe serialisation; each app builds
the data about its own objects (``articles/structured_data.py``, ``authors/…``,
``books/…``) from objects that already passed the public gate.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import seo

SCHEMA = "https://schema.org"

# The escapes of django.utils.html.json_script, plus the two line separators some older
# parsers choke on: "</script>" or "<!--" inside a headline can never end the block early.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: dict) -> str:
    """``data`` as JSON that is safe to place inside a <script> element."""
    return json.dumps(data, default=_default, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)


def script(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` block for ``data`` (escaped as above)."""
    return mark_safe(f'<script type="application/ld+json">{to_json(data)}</script>')  # noqa: S308


def clean(data: dict) -> dict:
    """Drop empty values so the markup states only what we know."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def image_object(image: seo.ShareImage | None) -> dict | None:
    if image is None:
        return None
    return clean(
        {
            "@type": "ImageObject",
            "url": image.url,
            "width": image.width,
            "height": image.height,
            "caption": image.alt,
        }
    )


def organization() -> dict:
    """The publisher: the newsroom itself, with its logo."""
    return clean(
        {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
            "logo": image_object(seo.site_logo()),
        }
    )


def with_context(data: dict) -> dict:
    return {"@context": SCHEMA, **data}


def website() -> dict:
    """The site, with the search box search engines may show under its result."""
    search_url = seo.absolute_url(reverse("articles:search"))
    return with_context(
        clean(
            {
                "@type": "WebSite",
                "name": settings.SITE_NAME,
                "url": settings.SITE_URL + "/",
                "description": settings.SITE_DESCRIPTION,
                "inLanguage": seo.language_tag(),
                "publisher": organization(),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": f"{search_url}?q={{search_term_string}}",
                    },
                    "query-input": "required name=search_term_string",
                },
            }
        )
    )


def publisher() -> dict:
    return with_context(organization())


def home_crumb() -> tuple[str, str]:
    """The first step of every breadcrumb trail: the front page."""
    return (settings.SITE_NAME, settings.SITE_URL + "/")


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """BreadcrumbList from (name, absolute URL) pairs, home first."""
    return with_context(
        {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "item": url}
                for position, (name, url) in enumerate(trail, start=1)
            ],
        }
    )
