"""Taxonomy: WordPress categories → sections, tags → tags.

- Every category becomes a ``Section`` (an existing one with the same slug or name is adopted
  on a first run). Section names are unique here while WordPress allows "Local" under two
  parents, so a clash takes the parent's name, then a number.
- "Uncategorized" is not a section: posts without another category go to the default
  section "Articles" (made when missing).
- A post's section is its first category, Yoast SEO's primary category first.
- Tags keep their names; their slugs are made ASCII (our tag URLs take ASCII only) and unique.
- Old archive addresses (``/category/parent/child/``, ``/category/child/``, ``/tag/x/``,
  ``/?cat=ID``, ``/?tag=x``) redirect to the section or tag page, under the site's category
  and tag bases (``--category-base``, ``--tag-base``).
"""

from __future__ import annotations

from urllib.parse import unquote

from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Section
from imports.models import ImportedItem
from newsroom.slugs import unique_slug

from . import mapping
from .parser import WPItem, WPTerm
from .report import Outcome
from .run import ImportRun, Step
from .text import clean_text

Kind = ImportedItem.Kind
DEFAULT_SECTION_NAME = "Articles"
UNCATEGORIZED = "uncategorized"


class Taxonomy(Step):
    def __init__(self, run: ImportRun):
        super().__init__(run)
        self.categories = {term.slug: term for term in run.export.terms_of("category")}
        self.categories_by_id = {term.term_id: term for term in self.categories.values()}

    # --- sections --------------------------------------------------------------------------

    def import_categories(self) -> None:
        for term in self.categories.values():
            self.run.attempt(
                "sections",
                f"category {term.slug}",
                lambda t=term: self.section_for(t.slug, t.name),
            )

    def category_path(self, term: WPTerm) -> list[str]:
        """The slugs from the top category down to ``term`` (WordPress archive paths)."""
        chain, current, seen = [], term, set()
        while current is not None and current.slug not in seen:
            seen.add(current.slug)
            chain.insert(0, current.slug)
            current = self.categories.get(current.parent) if current.parent else None
        return chain

    def section_for(self, slug: str, name: str = "") -> Section:
        """The section a WordPress category became (made on first sight)."""
        if slug == UNCATEGORIZED or not slug:
            section = self.default_section()
        else:
            section = self.ledger.known(Kind.CATEGORY, slug)
            self.counted(Kind.CATEGORY, slug)
            if section is not None:
                self.report.add("sections", Outcome.UNCHANGED)
            else:
                section = self.create_section(slug, name)
        term = self.categories.get(slug)
        ref = f"category {slug}"
        if slug:
            paths = [mapping.archive_path(self.base, self.options.category_base, slug)]
            if term is not None:
                chain = self.category_path(term)
                paths.insert(0, mapping.archive_path(self.base, self.options.category_base, *chain))
                if term.term_id:
                    paths.append(self.redirects.query_key("cat", term.term_id))
            self.redirects.redirect_all(paths, section, ref)
        return section

    def create_section(self, slug: str, name: str) -> Section:
        term = self.categories.get(slug)
        ref = f"category {slug}"
        name = clean_text(name or (term.name if term else "") or slug)[:80] or slug[:80]
        candidate = mapping.slug_candidate(slug, name)
        claimed_lookup = Section.objects.filter(slug=candidate) if candidate else None
        existing = self.ledger.adoptable(claimed_lookup) if claimed_lookup is not None else None
        existing = existing or self.ledger.adoptable(Section.objects.filter(name__iexact=name))
        if existing is not None:
            section = existing
            self.report.add(
                "sections", Outcome.UNCHANGED, ref, f"matched the existing section {section.name}"
            )
        else:
            section = Section(
                name=self.unique_section_name(name, term),
                description=clean_text(term.description) if term else "",
            )
            section.slug = unique_slug(section, candidate or name, fallback="section")
            section.save()
            self.report.add("sections", Outcome.CREATED)
        self.ledger.remember(
            Kind.CATEGORY, slug, section, data={"term_id": term.term_id if term else ""}
        )
        return section

    def unique_section_name(self, name: str, term: WPTerm | None) -> str:
        """Section names are unique; WordPress allows "Local" under two parents."""
        candidates = [name]
        if term is not None and term.parent in self.categories:
            parent = clean_text(self.categories[term.parent].name)
            candidates.append(f"{name} ({parent})"[:80])
        candidates += [f"{name[:76]} {n}" for n in range(2, 100)]
        for candidate in candidates:
            if not Section.objects.filter(name__iexact=candidate).exists():
                return candidate
        raise ValueError(f"no free section name for {name!r}")

    def default_section(self) -> Section:
        """Where posts with no category (or only "Uncategorized") go."""
        section = self.ledger.known(Kind.CATEGORY, UNCATEGORIZED)
        if section is not None:
            if not self.counted(Kind.CATEGORY, UNCATEGORIZED):
                self.report.add("sections", Outcome.UNCHANGED)
            return section
        self.counted(Kind.CATEGORY, UNCATEGORIZED)
        section = (
            Section.objects.filter(slug=slugify(DEFAULT_SECTION_NAME)).first()
            or Section.objects.filter(name__iexact=DEFAULT_SECTION_NAME).first()
        )
        if section is not None:
            self.report.add("sections", Outcome.UNCHANGED)  # adopted, as a second run finds it
        else:
            section = Section.objects.create(name=DEFAULT_SECTION_NAME)
            self.report.add(
                "sections",
                Outcome.CREATED,
                f"section {DEFAULT_SECTION_NAME}",
                "made for posts without a category",
            )
        self.ledger.remember(Kind.CATEGORY, UNCATEGORIZED, section)
        return section

    def post_section(self, item: WPItem) -> Section:
        """The first category (Yoast SEO's primary one first), skipping "Uncategorized"."""
        terms = item.terms_in("category")
        primary = self.categories_by_id.get(item.meta_value("_yoast_wpseo_primary_category"))
        if primary is not None:
            terms.sort(key=lambda term: term.slug != primary.slug)
        named = [term for term in terms if term.slug != UNCATEGORIZED]
        chosen = named[0] if named else None
        if chosen is None:
            return self.default_section()
        section = self.known_and_counted(Kind.CATEGORY, chosen.slug)
        return section or self.section_for(chosen.slug, chosen.name)

    # --- tags ------------------------------------------------------------------------------

    def import_tags(self) -> None:
        for term in self.run.export.terms_of("post_tag"):
            self.run.attempt(
                "tags", f"tag {term.slug}", lambda t=term: self.tag_for(t.slug, t.name, t.term_id)
            )

    def post_tags(self, item: WPItem) -> list[Tag]:
        """The post's tags, each once (a tag missing from the export's terms is made here)."""
        tags = [
            self.known_and_counted(Kind.TAG, term.slug) or self.tag_for(term.slug, term.name)
            for term in item.terms_in("post_tag")
        ]
        return list({tag.pk: tag for tag in tags}.values())

    def tag_for(self, slug: str, name: str, term_id: str = "") -> Tag:
        tag = self.ledger.known(Kind.TAG, slug)
        ref = f"tag {slug}"
        self.counted(Kind.TAG, slug)
        if tag is not None:
            self.report.add("tags", Outcome.UNCHANGED)
        else:
            name = clean_text(name)[:100] or clean_text(slug)[:100]
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is not None:
                self.report.add("tags", Outcome.UNCHANGED)
            else:
                tag = Tag(name=name, slug=self.unique_tag_slug(slug, name, term_id))
                tag.save()
                self.report.add("tags", Outcome.CREATED)
            self.ledger.remember(Kind.TAG, slug, tag)
        if not slug:
            return tag
        paths = [mapping.archive_path(self.base, self.options.tag_base, slug)]
        paths.append(self.redirects.query_key("tag", unquote(slug)))
        try:
            new_path = reverse("articles:tag", kwargs={"slug": tag.slug})
        except NoReverseMatch:
            self.report.note("redirects", ref, f"the tag “{tag.name}” has no address here")
            return tag
        for path in dict.fromkeys(paths):
            self.redirects.redirect(path, new_path, ref)
        return tag

    @staticmethod
    def unique_tag_slug(slug: str, name: str, term_id: str) -> str:
        """An ASCII slug (our tag URLs take ASCII only) that no other tag has."""
        base = (mapping.slug_candidate(name, slug) or f"tag-{term_id or 'imported'}")[:90]
        candidate, n = base, 1
        while Tag.objects.filter(slug=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate
