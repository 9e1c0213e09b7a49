"""``manage.py demo``: load the demo content (``make run`` and ``make demo`` call it)."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from authors.models import Author
from books.models import Book
from newsroom.demo.loader import DEV_PASSWORD, DemoReport, demo_load


class Command(BaseCommand):
    help = (
        "Load demo content: authors, sections, articles with images, books and staff logins. "
        "Refuses when articles exist unless --reset (delete everything and reload) or "
        "--if-empty (quietly do nothing) is given."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--reset",
            action="store_true",
            help="Delete ALL articles, bylines, authors, sections, books, purchase links, "
            "tags and the demo users, then load the demo again.",
        )
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when there are no articles; otherwise do nothing.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation before --reset deletes existing content.",
        )

    def handle(self, *args, reset=False, if_empty=False, interactive=True, **options):
        existing = Article.objects.count()
        if reset and interactive and sys.stdin.isatty():
            self._confirm_reset(existing)
        if existing and not reset:
            if if_empty:
                self.stdout.write(f"Content exists ({existing} articles); demo content not loaded.")
                return
            raise CommandError(
                f"The database already has {existing} articles, so the demo was not loaded. "
                "Run 'python manage.py demo --reset' to DELETE all content and load the "
                "demo again, or 'make demo', which does the same."
            )
        report = demo_load(reset=reset)
        self._print_report(report)

    def _confirm_reset(self, articles: int) -> None:
        """Deleting content is deliberate: ask first, as ``flush`` does, if there is any."""
        books, authors = Book.objects.count(), Author.objects.count()
        if not (articles or books or authors):
            return
        answer = input(
            f"This DELETES all {articles} articles, {authors} authors and {books} books, "
            "with their sections, tags and images, and the demo users.\n"
            "Type 'yes' to continue, or anything else to cancel: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Reset cancelled; nothing was changed.")

    def _print_report(self, report: DemoReport) -> None:
        created, deleted = report.created, report.deleted
        if deleted:
            self.stdout.write(
                "Deleted: " + ", ".join(f"{count} {label}" for label, count in deleted.items())
            )
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(
            f"Created: {created['authors']} authors ({created['guest authors']} guest), "
            f"{created['sections']} sections, {created['articles']} articles "
            f"({created['live']} live, {created['scheduled']} scheduled, "
            f"{created['review']} in review, {created['draft']} draft), "
            f"{created['tags']} tags, {created['books']} books "
            f"({created['on the shelf']} on the shelf), "
            f"{created['purchase links']} purchase links, {created['users']} users."
        )
        self.stdout.write(f"Site:  {settings.SITE_URL}/")
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/")
        width = max(len(c.username) for c in report.credentials)
        for credential in report.credentials:
            password = credential.password or "(existing account: password unchanged)"
            self.stdout.write(f"  {credential.username:<{width}}  {password}  [{credential.role}]")
        if not any(c.password for c in report.credentials):
            return
        if report.dev_password:
            self.stdout.write(
                f"New demo accounts use the development password '{DEV_PASSWORD}' "
                "because DEBUG is on. Never expose these accounts publicly."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG is off, so each new account got a random password. They are shown "
                    "only this once: store them now or change them in the admin."
                )
            )
