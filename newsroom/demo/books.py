"""The demo's book shelf: invented titles, publishers and ISBNs, with Pillow-made covers.

The ISBNs are made up but valid: the check digit is computed, so the demo passes the same
validation an editor's entry does. Shop links point at reserved example domains.
"""

from dataclasses import dataclass


def isbn13(first_twelve: str) -> str:
    """Complete a 12-digit ISBN-13 stem with its check digit (weights 1 and 3, modulo 10)."""
    if len(first_twelve) != 12 or not first_twelve.isdigit():
        raise ValueError("An ISBN-13 stem has exactly 12 digits.")
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class BookSpec:
    title: str
    subtitle: str
    description: str
    publisher: str
    year: int
    isbn: str
    authors: tuple[str, ...]  # author keys from people.AUTHORS
    links: tuple[tuple[str, str], ...]  # (label, URL) in display order
    cover: tuple[tuple[int, int, int], tuple[int, int, int]]  # background, accent
    shelf_position: int
    author_credit: str = ""
    is_on_shelf: bool = True


BOOKS: tuple[BookSpec, ...] = (
    BookSpec(
        title="The Quiet Grid",
        subtitle="How small utilities keep the lights on",
        description="Municipal power companies are older than most national grids and "
        "far less studied. Jonas Lindqvist spent two years with the engineers, clerks and "
        "councillors who run them, and found institutions that are cautious, frugal and "
        "surprisingly good at change when it finally comes.",
        publisher="Fieldnote Press",
        year=2023,
        isbn=isbn13("978191654201"),
        authors=("jonas",),
        links=(
            ("Buy from the publisher", "https://fieldnotepress.example.com/books/quiet-grid"),
            ("E-book", "https://ebooks.example.org/titles/the-quiet-grid"),
            ("Find it at a local bookshop", "https://bookshops.example.org/search?q=quiet+grid"),
        ),
        cover=((22, 60, 92), (240, 170, 60)),
        shelf_position=1,
    ),
    BookSpec(
        title="Rooms for Rent",
        subtitle="Tenants, landlords and the long argument over the city",
        description="A reporter's account of a decade of housing fights: rent tribunals, "
        "eviction courts, council waiting lists and the people who navigate all three. "
        "Daniel Okafor argues that the housing crisis is many small crises, and that most "
        "of them have practical fixes.",
        publisher="Harbourside Books",
        year=2024,
        isbn=isbn13("978183746120"),
        authors=("daniel",),
        links=(
            ("Buy from the publisher", "https://harbourside.example.com/rooms-for-rent"),
            ("E-book", "https://ebooks.example.org/titles/rooms-for-rent"),
        ),
        cover=((150, 52, 44), (244, 236, 214)),
        shelf_position=2,
    ),
    BookSpec(
        title="Counting What Matters",
        subtitle="A reporter's guide to public data",
        description="How to find, question and explain the numbers that governments "
        "publish. Written for journalists, campaigners and curious citizens, with worked "
        "examples drawn from health, transport and local budgets.",
        publisher="Fieldnote Press",
        year=2022,
        isbn=isbn13("978191654218"),
        authors=("priya", "mara"),
        links=(
            (
                "Buy from the publisher",
                "https://fieldnotepress.example.com/books/counting-what-matters",
            ),
            ("Audiobook", "https://audio.example.org/titles/counting-what-matters"),
        ),
        cover=((34, 102, 84), (250, 210, 70)),
        shelf_position=3,
    ),
    BookSpec(
        title="Downstream",
        subtitle="Essays on water, debt and the towns that live by rivers",
        description="Eleven writers, from engineers to mayors, on what it takes to keep a "
        "river town dry, solvent and pleasant to live in. An anthology drawn from a "
        "decade of reporting on floods, droughts and the bills that follow them.",
        publisher="Lantern & Co.",
        year=2021,
        isbn=isbn13("978095733814"),
        authors=(),
        author_credit="Edited by Helen Marsh, with essays by eleven contributors",
        links=(("Buy from the publisher", "https://lantern.example.com/downstream"),),
        cover=((40, 56, 110), (120, 190, 240)),
        shelf_position=4,
    ),
    BookSpec(
        title="Small Print",
        subtitle="Essays on the rules nobody reads",
        description="Terms and conditions, planning notices, tenancy agreements: Amélie "
        "Fournier reads the documents that govern daily life so that the rest of us can "
        "understand what we have signed. Out of print; kept here for the archive.",
        publisher="Harbourside Books",
        year=2019,
        isbn=isbn13("978183746007"),
        authors=("amelie",),
        links=(("Second-hand copies", "https://secondhand.example.org/small-print"),),
        cover=((96, 40, 88), (246, 204, 206)),
        shelf_position=5,
        is_on_shelf=False,
    ),
)
