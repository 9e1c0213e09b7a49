"""Authors: WordPress users, then Co-Authors Plus guest authors, and each post's byline order.

- A WordPress user becomes an ``Author`` profile, named as readers saw it (the display name
  unless it is the login or an e-mail address). It is linked to an existing login for the
  same person (same user name, or the one user with that e-mail) that has no profile yet; no
  account is ever created.
- Co-Authors Plus: ``author`` terms name every co-author; a guest author (no user) has a
  ``guest-author`` item whose ``cap-*`` custom fields hold the name, bio and website. A term
  whose login is a WordPress user stands for that user.
- A post's bylines are its Co-Authors Plus terms in order, else its ``dc:creator``; a creator
  missing from the export's users is made on first sight and noted.
- A malformed login (one WordPress could not have stored: markup, other characters, more
  than 60 characters) still gives an author, named as readers saw it, but is never linked
  to a login here, and is noted. An empty login is no author: its posts are noted as
  having none.
- The old ``/author/<nicename>/`` archive and ``/?author=ID`` redirect to the profile.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.text import Truncator

from authors.models import Author
from imports.models import ImportedItem
from newsroom.slugs import unique_slug

from . import mapping
from .attribution import valid_source_url
from .parser import WPAuthor, WPItem
from .report import Outcome
from .run import ImportRun, Step
from .text import clean_text

Kind = ImportedItem.Kind


class Authors(Step):
    def __init__(self, run: ImportRun):
        super().__init__(run)
        self.export = run.export
        self.guest_logins: dict[str, str] = {}  # Co-Authors Plus nicename → user login

    def import_authors(self) -> None:
        seen = set()
        for wp_author in self.export.authors:
            login = wp_author.login.strip()
            if not login or login in seen:
                continue
            seen.add(login)
            self.run.attempt(
                "authors", f"author {login}", lambda a=wp_author: self.author_for_user(a)
            )

    def author_for_user(self, wp_author: WPAuthor) -> Author:
        login = wp_author.login.strip()
        nicename = wp_author.nicename or mapping.author_nicename(login)
        author = self.ledger.known(Kind.AUTHOR, login)
        ref = f"author {login}"
        self.counted(Kind.AUTHOR, login)
        if author is not None:
            self.report.add("authors", Outcome.UNCHANGED)
        else:
            name = mapping.author_name(wp_author)[:120] or clean_text(login)[:120] or "Author"
            user, slug_from = None, (nicename, login, name)
            if mapping.valid_login(login):
                user = self.matching_user(login, wp_author.email)
            else:
                slug_from = (wp_author.nicename, name)  # not from the damaged login
                self.report.note(
                    "authors", ref, "its login is malformed: imported, not linked to any login"
                )
            author = self.adopt_or_create_author(
                ref,
                name=name,
                slug=mapping.slug_candidate(*slug_from),
                bio=clean_text(wp_author.description),
                user=user,
            )
            self.ledger.remember(Kind.AUTHOR, login, author, data={"wp_id": wp_author.wp_id})
        paths = [mapping.archive_path(self.base, "author", nicename)]
        if wp_author.wp_id:
            paths.append(self.redirects.query_key("author", wp_author.wp_id))
        self.redirects.redirect_all(paths, author, ref)
        return author

    def adopt_or_create_author(self, ref, *, name, slug, bio="", user=None, website=""):
        existing = self.ledger.adoptable(Author.objects.filter(name__iexact=name))
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
        author = self.known_and_counted(Kind.AUTHOR, login)
        if author is None:
            author = self.author_for_user(WPAuthor(wp_id="", login=login))
            if login not in {wp_author.login for wp_author in self.export.authors}:
                self.report.note(
                    "articles", ref, f"its author {login} is not among the export's users"
                )
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
                website=valid_source_url(item.meta_value("cap-website")),
            )
        users = {author.login for author in self.export.authors}
        for nicename, info in guests.items():
            login = info.get("login", "")
            self.guest_logins[nicename] = login
            if not info.get("profile") and login in users:
                continue  # a user's co-author term: posts find the user by login
            self.run.attempt(
                "authors",
                f"guest author {nicename}",
                lambda n=nicename, i=info: self.guest_author(n, i),
            )

    def guest_author(self, nicename: str, info: dict) -> Author:
        ref = f"guest author {nicename}"
        author = self.ledger.known(Kind.GUEST_AUTHOR, nicename)
        self.counted(Kind.GUEST_AUTHOR, nicename)
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
            self.ledger.remember(Kind.GUEST_AUTHOR, nicename, author)
        self.redirects.redirect_all(
            [mapping.archive_path(self.base, "author", nicename)], author, ref
        )
        return author

    # --- bylines ---------------------------------------------------------------------------

    def post_authors(self, item: WPItem, ref: str) -> list[Author]:
        """The post's authors in byline order: its Co-Authors Plus terms, else dc:creator."""
        authors: list[Author] = []
        for term in item.terms_in("author"):
            nicename = term.slug.removeprefix("cap-")
            author = self.ledger.known(Kind.GUEST_AUTHOR, nicename) or self.ledger.known(
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
