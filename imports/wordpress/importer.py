"""Write a parsed WordPress export into the newsroom (the service behind ``import_wordpress``).

Order: authors (users, then Co-Authors Plus guest authors), sections (categories), tags,
images (attachments, then files the posts use that no attachment names), articles (posts),
then the report of what is not imported (pages, menus, other types, comments).

Rules every step keeps:

- **Keyed by WordPress's identifiers.** Each imported record is remembered in
  ``imports.ImportedItem`` under the site's address and its WordPress key (post ID, user
  login, term slug, attachment ID), so a second run finds what the first one made even after
  an editor renamed a slug here, and creates nothing twice. A first run adopts an existing
  author, section or tag with the same name instead of making a duplicate.
- **All or nothing per record.** Each post (with its bylines, tags, redirects and record) is
  written in its own transaction; a failure rolls that post back entirely, is reported with
  its reason, and the import goes on. Image files are copied before any post needs them, and
  a copy whose record cannot be written is deleted again.
- **Nothing existing is overwritten without ``--update``.** Without it, records imported
  before are left alone and an existing redirect is kept; with it, a post whose WordPress
  modification time or content changed is written again (its slug stays, so its address
  does not change) and redirects are pointed at the current addresses.
- **A dry run writes nothing**: everything runs inside one transaction that is rolled back,
  and no file is copied.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from taggit.models import Tag

from articles.legacy import legacy_query_key
from articles.models import Article, Byline, Section
from authors.models import Author
from imports.models import ImportedItem
from newsroom.slugs import unique_slug
from newsroom.uploads import safe_upload_name
from newsroom.validators import validate_image_file

from . import mapping
from .attribution import extract_attribution
from .content import ConversionContext, convert_content
from .parser import WPAuthor, WPItem, WPTerm, WXRExport
from .report import ImportReport, Outcome
from .text import clean_text, usable_alt
from .uploads import MediaLookup, MediaRef, original_upload_path, upload_path

logger = logging.getLogger(__name__)

Kind = ImportedItem.Kind
MEDIA_FOLDER = "wordpress"
DEFAULT_SECTION_NAME = "Articles"
UNCATEGORIZED = "uncategorized"
IMPORTED_TYPES = {"post", "attachment", "guest-author"}
_UPLOAD_URL = re.compile(r"""(?:https?:)?(?://[^\s"'<>()]+)?/wp-content/uploads/[^\s"'<>()\[\]]+""")


@dataclass
class ImportOptions:
    media_dir: Path | None = None
    update: bool = False
    dry_run: bool = False
    time_zone: str = ""
    category_base: str = "category"
    tag_base: str = "tag"


def wordpress_import(
    *,
    export: WXRExport,
    options: ImportOptions,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import ``export``; return the report. A dry run is rolled back as a whole."""
    importer = WordPressImporter(export, options, progress=progress)
    if options.dry_run:
        with transaction.atomic():
            importer.run()
            transaction.set_rollback(True)
    else:
        importer.run()
    return importer.report


def source_key(export: WXRExport) -> str:
    """The ``ImportedItem.source`` of an export: the WordPress site's address."""
    url = export.base_blog_url or export.base_site_url or export.link or "wordpress"
    return url.strip().rstrip("/").lower()[:200]


def item_ref(item: WPItem) -> str:
    title = Truncator(clean_text(item.title) or "untitled").chars(60)
    label = "post" if item.post_type == "post" else item.post_type
    return f"{label} {item.wp_id} “{title}”"


class WordPressImporter:
    def __init__(self, export: WXRExport, options: ImportOptions, *, progress=None):
        self.export = export
        self.options = options
        self.progress = progress
        self.tz = mapping.get_timezone(options.time_zone or settings.TIME_ZONE)
        self.now = timezone.now()
        self.source = source_key(export)
        self.hosts = mapping.site_hosts(export)
        self.base = mapping.blog_path(export)
        self.media_root = options.media_dir.resolve() if options.media_dir else None
        self.report = ImportReport(source=self.source, dry_run=options.dry_run)
        self.report.warnings.extend(export.warnings)
        self.media = MediaLookup()
        self.media_problems: dict[int, str] = {}
        # Objects by (kind, WordPress key), found through ``self.records``. Only a cache:
        # emptied (and the records read again) when a transaction rolls back.
        self.cache: dict[tuple[str, str], models.Model] = {}
        self.guest_logins: dict[str, str] = {}  # Co-Authors Plus nicename → user login
        self.categories = {term.slug: term for term in export.terms_of("category")}
        self.categories_by_id = {term.term_id: term for term in self.categories.values()}
        self.new_files: list[str] = []  # files copied by the record being imported
        self.records: dict[tuple[str, str], ImportedItem] = {}
        self.redirects: dict[str, str] = {}  # old path → new path, for this site

    # --- running -------------------------------------------------------------------------

    def run(self) -> None:
        self.load_state()
        posts, seen = [], set()
        for item in self.export.items:
            if item.post_type == "post":
                if item.wp_id in seen:
                    self.report.add(
                        "articles", Outcome.SKIPPED, item_ref(item), "a second post with this ID"
                    )
                    continue
                seen.add(item.wp_id)
                posts.append(item)
        self.import_authors()
        self.import_guest_authors(posts)
        self.import_categories()
        self.import_tags()
        self.import_attachments()
        self.import_inline_files(posts)
        self.import_posts(posts)
        self.report_not_imported()

    def attempt(self, kind: str, ref: str, work: Callable[[], None]) -> bool:
        """Run ``work`` in its own transaction; on any error roll it back and report why.

        Rolling back also takes back what the work counted in the report and the files it
        copied, so the report and the media folder agree with the database.
        """
        counts = {key: Counter(counter) for key, counter in self.report.counts.items()}
        entries = len(self.report.entries)
        self.new_files = []
        try:
            with transaction.atomic():
                work()
        except Exception as exc:  # one bad record must not stop the import
            logger.warning("WordPress import: %s failed", ref, exc_info=True)
            self.load_state()  # what the rolled-back work added to it is gone
            for name in self.new_files:
                default_storage.delete(name)
            self.report.counts = defaultdict(Counter, counts)
            del self.report.entries[entries:]
            self.report.add(kind, Outcome.FAILED, ref, f"{type(exc).__name__}: {exc}")
            return False
        finally:
            self.new_files = []
        return True

    # --- records ---------------------------------------------------------------------------

    def load_state(self) -> None:
        """Read this site's import records and the redirects once, not once per lookup.

        Both are kept current as the import writes; after a rolled-back record they are
        read again, and the object cache is emptied.
        """
        self.cache.clear()
        self.records = {
            (record.kind, record.external_id): record
            for record in ImportedItem.objects.filter(source=self.source)
        }
        self.redirects = dict(
            Redirect.objects.filter(site_id=settings.SITE_ID).values_list("old_path", "new_path")
        )

    def record(self, kind: str, key) -> ImportedItem | None:
        return self.records.get((kind, str(key)))

    def remember(self, kind: str, key, obj: models.Model | None = None, **fields) -> None:
        defaults = dict(fields)
        if obj is not None:
            defaults["content_type"] = ContentType.objects.get_for_model(obj)
            defaults["object_id"] = obj.pk
            self.cache[(kind, str(key))] = obj
        record, _ = ImportedItem.objects.update_or_create(
            source=self.source, kind=kind, external_id=str(key), defaults=defaults
        )
        self.records[(kind, str(key))] = record

    def known(self, kind: str, key) -> models.Model | None:
        """The object imported before for this WordPress key, if it still exists."""
        cache_key = (kind, str(key))
        if cache_key in self.cache:
            return self.cache[cache_key]
        record = self.record(kind, key)
        obj = record.content_object if record is not None else None
        if obj is not None:
            self.cache[cache_key] = obj
        return obj

    def claimed_ids(self, model: type[models.Model]) -> set[int]:
        """Objects of ``model`` this site's import already stands for (not to be adopted)."""
        content_type = ContentType.objects.get_for_model(model)
        return {
            record.object_id
            for record in self.records.values()
            if record.content_type_id == content_type.pk
        }

    def adoptable(self, queryset) -> models.Model | None:
        """The one existing, unclaimed object matching ``queryset``, if exactly one."""
        claimed = self.claimed_ids(queryset.model)
        candidates = [obj for obj in queryset[:5] if obj.pk not in claimed]
        return candidates[0] if len(candidates) == 1 else None

    # --- redirects -------------------------------------------------------------------------

    def redirect(self, old_path: str, new_path: str, ref: str) -> None:
        """Make ``old_path`` answer with a permanent redirect to ``new_path``."""
        problem = mapping.usable_old_path(old_path)
        if not problem and len(new_path) > mapping.REDIRECT_PATH_MAX_LENGTH:
            problem = "the new address is too long for a redirect"
        if problem:
            shown = Truncator(old_path).chars(80)
            self.report.add("redirects", Outcome.SKIPPED, shown, f"{problem} ({ref})")
            return
        if old_path == new_path:
            return
        existing = self.redirects.get(old_path)
        if existing is None:
            Redirect.objects.create(site_id=settings.SITE_ID, old_path=old_path, new_path=new_path)
            self.report.add("redirects", Outcome.CREATED)
        elif existing == new_path:
            self.report.add("redirects", Outcome.UNCHANGED)
        elif self.options.update:
            redirect = Redirect.objects.get(site_id=settings.SITE_ID, old_path=old_path)
            redirect.new_path = new_path
            redirect.save(update_fields=["new_path"])
            self.report.add("redirects", Outcome.UPDATED)
        else:
            self.report.add(
                "redirects",
                Outcome.SKIPPED,
                old_path,
                f"kept: it already redirects to {existing} (--update replaces it)",
            )
            return
        self.redirects[old_path] = new_path

    def redirect_all(self, old_paths: Iterable[str], obj: models.Model, ref: str) -> None:
        try:
            new_path = obj.get_absolute_url()
        except NoReverseMatch:
            self.report.note("redirects", ref, "it has no address here to redirect to")
            return
        for old_path in dict.fromkeys(old_paths):
            self.redirect(old_path, new_path, ref)

    def query_key(self, param: str, value) -> str:
        return legacy_query_key(f"{self.base}/", param, str(value))

    # --- authors ---------------------------------------------------------------------------

    def import_authors(self) -> None:
        seen = set()
        for wp_author in self.export.authors:
            login = wp_author.login.strip()
            if not login or login in seen:
                continue
            seen.add(login)
            self.attempt("authors", f"author {login}", lambda a=wp_author: self.author_for_user(a))

    def author_for_user(self, wp_author: WPAuthor) -> Author:
        login = wp_author.login.strip()
        nicename = wp_author.nicename or mapping.author_nicename(login)
        author = self.known(Kind.AUTHOR, login)
        ref = f"author {login}"
        if author is not None:
            self.report.add("authors", Outcome.UNCHANGED)
        else:
            name = mapping.author_name(wp_author)[:120] or login[:120]
            author = self.adopt_or_create_author(
                ref,
                name=name,
                slug=mapping.slug_candidate(nicename, login, name),
                bio=clean_text(wp_author.description),
                user=self.matching_user(login, wp_author.email),
            )
            self.remember(Kind.AUTHOR, login, author, data={"wp_id": wp_author.wp_id})
        paths = [mapping.archive_path(self.base, "author", nicename)]
        if wp_author.wp_id:
            paths.append(self.query_key("author", wp_author.wp_id))
        self.redirect_all(paths, author, ref)
        return author

    def adopt_or_create_author(self, ref, *, name, slug, bio="", user=None, website=""):
        existing = self.adoptable(Author.objects.filter(name__iexact=name))
        if existing is not None:
            self.report.add(
                "authors", Outcome.UNCHANGED, ref, f"matched the existing author {existing.name}"
            )
            return existing
        author = Author(name=name, long_bio=bio, short_bio=Truncator(bio).chars(300))
        author.slug = unique_slug(author, slug or name, fallback="author")
        if user is not None:
            author.user = user
        if website:
            author.website_url = website
        author.save()
        self.report.add("authors", Outcome.CREATED)
        return author

    @staticmethod
    def matching_user(login: str, email: str):
        """An existing login for the same person that has no author profile yet.

        No accounts are created: an export carries no passwords, and who may sign in is the
        newsroom's decision, made in the admin.
        """
        users = get_user_model()._default_manager.filter(author_profile__isnull=True)
        user = users.filter(username=login).first()
        if user is None and email:
            matches = list(users.filter(email__iexact=email)[:2])
            user = matches[0] if len(matches) == 1 else None
        return user

    def author_for_login(self, login: str, ref: str) -> Author | None:
        """The author of a post's ``dc:creator``; one missing from the export is created."""
        if not login:
            return None
        author = self.known(Kind.AUTHOR, login)
        if author is None:
            author = self.author_for_user(WPAuthor(wp_id="", login=login))
            self.report.note("articles", ref, f"its author {login} is not among the export's users")
        return author

    # --- Co-Authors Plus -------------------------------------------------------------------

    def import_guest_authors(self, posts: list[WPItem]) -> None:
        """Co-Authors Plus: ``author`` terms name every co-author; guest authors have no user.

        A term's name is the user login; its slug is ``cap-`` + the nicename. A guest author's
        profile is a ``guest-author`` item whose ``cap-*`` custom fields hold the name, bio and
        website. A term whose login is a WordPress user stands for that user.
        """
        guests: dict[str, dict] = {}
        for term in self.export.terms_of("author"):
            nicename = term.slug.removeprefix("cap-")
            guests.setdefault(nicename, {"login": term.name, "description": term.description})
        for item in posts:
            for term in item.terms_in("author"):
                guests.setdefault(term.slug.removeprefix("cap-"), {"login": term.name})
        for item in self.export.items:
            if item.post_type != "guest-author":
                continue
            login = item.meta_value("cap-user_login")
            nicename = item.post_name.removeprefix("cap-") or mapping.author_nicename(login)
            info = guests.setdefault(nicename, {"login": login})
            info.update(
                profile=True,
                login=login or info.get("login", ""),
                name=clean_text(item.meta_value("cap-display_name") or item.title),
                bio=clean_text(item.meta_value("cap-description")),
                website=mapping.valid_source_url(item.meta_value("cap-website")),
            )
        users = {author.login for author in self.export.authors}
        for nicename, info in guests.items():
            login = info.get("login", "")
            self.guest_logins[nicename] = login
            if not info.get("profile") and login in users:
                continue  # a user's co-author term: posts find the user by login
            self.attempt(
                "authors",
                f"guest author {nicename}",
                lambda n=nicename, i=info: self.guest_author(n, i),
            )

    def guest_author(self, nicename: str, info: dict) -> Author:
        ref = f"guest author {nicename}"
        author = self.known(Kind.GUEST_AUTHOR, nicename)
        if author is not None:
            self.report.add("authors", Outcome.UNCHANGED)
        else:
            name = info.get("name") or ""
            if not name:
                name = (info.get("login") or nicename).replace("-", " ").replace("_", " ").title()
                self.report.note("authors", ref, f"no profile in the export; named “{name}”")
            author = self.adopt_or_create_author(
                ref,
                name=name[:120],
                slug=mapping.slug_candidate(nicename, name),
                bio=info.get("bio", ""),
                website=info.get("website", ""),
            )
            self.remember(Kind.GUEST_AUTHOR, nicename, author)
        self.redirect_all([mapping.archive_path(self.base, "author", nicename)], author, ref)
        return author

    def post_authors(self, item: WPItem, ref: str) -> list[Author]:
        """The post's authors in byline order: its Co-Authors Plus terms, else dc:creator."""
        authors: list[Author] = []
        for term in item.terms_in("author"):
            nicename = term.slug.removeprefix("cap-")
            author = self.known(Kind.GUEST_AUTHOR, nicename) or self.known(
                Kind.AUTHOR, self.guest_logins.get(nicename) or term.name
            )
            if author is None:
                self.report.note("articles", ref, f"co-author {term.name} was not imported")
            else:
                authors.append(author)
        if not authors:
            author = self.author_for_login(item.creator.strip(), ref)
            if author is not None:
                authors.append(author)
        if not authors:
            self.report.note("articles", ref, "it has no author")
        return list({author.pk: author for author in authors}.values())

    # --- sections --------------------------------------------------------------------------

    def import_categories(self) -> None:
        for term in self.categories.values():
            self.attempt(
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
            section = self.known(Kind.CATEGORY, slug)
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
                    paths.append(self.query_key("cat", term.term_id))
            self.redirect_all(paths, section, ref)
        return section

    def create_section(self, slug: str, name: str) -> Section:
        term = self.categories.get(slug)
        ref = f"category {slug}"
        name = clean_text(name or (term.name if term else "") or slug)[:80] or slug[:80]
        candidate = mapping.slug_candidate(slug, name)
        claimed_lookup = Section.objects.filter(slug=candidate) if candidate else None
        existing = self.adoptable(claimed_lookup) if claimed_lookup is not None else None
        existing = existing or self.adoptable(Section.objects.filter(name__iexact=name))
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
        self.remember(Kind.CATEGORY, slug, section, data={"term_id": term.term_id if term else ""})
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
        section = self.known(Kind.CATEGORY, UNCATEGORIZED)
        if section is not None:
            return section
        section = (
            Section.objects.filter(slug=slugify(DEFAULT_SECTION_NAME)).first()
            or Section.objects.filter(name__iexact=DEFAULT_SECTION_NAME).first()
        )
        if section is None:
            section = Section.objects.create(name=DEFAULT_SECTION_NAME)
            self.report.add(
                "sections",
                Outcome.CREATED,
                f"section {DEFAULT_SECTION_NAME}",
                "made for posts without a category",
            )
        self.remember(Kind.CATEGORY, UNCATEGORIZED, section)
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
        section = self.known(Kind.CATEGORY, chosen.slug)
        return section or self.section_for(chosen.slug, chosen.name)

    # --- tags ------------------------------------------------------------------------------

    def import_tags(self) -> None:
        for term in self.export.terms_of("post_tag"):
            self.attempt(
                "tags", f"tag {term.slug}", lambda t=term: self.tag_for(t.slug, t.name, t.term_id)
            )

    def tag_for(self, slug: str, name: str, term_id: str = "") -> Tag:
        tag = self.known(Kind.TAG, slug)
        ref = f"tag {slug}"
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
            self.remember(Kind.TAG, slug, tag)
        if not slug:
            return tag
        paths = [mapping.archive_path(self.base, self.options.tag_base, slug)]
        paths.append(self.query_key("tag", unquote(slug)))
        try:
            new_path = reverse("articles:tag", kwargs={"slug": tag.slug})
        except NoReverseMatch:
            self.report.note("redirects", ref, f"the tag “{tag.name}” has no address here")
            return tag
        for path in dict.fromkeys(paths):
            self.redirect(path, new_path, ref)
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

    # --- images ----------------------------------------------------------------------------

    def import_attachments(self) -> None:
        attachments = [item for item in self.export.items if item.post_type == "attachment"]
        if attachments and self.media_root is None:
            self.report.warnings.append(
                "No --media-dir was given: no image could be imported. Copy the site's "
                "wp-content/uploads folder here and name it with --media-dir."
            )
        for item in attachments:
            if not self.attempt("images", item_ref(item), lambda i=item: self.import_attachment(i)):
                self.media_problems[item.wp_id] = "its import failed (see above)"

    def attachment_path(self, item: WPItem) -> str:
        attached = item.meta_value("_wp_attached_file").strip().lstrip("/")
        return attached or upload_path(item.attachment_url, self.hosts) or ""

    def attachment_alt(self, item: WPItem, path: str) -> str:
        """The media library's alt text; else its title or caption, if they describe it."""
        alt = usable_alt(item.meta_value("_wp_attachment_image_alt"))
        if alt:
            return alt
        stem = posixpath.splitext(posixpath.basename(path))[0].lower()
        title = usable_alt(item.title)
        generated = re.fullmatch(r"[\w-]+", title) and re.search(r"[-_]", title)
        if title and title.lower() != stem and not generated:
            return title
        return usable_alt(item.excerpt)

    def import_attachment(self, item: WPItem) -> None:
        ref = item_ref(item)
        path = self.attachment_path(item)
        alt = self.attachment_alt(item, path)
        caption = clean_text(item.excerpt)[:400]
        credit = clean_text(item.meta_value("_media_credit") or item.meta_value("credit"))[:200]
        stored, problem = self.stored_image(
            Kind.ATTACHMENT, item.wp_id, path, ref, data={"path": path}
        )
        if problem:
            self.media_problems[item.wp_id] = problem
            self.report.add("images", Outcome.SKIPPED, ref, problem)
            return
        url = default_storage.url(stored or f"{MEDIA_FOLDER}/{path}")
        if not alt:
            self.report.note("images", ref, "no usable alt text in the media library")
        old = [mapping.path_key(p) for p in [self.uploads_path(item, path)] if p]
        old += mapping.old_paths(item.link, self.hosts, self.base)
        old.append(self.query_key("attachment_id", item.wp_id))
        if stored:
            for old_path in dict.fromkeys(old):
                self.redirect(old_path, url, ref)
        media = MediaRef(url=url, name=stored, alt=alt, caption=caption, credit=credit)
        self.media.add(media, wp_id=item.wp_id, path=path, parent=item.post_parent)

    def uploads_path(self, item: WPItem, path: str) -> str:
        """The old file's own address path (``/wp-content/uploads/2021/07/pic.jpg``)."""
        url = item.attachment_url
        if url and mapping.site_relative(url, self.hosts):
            return urlsplit(url).path
        return f"{self.base}/wp-content/uploads/{path}" if path else ""

    def import_inline_files(self, posts: list[WPItem]) -> None:
        """Images a post shows from the uploads folder that no attachment in the export names.

        Partial exports ("Posts" only) carry no attachments, yet the files are in the
        uploads folder; they are imported here so the post keeps its pictures.
        """
        wanted: dict[str, tuple[str, str]] = {}  # original path → (path, first post)
        for item in posts:
            for url in _UPLOAD_URL.findall(item.content):
                path = upload_path(url, self.hosts)
                if path and self.media.find_path(path) is None:
                    # Size variants of one picture share a single copy of the original.
                    wanted.setdefault(original_upload_path(path), (path, item_ref(item)))
        for path, used_by in wanted.values():
            self.attempt("images", f"file {path}", lambda p=path, u=used_by: self.inline_file(p, u))

    def inline_file(self, path: str, used_by: str) -> None:
        ref = f"file {path}"
        stored, problem = self.stored_image(Kind.FILE, path, path, ref)
        if problem:
            self.report.add("images", Outcome.SKIPPED, ref, f"{problem} (used by {used_by})")
            return
        url = default_storage.url(stored or f"{MEDIA_FOLDER}/{path}")
        self.media.add(MediaRef(url=url, name=stored), path=path)

    def local_file(self, path: str) -> tuple[Path | None, str]:
        """The file under --media-dir for an uploads path, or why there is none."""
        if not path:
            return None, "the export gives no file for it"
        if self.media_root is None:
            return None, "no --media-dir was given"
        # The file itself; for a size variant WordPress made (pic-300x200.jpg), its original;
        # on a multisite network, the path without the sites/<n>/ prefix.
        candidates = [path, original_upload_path(path)]
        multisite = re.match(r"sites/\d+/(.+)", path)
        if multisite:
            candidates += [multisite.group(1), original_upload_path(multisite.group(1))]
        candidates = list(dict.fromkeys(candidates))
        for candidate in candidates:
            if "\x00" in candidate:
                return None, "its file name is not valid"
            resolved = (self.media_root / candidate).resolve()
            if not resolved.is_relative_to(self.media_root):
                return None, f"its path {path} leads outside the media folder; refused"
            if resolved.is_file():
                return resolved, ""
        return None, f"the file {path} is missing from the media folder"

    def stored_image(self, kind: str, key, path: str, ref: str, **fields) -> tuple[str, str]:
        """The copy of an uploads file an earlier run stored, else a new copy, remembered
        under (kind, key): (storage name, '') or ('', problem). Reports unchanged or created;
        a problem is the caller's to report."""
        record = self.record(kind, key)
        if record is not None and record.file and default_storage.exists(record.file):
            self.report.add("images", Outcome.UNCHANGED)
            return record.file, ""
        stored, problem = self.copy_image(path, ref)
        if problem:
            return "", problem
        if stored:
            self.remember(kind, key, file=stored, **fields)
        self.report.add("images", Outcome.CREATED)
        return stored, ""

    def copy_image(self, path: str, ref: str) -> tuple[str, str]:
        """Check an uploads file and store a copy: (storage name, '') or ('', problem).

        In a dry run the file is checked but not copied: ('', '').
        """
        local, problem = self.local_file(path)
        if local is None:
            return "", problem
        with local.open("rb") as handle:
            upload = File(handle, name=local.name)
            try:
                validate_image_file(upload)
            except ValidationError as exc:
                return "", f"{path} is not an image we accept: {' '.join(exc.messages)}"
            if self.options.dry_run:
                return "", ""
            folder = "/".join(slugify(part) or "x" for part in posixpath.dirname(path).split("/"))
            name = safe_upload_name(local.name, handle, is_image=True)
            stored = default_storage.save(posixpath.join(MEDIA_FOLDER, folder, name), upload)
        self.new_files.append(stored)  # deleted again if its record is rolled back
        return stored, ""

    # --- articles --------------------------------------------------------------------------

    def import_posts(self, posts: list[WPItem]) -> None:
        total = len(posts)
        for index, item in enumerate(posts, start=1):
            self.attempt("articles", item_ref(item), lambda i=item: self.import_post(i))
            if self.progress is not None:
                self.progress(index, total)

    def import_post(self, item: WPItem) -> None:
        ref = item_ref(item)
        plan = mapping.plan_post(item, self.tz, self.now)
        record = self.record(Kind.POST, item.wp_id)
        article = record.content_object if record is not None else None
        if plan.skip:
            self.skip_post(item, plan, article, ref)
            return
        if record is not None and article is None:
            self.report.add(
                "articles", Outcome.SKIPPED, ref, "deleted here after an earlier import"
            )
            return
        fingerprint = mapping.fingerprint(item)
        if article is not None:
            if not self.options.update or not self.changed(record, item, plan, fingerprint):
                self.report.add("articles", Outcome.UNCHANGED)
                self.post_redirects(item, article, ref)
                return
            outcome = Outcome.UPDATED
        else:
            article = Article()
            outcome = Outcome.CREATED
        with self.revision(f"Imported from WordPress (post {item.wp_id})"):
            notes = self.fill_article(article, item, plan, ref)
            self.report.add("articles", outcome)
            for note in notes:
                self.report.note("articles", ref, note)
        self.post_redirects(item, article, ref)
        self.remember(
            Kind.POST,
            item.wp_id,
            article,
            external_modified_at=plan.updated_at,
            data={"fingerprint": fingerprint, "link": item.link, "status": item.status},
        )

    @staticmethod
    def changed(record: ImportedItem, item: WPItem, plan: mapping.PostPlan, fingerprint) -> bool:
        if record.data.get("fingerprint") != fingerprint:
            return True
        before: datetime | None = record.external_modified_at
        return bool(plan.updated_at and (before is None or plan.updated_at > before))

    def skip_post(self, item, plan, article, ref) -> None:
        """A trashed post is not imported; one imported before is unpublished by --update."""
        if (
            article is not None
            and self.options.update
            and item.status == "trash"
            and article.status != Article.Status.UNPUBLISHED
        ):
            with self.revision(f"Trashed in WordPress (post {item.wp_id})"):
                article.status = Article.Status.UNPUBLISHED
                article.save()
                self.add_to_revision(article)
            self.report.add("articles", Outcome.UPDATED)
            self.report.note("articles", ref, "trashed in WordPress, so unpublished here")
            return
        self.report.add("articles", Outcome.SKIPPED, ref, f"not imported: it is {plan.skip}")

    def fill_article(self, article: Article, item: WPItem, plan, ref: str) -> list[str]:
        """Set every imported field, save, and write bylines and tags. Returns notes."""
        notes = list(plan.notes)
        context = ConversionContext(media=self.media, site_hosts=self.hosts, post_id=item.wp_id)
        body = convert_content(item.content, context)
        body, closing = extract_attribution(body)
        attribution = mapping.attribution_from_meta(item, self.hosts) or closing
        notes += context.notes
        headline = clean_text(item.title)
        if not headline:
            headline = f"Untitled (WordPress post {item.wp_id})"
            notes.append("it had no title")
        elif len(headline) > 200:
            notes.append("its title was shortened to 200 characters")
        creating = article.pk is None
        article.headline = Truncator(headline).chars(200)
        article.body = body
        article.excerpt = clean_text(item.excerpt)
        article.status = plan.status
        article.published_at = plan.published_at
        article.updated_at = plan.updated_at
        article.section = self.post_section(item)
        article.source_name = attribution.name if attribution else ""
        article.source_url = attribution.url if attribution else ""
        seo = mapping.seo_fields(item)
        article.seo_title = seo.get("seo_title", "")
        article.seo_description = seo.get("seo_description", "")
        notes += self.set_featured_image(article, item)
        if creating:
            article.slug = unique_slug(
                article,
                mapping.slug_candidate(item.post_name, headline),
                fallback=f"post-{item.wp_id}",
            )
        article.save()
        authors = self.post_authors(item, ref)
        if not creating:
            article.bylines.all().delete()
        for position, author in enumerate(authors):
            Byline.objects.create(article=article, author=author, position=position)
        tags = [
            self.known(Kind.TAG, term.slug) or self.tag_for(term.slug, term.name)
            for term in item.terms_in("post_tag")
        ]
        article.tags.set(list({tag.pk: tag for tag in tags}.values()))
        self.add_to_revision(article)
        return notes

    def set_featured_image(self, article: Article, item: WPItem) -> list[str]:
        thumbnail_id = item.meta_value("_thumbnail_id").strip()
        if not thumbnail_id.isdigit():
            if article.pk and article.featured_image:
                article.featured_image = ""
                article.featured_image_alt = article.featured_image_caption = ""
                article.featured_image_credit = ""
            return []
        media = self.media.by_id.get(int(thumbnail_id))
        if media is None:
            why = self.media_problems.get(int(thumbnail_id), "it is not in the export")
            return [f"its featured image (attachment {thumbnail_id}) was not imported: {why}"]
        if not media.name:  # dry run: checked, not copied
            return []
        if article.featured_image.name != media.name:
            article.featured_image = media.name
        article.featured_image_alt = media.alt
        article.featured_image_caption = media.caption
        article.featured_image_credit = media.credit
        if not media.alt:
            return ["its featured image has no usable alt text; add it before publishing again"]
        return []

    def post_redirects(self, item: WPItem, article: Article, ref: str) -> None:
        paths = mapping.old_paths(item.link, self.hosts, self.base)
        paths.append(self.query_key("p", item.wp_id))
        self.redirect_all(paths, article, ref)

    # --- revisions -------------------------------------------------------------------------

    @staticmethod
    @contextmanager
    def revision(comment: str) -> Iterator[None]:
        """A django-reversion revision around an import's save, so it can be compared later."""
        if not reversion.is_registered(Article):
            yield
            return
        with reversion.create_revision(atomic=False):
            reversion.set_comment(comment)
            yield

    @staticmethod
    def add_to_revision(article: Article) -> None:
        if not reversion.is_active() or not reversion.is_registered(Article):
            return
        try:
            from articles.revisions import add_article
        except ImportError:  # the revisions module is optional here
            reversion.add_to_revision(article)
        else:
            add_article(article)

    # --- what is not imported --------------------------------------------------------------

    def report_not_imported(self) -> None:
        for item in self.export.items:
            if item.post_type in IMPORTED_TYPES:
                continue
            kind = "pages" if item.post_type == "page" else item.post_type
            where = f" (was at {item.link})" if item.link else ""
            self.report.add(
                kind,
                Outcome.SKIPPED,
                item_ref(item),
                f"{item.post_type} items are not imported{where}",
            )
        comments = sum(item.comment_count for item in self.export.items)
        if comments:
            self.report.add(
                "comments",
                Outcome.SKIPPED,
                f"{comments} comment(s)",
                "comments are not imported: the newsroom has none",
                n=comments,
            )
