"""Load and clear the demo content; the ``demo`` management command is a thin wrapper.

Loading is one transaction: either the whole demo appears or nothing does (images written
before a failure are removed again). Every new user, author, article, byline, book and link
goes through ``full_clean()`` first, so the demo obeys the validation an editor meets in the
admin (alt text, ISBN check digits, social handles, constraints). Articles are written
through the editorial services (``editorial/services.py``) like any other: created as
drafts by their creator, then submitted, published or scheduled, so their audit trail and
revisions read as an editor's would. Loading reuses sections, authors, users and books that
already exist under the same name, so it never collides with data an operator created by
hand.
"""

from __future__ import annotations

import secrets
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from reversion import create_revision, set_user
from reversion.models import Revision, Version
from taggit.models import Tag, TaggedItem

from articles.models import Article, Byline, Section
from authors.models import Author
from books.models import Book, PurchaseLink
from editorial import revisions, services
from images.models import Image
from images.renditions import rendition_files
from newsletters.models import Newsletter
from pages.models import Page, Tip

from .books import BOOKS, BookSpec
from .images import article_picture, book_cover
from .newsletters import NEWSLETTERS
from .pages import PAGES, STAFF, PageSpec
from .people import AUTHORS, USERS, AuthorSpec, UserSpec
from .stories import ARTICLES, SECTIONS, ArticleSpec, SectionSpec

# The documented password of every demo account while DEBUG is on (development only).
DEV_PASSWORD = "newsroom-demo"
DEMO_USERNAMES = tuple(spec.username for spec in USERS)


@dataclass(frozen=True)
class Credential:
    """A demo login to show the operator. ``password`` is None for a pre-existing account."""

    username: str
    role: str
    password: str | None


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    credentials: list[Credential] = field(default_factory=list)
    dev_password: bool = False


def demo_load(*, reset: bool = False) -> DemoReport:
    """Load the demo in one transaction; with ``reset`` first delete all existing content."""
    written: list[FieldFile] = []
    report = DemoReport(dev_password=settings.DEBUG)
    try:
        with transaction.atomic():
            if reset:
                report.deleted = demo_clear()
            _Loader(report, written).run()
    except BaseException:
        for stored in written:
            for storage, name in _files_of(stored.instance, stored.field.name):
                storage.delete(name)
        raise
    return report


def demo_clear() -> Counter:
    """Delete all articles, bylines, sections, authors, books, images, links, tags and demo
    users.

    Image files are removed only once the transaction commits, so a failed reload leaves
    the old content intact, pictures included. Revisions of the deleted objects go too,
    or "recover deleted" in the admin would offer to bring the old demo back.
    """
    files = _stored_files()
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    # Children before parents: bylines protect authors, articles protect sections.
    querysets = {
        "tips": Tip.objects.all(),
        # Subpages before the pages they sit under (parents are protected).
        "subpages": Page.objects.filter(parent__isnull=False),
        "pages": Page.objects.all(),
        "articles": Article.objects.all(),
        "sections": Section.objects.all(),
        "books": Book.objects.all(),
        "authors": Author.objects.all(),
        # The library, once nothing shows its images any more (they are protected till then).
        "images": Image.objects.all(),
        "tags": Tag.objects.all(),
        "users": users,
    }
    deleted = Counter(
        {"bylines": Byline.objects.count(), "purchase links": PurchaseLink.objects.count()}
    )
    for label, queryset in querysets.items():
        deleted[label] = queryset.count()
        queryset.delete()
    # By content type, so this works whether or not a model is registered with reversion.
    content_types = ContentType.objects.get_for_models(
        Article, Byline, Section, TaggedItem, Author, Book, PurchaseLink, Page
    ).values()
    Version.objects.filter(content_type__in=content_types).delete()
    Revision.objects.filter(version__isnull=True).delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return +deleted


def _stored_files() -> list[tuple]:
    """(storage, name) of every image the content about to be deleted refers to: each
    private original and its renditions under MEDIA_ROOT (named after the original)."""
    found = []
    sources = ((Article, "featured_image"), (Book, "cover"), (Author, "photo"), (Image, "file"))
    for model, field_name in sources:
        for instance in model.objects.exclude(**{field_name: ""}).only("pk", field_name):
            found.extend(_files_of(instance, field_name))
    return found


def _files_of(instance, field_name: str) -> list[tuple]:
    """(storage, name) of ``instance.<field_name>``'s original and of all its renditions."""
    image = getattr(instance, field_name)
    if not image or not image.name:
        return []
    found = [(image.storage, image.name)]
    for cachefile in rendition_files(instance, field_name):
        try:
            found.append((cachefile.storage, cachefile.name))
        except Exception:  # a rendition that cannot even be named was never written
            continue
    return found


class _Loader:
    """Creates the demo objects in dependency order: users, sections, authors, articles, books."""

    def __init__(self, report: DemoReport, written: list) -> None:
        self.report = report
        self.written = written
        self.now = timezone.localtime()
        self.users: dict[str, models.Model] = {}
        self.sections: dict[str, Section] = {}
        self.authors: dict[str, Author] = {}

    def run(self) -> None:
        tags_before = Tag.objects.count()
        for user_spec in USERS:
            self.users[user_spec.username] = self._user(user_spec)
        for section_spec in SECTIONS:
            self.sections[section_spec.name] = self._section(section_spec)
        for author_spec in AUTHORS:
            self.authors[author_spec.key] = self._author(author_spec)
        for index, article_spec in enumerate(ARTICLES):
            self._article(article_spec, index)
        for book_spec in BOOKS:
            self._book(book_spec)
        for key, (role, position) in STAFF.items():
            Author.objects.filter(pk=self.authors[key].pk).update(
                is_staff=True, staff_role=role, staff_position=position
            )
        pages: dict[str, Page] = {}
        for page_spec in PAGES:
            pages[page_spec.slug] = self._page(page_spec, pages.get(page_spec.parent))
        self.report.created["tags"] = Tag.objects.count() - tags_before
        for newsletter_spec in NEWSLETTERS:
            _, created = Newsletter.objects.update_or_create(
                slug=newsletter_spec.slug,
                defaults={
                    "name": newsletter_spec.name,
                    "description": newsletter_spec.description,
                    "is_default": newsletter_spec.is_default,
                    "position": newsletter_spec.position,
                    "is_active": True,
                },
            )
            self.report.created["newsletters"] += int(created)

    def _store(self, file_field, name: str, content: bytes) -> None:
        file_field.save(name, ContentFile(content), save=False)
        self.written.append(file_field)

    def _user(self, spec: UserSpec):
        """Create a demo login; an account that already exists is left exactly as it is."""
        user_model = get_user_model()
        user = user_model.objects.filter(username=spec.username).first()
        if user is not None:
            self.report.credentials.append(Credential(spec.username, spec.role, None))
            return user
        password = DEV_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12)
        user = user_model(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            is_staff=True,
            is_superuser=spec.is_superuser,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        # The role groups come from a data migration; join them when they exist.
        user.groups.add(*Group.objects.filter(name=spec.group))
        self.report.credentials.append(Credential(spec.username, spec.role, password))
        self.report.created["users"] += 1
        return user

    def _section(self, spec: SectionSpec) -> Section:
        section, created = Section.objects.get_or_create(
            name=spec.name,
            defaults={"description": spec.description, "position": spec.position},
        )
        self.report.created["sections"] += created
        return section

    def _author(self, spec: AuthorSpec) -> Author:
        author = Author.objects.filter(name=spec.name).first()
        if author is None:
            site = settings.SITE_NAME
            author = Author(
                name=spec.name,
                job_title=spec.job_title,
                short_bio=spec.short_bio.format(site=site),
                long_bio=spec.long_bio.format(site=site),
                x_handle=spec.x_handle,
                bluesky_handle=spec.bluesky_handle,
                mastodon_handle=spec.mastodon_handle,
                website_url=spec.website_url,
            )
            self.report.created["authors"] += 1
            self.report.created["guest authors"] += not spec.username
        user = self.users.get(spec.username)
        if (
            user is not None
            and author.user_id is None
            and not Author.objects.filter(user=user).exclude(pk=author.pk).exists()
        ):
            author.user = user
        author.full_clean()
        author.save()
        return author

    def _page(self, spec: PageSpec, parent: Page | None) -> Page:
        """A published page (or the one already at that address, left as it is)."""
        existing = Page.objects.filter(parent=parent, slug=spec.slug).first()
        if existing is not None:
            return existing
        site = settings.SITE_NAME
        editor = self.users.get("editor") or services.system_user()
        page = Page(
            title=spec.title,
            slug=spec.slug,
            parent=parent,
            body=spec.body.format(site=site),
            seo_description=spec.seo_description.format(site=site),
            placement=spec.placement,
            position=spec.position,
            shows_staff=spec.shows_staff,
            has_tip_form=spec.has_tip_form,
        )
        # Like the articles: created as a draft and published through the editorial
        # services, in one revision, so the page's audit trail reads as an editor's would.
        with create_revision():
            page.full_clean()
            services.content_save(
                obj=page, by=editor, comment="Demo page.", skip_permission_checks=True
            )
            services.content_publish(
                obj=page, by=editor, at=self.now - timedelta(days=60), skip_permission_checks=True
            )
            set_user(editor)
        self.report.created["pages"] += 1
        return page

    def _published_at(self, spec: ArticleSpec, index: int):
        if spec.days_ago is None:
            return None
        day = self.now - timedelta(days=spec.days_ago)
        return day.replace(hour=spec.hour, minute=(index * 13) % 60, second=0, microsecond=0)

    def _article(self, spec: ArticleSpec, index: int) -> Article:
        published_at = self._published_at(spec, index)
        updated_at = None
        if published_at and spec.updated_days_after:
            updated_at = published_at + timedelta(days=spec.updated_days_after, hours=2)
        first_author = self.authors[spec.bylines[0][0]]
        creator = first_author.user or self.users.get("editor")
        article = Article(
            headline=spec.headline,
            dek=spec.dek,
            body=spec.body.strip(),
            excerpt=spec.excerpt,
            section=self.sections[spec.section],
            featured_image_caption=spec.caption,
            featured_image_credit=f"Illustration: {settings.SITE_NAME} studio",
        )
        if spec.source_name:
            article.source_name = spec.source_name
            article.source_url = spec.source_url
            article.permission_note = "republished with permission"
        picture = article_picture(
            section=spec.section, seed=zlib.crc32(spec.headline.encode()), motif=spec.motif
        )
        article.featured_image_alt = picture.alt
        self._store(article.featured_image, f"{slugify(spec.headline)[:60]}.jpg", picture.content)
        # Written through the editorial services like any article (created as a draft, then
        # moved to its state), all in one revision block: each article starts its history
        # with one revision holding its final state (row, bylines, tags) in the creator's name.
        with create_revision():
            article.full_clean()
            services.content_save(
                obj=article,
                by=creator,
                comment="Created with the demo content.",
                skip_permission_checks=True,
            )
            for position, (author_key, role) in enumerate(spec.bylines):
                byline = Byline(
                    article=article, author=self.authors[author_key], role=role, position=position
                )
                byline.full_clean()
                byline.save()
            article.tags.add(*spec.tags)
            self._bring_to_state(article, spec.state, creator, published_at, updated_at)
            revisions.add_to_revision(article)
            set_user(creator)
        self.report.created["articles"] += 1
        self.report.created[spec.state] += 1
        return article

    def _bring_to_state(self, article, state: str, creator, published_at, updated_at) -> None:
        """Move a new draft to the demo state through the workflow services.

        The editor publishes and schedules; a piece published and later updated before the
        site's history begins takes that state as a whole (``content_adopt_state``, by the
        system user), since no editor action sets an "updated" time by itself.
        """
        editor = self.users.get("editor") or creator
        if state == "review":
            services.content_submit_for_review(obj=article, by=creator, skip_permission_checks=True)
        elif state == "live" and updated_at is not None:
            services.content_adopt_state(
                obj=article,
                by=services.system_user(),
                status=Article.Status.PUBLISHED,
                published_at=published_at,
                updated_at=updated_at,
                note="Demo content: published and updated before the site's history begins.",
            )
        elif state in {"live", "scheduled"}:
            services.content_publish(
                obj=article, by=editor, at=published_at, skip_permission_checks=True
            )

    def _book(self, spec: BookSpec) -> Book | None:
        if Book.objects.filter(isbn=spec.isbn).exists():
            return None
        book = Book(
            title=spec.title,
            subtitle=spec.subtitle,
            description=spec.description,
            publisher=spec.publisher,
            year=spec.year,
            isbn=spec.isbn,
            author_credit=spec.author_credit,
            shelf_position=spec.shelf_position,
            is_on_shelf=spec.is_on_shelf,
        )
        background, accent = spec.cover
        cover = book_cover(background=background, accent=accent, seed=spec.shelf_position)
        self._store(book.cover, f"{slugify(spec.title)}.jpg", cover.content)
        book.full_clean()
        book.save()
        book.authors.set([self.authors[key] for key in spec.authors])
        for position, (label, url) in enumerate(spec.links):
            link = PurchaseLink(book=book, label=label, url=url, position=position)
            link.full_clean()
            link.save()
            self.report.created["purchase links"] += 1
        self.report.created["books"] += 1
        self.report.created["on the shelf"] += spec.is_on_shelf
        return book
