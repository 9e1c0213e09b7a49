"""The demo's newsletters: a daily digest and one for new books (original text)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NewsletterSpec:
    slug: str
    name: str
    description: str
    is_default: bool
    position: int


NEWSLETTERS = [
    NewsletterSpec(
        slug="daily-digest",
        name="Daily digest",
        description="The day's reporting in one short email, every weekday morning.",
        is_default=True,
        position=1,
    ),
    NewsletterSpec(
        slug="new-books",
        name="New books",
        description="A note when one of our books comes out, a few times a year.",
        is_default=False,
        position=2,
    ),
]
