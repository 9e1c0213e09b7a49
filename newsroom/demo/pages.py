"""The demo's pages: About, Masthead, Support us, Contact, Privacy, Republishing policy.

Written for this project. ``{site}`` is replaced by SITE_NAME.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    slug: str
    title: str
    body: str
    parent: str = ""  # the slug of a top-level page
    placement: str = ""
    position: int = 0
    shows_staff: bool = False
    has_tip_form: bool = False
    seo_description: str = ""


# Who the masthead lists (authors by their key in people.py): role and order.
STAFF: dict[str, tuple[str, int]] = {
    "mara": ("Editors", 1),
    "amelie": ("Editors", 2),
    "daniel": ("Reporters", 3),
    "priya": ("Reporters", 4),
    "jonas": ("Reporters", 5),
}

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        slug="about",
        title="About us",
        placement="navigation",
        position=1,
        seo_description="Who runs {site}, who pays for it, and the rules we report by.",
        body=(
            "<p>{site} is a small, independent newsroom. We report on the housing, energy "
            "and water decisions that shape the cities we live in, and we publish the books "
            "that grow out of that reporting.</p>"
            "<h2>How we work</h2>"
            "<p>We name our sources whenever we can and say why when we cannot. We correct "
            "mistakes openly, under the story, with the date. Nobody who funds us sees a "
            "story before it is published.</p>"
            "<h2>Who pays for it</h2>"
            "<p>Readers, mostly. Grants from foundations cover the rest; we list every "
            "funder that gives more than a thousand euros a year on this page each "
            "January.</p>"
        ),
    ),
    PageSpec(
        slug="masthead",
        parent="about",
        title="Masthead",
        placement="footer",
        position=1,
        shows_staff=True,
        seo_description="The editors and reporters of {site}.",
        body=(
            "<p>Freelance writers and guest contributors are credited on their stories. "
            'To reach any of us, use the <a href="/contact/">contact page</a>.</p>'
        ),
    ),
    PageSpec(
        slug="support",
        title="Support us",
        placement="navigation",
        position=2,
        seo_description="Keep {site} free to read for everyone.",
        body=(
            "<p>Everything we publish is free to read and free of advertising. That only "
            "works while enough readers chip in.</p>"
            "<ul><li>A monthly contribution, of any size, lets us plan investigations that "
            "take months.</li><li>A one-off gift pays for records requests, travel and "
            "the occasional lawyer.</li><li>Telling a friend about a story costs nothing "
            "and helps just as much.</li></ul>"
            "<p>We do not sell, rent or share the names of the people who support us.</p>"
        ),
    ),
    PageSpec(
        slug="contact",
        title="Contact",
        placement="footer",
        position=2,
        has_tip_form=True,
        seo_description="Send {site} a tip, a correction or a question.",
        body=(
            "<p>Spotted a mistake, have a question about a story, or know something we "
            "should look into? Write to us below. Only the message is required: you do not "
            "have to give your name or an address.</p>"
            "<p>If you are sending something sensitive, send it from a device and a "
            "network that are not your employer's.</p>"
        ),
    ),
    PageSpec(
        slug="privacy",
        title="Privacy",
        placement="footer",
        position=3,
        seo_description="What {site} records about readers: as little as we can.",
        body=(
            "<p>We do not run advertising, analytics or any third-party scripts, and we do "
            "not set cookies for readers.</p>"
            "<p>Our servers keep request logs, including addresses, for fourteen days to "
            "fend off abuse; then they are deleted.</p>"
            "<p>What you send through the contact form is kept for as long as the "
            "newsroom needs it to follow up, is read only by our editors, and is never "
            "shared without your permission.</p>"
            "<h2>Newsletters</h2>"
            "<p>If you subscribe to a newsletter we store, for each address: the address "
            "itself; when it was entered and when it was confirmed; which newsletters it "
            "gets, when each was confirmed and, if it left one, when; and for each issue we "
            "sent it, whether the mail server accepted it, when, the message's identifier and "
            "the server's error if it refused. We do not store your IP address with it, and "
            "our emails contain no tracking pixels and no rewritten links: we do not know "
            "whether you opened an email or what you clicked.</p>"
            "<p>Every email has a link to leave at once and a link to your preferences. To get "
            "a copy of what we hold about your address, or to have it erased, write to us "
            "through the contact page; an editor exports or erases it from our admin.</p>"
        ),
    ),
    PageSpec(
        slug="republishing",
        title="Republishing policy",
        placement="footer",
        position=4,
        seo_description="How to republish stories from {site}.",
        body=(
            "<p>You may republish our own stories, in print or online, free of charge, "
            "provided that you:</p>"
            "<ol><li>credit {site} and the authors in the byline;</li>"
            "<li>link to the original story;</li>"
            "<li>do not change the meaning of the text (trimming for length is fine);</li>"
            "<li>do not reuse photographs or illustrations unless we say so.</li></ol>"
            "<p>Stories we ourselves republished from other publications are theirs to "
            "license: ask them.</p>"
        ),
    ),
)
