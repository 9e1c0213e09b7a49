"""WordPress pages → the site's pages (``pages.Page``), with their hierarchy and old addresses.

- **Same rules as posts.** Status and times follow ``mapping.plan_post`` (a trashed page is
  not imported; one imported before is unpublished by ``--update``); the body goes through
  ``content.convert_content`` (shortcodes, embeds as link cards, images rewritten to our
  copies, the site's sanitiser); Yoast SEO's title and description are kept; the featured
  image is the attachment named by ``_thumbnail_id``. Everything is written through the
  editorial services as the system user (``workflow``), one transaction per page.
- **Hierarchy.** ``wp:post_parent`` becomes the page's parent, so ``/about/team/`` stays
  ``/about/team/``. Parents are imported before their children. A parent that is not in the
  export, or was not imported, leaves the page at the top level; a page nested deeper than
  ``pages.models.MAX_DEPTH`` goes under its deepest ancestor that still fits. Each is noted.
- **Addresses.** The slug is WordPress's ``post_name``. When a sibling here already uses it,
  ``-2``, ``-3``… is added. When the address belongs to the site itself (``/search/``,
  ``/articles/``…: ``pages.addresses.clash_problems``), the page is **renamed**, not
  skipped — ``search`` becomes ``search-page`` — and the report says so; its old address
  stays the site's own, so no redirect is made from it (``/?page_id=ID`` still leads there).
- **Old addresses.** The permalink, ``/?page_id=ID`` and ``/?p=ID`` (WordPress answers
  both for a page) redirect to the page's address.
- **Re-runs.** A page imported before is left alone (reported unchanged) unless ``--update``
  is given and it changed in WordPress; its slug then stays, its parent follows WordPress
  (a move keeps the old address as a redirect, as any page move does).
"""

from __future__ import annotations

import hashlib

from django.utils.text import Truncator

from articles.legacy import REDIRECT_PATH_MAX_LENGTH
from imports.models import ImportedItem
from pages import addresses
from pages.models import MAX_DEPTH, Page

from . import mapping, workflow
from .content import ConversionContext, convert_content
from .items import ContentItems
from .media import Media
from .parser import WPItem
from .run import ImportRun, item_ref
from .text import clean_text

Kind = ImportedItem.Kind

#: The longest slug at any depth that keeps the deepest address short enough to redirect to.
SLUG_LIMIT = (REDIRECT_PATH_MAX_LENGTH - 1) // MAX_DEPTH - 5
#: Added to a slug that is one of the site's own addresses.
CLASH_SUFFIX = "-page"


def page_fingerprint(item: WPItem) -> str:
    """What posts compare, and the parent: moving a page in WordPress is a change too."""
    data = f"{mapping.fingerprint(item)}:{item.post_parent}"
    return hashlib.sha256(data.encode()).hexdigest()


def parents_first(items: list[WPItem]) -> list[WPItem]:
    """The pages ordered so that every parent in the list comes before its children."""
    by_id = {item.wp_id: item for item in items}
    ordered: list[WPItem] = []
    placed: set[int] = set()

    def place(item: WPItem, trail: tuple[int, ...] = ()) -> None:
        if item.wp_id in placed:
            return
        parent = by_id.get(item.post_parent)
        if parent is not None and parent.wp_id not in trail:  # a loop is cut where it closes
            place(parent, (*trail, item.wp_id))
        placed.add(item.wp_id)
        ordered.append(item)

    for item in items:
        place(item)
    return ordered


class Pages(ContentItems):
    def __init__(self, run: ImportRun, *, media: Media):
        super().__init__(run)
        self.media = media

    def import_pages(self, items: list[WPItem]) -> None:
        for item in parents_first(items):
            self.run.attempt("pages", item_ref(item), lambda i=item: self.import_item(i))

    # The hooks of items.ContentItems, which imports a page as it imports a post.
    kind, section, noun, model = Kind.PAGE, "pages", "page", Page

    def fingerprint(self, item: WPItem) -> str:
        return page_fingerprint(item)

    def fill(self, obj, item: WPItem, plan, ref: str) -> list[str]:
        return self.fill_page(obj, item, plan)

    def redirect(self, item: WPItem, obj, ref: str) -> None:
        self.page_redirects(item, obj, ref)

    def fill_page(self, page: Page, item: WPItem, plan: mapping.PostPlan) -> list[str]:
        """Set every imported field and save through the services. Returns notes."""
        notes = list(plan.notes)
        context = ConversionContext(
            media=self.media.lookup, site_hosts=self.hosts, post_id=item.wp_id
        )
        page.body = convert_content(item.content, context)
        notes += context.notes
        title = clean_text(item.title)
        if not title:
            title = f"Untitled (WordPress page {item.wp_id})"
            notes.append("it had no title")
        elif len(title) > 200:
            notes.append("its title was shortened to 200 characters")
        page.title = Truncator(title).chars(200)
        seo = mapping.seo_fields(item)
        page.seo_title = seo.get("seo_title", "")
        page.seo_description = seo.get("seo_description", "")
        notes += self.set_parent(page, item)
        notes += self.media.set_featured_image(page, item, words={"alt": "featured_image_alt"})
        note = ""
        if page.pk is None:
            wanted = mapping.slug_candidate(item.post_name, title)[:SLUG_LIMIT].strip("-")
            page.slug, note = self.free_slug(page, wanted or f"page-{item.wp_id}")
        elif page.slug_problems(page.slug):  # moved under a parent where its slug is taken
            page.slug, note = self.free_slug(page, page.slug)
        if note:
            notes.append(note)
        workflow.save_content(page)
        workflow.adopt_state(page, plan, wp_id=item.wp_id, kind="page")
        workflow.add_to_revision(page)
        return notes

    def set_parent(self, page: Page, item: WPItem) -> list[str]:
        """The imported page ``wp:post_parent`` names, within the nesting limit."""
        if not item.post_parent:
            page.parent = None
            return []
        parent = self.ledger.known(Kind.PAGE, item.post_parent)
        if not isinstance(parent, Page):
            page.parent = None
            return [
                f"its parent (page {item.post_parent}) was not imported, so it is a "
                "top-level page here"
            ]
        parent = Page.objects.with_ancestors().get(pk=parent.pk)
        chain = [*parent.ancestors(), parent]
        if len(chain) >= MAX_DEPTH:
            parent = chain[MAX_DEPTH - 2]
            page.parent = parent
            return [
                f"it was nested deeper than pages nest here ({MAX_DEPTH} levels), so it is "
                f"under “{parent.title}”"
            ]
        page.parent = parent
        return []

    @staticmethod
    def free_slug(page: Page, wanted: str) -> tuple[str, str]:
        """A slug free under the page's parent and not one of the site's own addresses,
        with a note when it is not the one WordPress had."""
        prefix = f"/{page.parent.path}/" if page.parent else "/"
        base, note = wanted, ""
        if addresses.clash_problems(f"{prefix}{wanted}/"):
            base = f"{wanted[: SLUG_LIMIT - len(CLASH_SUFFIX)]}{CLASH_SUFFIX}"
            note = (
                f"renamed: its address {prefix}{wanted}/ belongs to the site itself, so it is "
                f"at {prefix}{base}/ here"
            )
        candidate, suffix = base, 1
        while page.slug_problems(candidate):
            suffix += 1
            tail = f"-{suffix}"
            candidate = f"{base[: SLUG_LIMIT - len(tail)].rstrip('-')}{tail}"
        if candidate != base:
            note = note or f"another page here used {prefix}{wanted}/"
            note += f"; its address here is {prefix}{candidate}/"
        return candidate, note

    def page_redirects(self, item: WPItem, page: Page, ref: str) -> None:
        """The permalink and ``/?page_id=ID`` lead to the page; an old address that is one
        of the site's own is left to the site, and noted."""
        paths = []
        for path in mapping.old_paths(item.link, self.hosts, self.base):
            if path.startswith("/") and "?" not in path and addresses.clash_problems(path):
                self.report.note(
                    "redirects",
                    path,
                    f"not redirected: the site's own page answers this address ({ref})",
                )
                continue
            paths.append(path)
        # WordPress answers both for a page: post and page IDs are one sequence.
        paths.append(self.redirects.query_key("page_id", item.wp_id))
        paths.append(self.redirects.query_key("p", item.wp_id))
        self.redirects.redirect_all(paths, page, ref)
