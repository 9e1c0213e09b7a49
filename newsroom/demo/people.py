"""The demo's people: login accounts and the authors credited on articles and books.

All names, biographies and handles are invented. Handles point at reserved example domains
(``example.org``, ``example.com``, ``example.social``) or look like real Bluesky handles, so
nothing in the demo links to a real person. ``{site}`` is replaced by ``settings.SITE_NAME``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class UserSpec:
    """A demo login. ``group`` is joined only if a group of that name already exists."""

    username: str
    first_name: str
    last_name: str
    role: str
    group: str
    is_superuser: bool = False


@dataclass(frozen=True)
class AuthorSpec:
    key: str
    name: str
    job_title: str
    short_bio: str
    long_bio: str
    username: str = ""  # empty: a guest author with no account
    x_handle: str = ""
    bluesky_handle: str = ""
    mastodon_handle: str = ""
    website_url: str = ""


USERS: tuple[UserSpec, ...] = (
    UserSpec("admin", "Site", "Administrator", "administrator", "Administrator", True),
    UserSpec("editor", "Mara", "Ellison", "editor", "Editor"),
    UserSpec("contributor", "Daniel", "Okafor", "contributor", "Contributor"),
    UserSpec("priya", "Priya", "Venkataraman", "staff writer", "Contributor"),
    UserSpec("jonas", "Jonas", "Lindqvist", "staff writer", "Contributor"),
    UserSpec("amelie", "Amélie", "Fournier", "staff writer", "Contributor"),
)

AUTHORS: tuple[AuthorSpec, ...] = (
    AuthorSpec(
        key="mara",
        name="Mara Ellison",
        job_title="Editor-in-chief",
        username="editor",
        short_bio="Mara Ellison is the editor-in-chief of {site} and writes about how "
        "public institutions earn, and lose, the trust of the people they serve.",
        long_bio="Mara Ellison has led {site} since its second year. Before that she spent a "
        "decade on a regional daily's city desk, covering council budgets, school boards and "
        "the long afternoons of planning committees.\n\n"
        "She edits the Opinion section, chairs the weekly story meeting and still reads every "
        "correction request herself. Her column appears most weeks.",
        x_handle="maraellison",
        bluesky_handle="maraellison.bsky.social",
        mastodon_handle="@mara@example.social",
        website_url="https://maraellison.example.com/",
    ),
    AuthorSpec(
        key="daniel",
        name="Daniel Okafor",
        job_title="Senior reporter, housing and cities",
        username="contributor",
        short_bio="Daniel Okafor reports on housing, planning and the everyday economics "
        "of city life.",
        long_bio="Daniel Okafor covers housing and urban policy for {site}. He has reported "
        "from rent tribunals, zoning hearings and building sites, and he keeps a spreadsheet "
        "of every vacant lot in the city that has been promised to someone.\n\n"
        "He grew up above a launderette and says it taught him everything he knows about "
        "commercial leases.",
        x_handle="dokafor_cities",
        bluesky_handle="danielokafor.bsky.social",
    ),
    AuthorSpec(
        key="priya",
        name="Priya Venkataraman",
        job_title="Data reporter",
        username="priya",
        short_bio="Priya Venkataraman turns public records into stories and builds the "
        "charts that go with them.",
        long_bio="Priya Venkataraman is {site}'s data reporter. She files freedom-of-"
        "information requests the way other people send postcards, and she maintains the "
        "magazine's open datasets on transport, health waiting times and public spending.\n\n"
        "Before journalism she worked as a statistician in a hospital trust, where she "
        "learned that every number has a person on the other end of it.",
        bluesky_handle="priyav.bsky.social",
        mastodon_handle="@priya@example.social",
        website_url="https://priya-data.example.org/",
    ),
    AuthorSpec(
        key="jonas",
        name="Jonas Lindqvist",
        job_title="Energy and climate correspondent",
        username="jonas",
        short_bio="Jonas Lindqvist writes about energy grids, climate adaptation and the "
        "infrastructure nobody notices until it fails.",
        long_bio="Jonas Lindqvist has covered energy and climate policy for {site} for five "
        "years. He is interested in the unglamorous parts of the transition: substations, "
        "permitting queues, insulation grants and the engineers who keep small utilities "
        "running.\n\n"
        "He is the author of a book on municipal power companies and an occasional, "
        "reluctant, cyclist.",
        x_handle="jlindqvist",
        mastodon_handle="@jonas@example.social",
    ),
    AuthorSpec(
        key="amelie",
        name="Amélie Fournier",
        job_title="Contributing editor and translator",
        username="amelie",
        short_bio="Amélie Fournier edits features and translates reporting from French "
        "and Spanish for {site}.",
        long_bio="Amélie Fournier is a contributing editor at {site}. She translates "
        "essays and reporting from French and Spanish, edits the long-form features, and "
        "runs the magazine's style guide, which she describes as a treaty rather than a "
        "law.\n\n"
        "She previously worked in book publishing, where she learned to love footnotes.",
        bluesky_handle="amelief.bsky.social",
        website_url="https://amelie-fournier.example.com/",
    ),
    AuthorSpec(
        key="rosa",
        name="Rosa Kimathi",
        job_title="Hydrologist and guest contributor",
        short_bio="Rosa Kimathi is a hydrologist who studies floodplains and the towns "
        "built on them.",
        long_bio="Rosa Kimathi is a hydrologist and an occasional contributor to {site}. "
        "Her research looks at how small towns plan for rivers that no longer behave as the "
        "old maps say they should.\n\n"
        "She writes in French and English; some of her pieces appear here in translation.",
        x_handle="rosa_rivers",
        website_url="https://rosakimathi.example.org/",
    ),
)
