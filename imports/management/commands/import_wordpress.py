"""``manage.py import_wordpress EXPORT.xml [--media-dir DIR] [--dry-run] [--update]
[--comments-export FILE]``.

See docs/import-wordpress.md. The work is done by ``imports.wordpress.importer``; this
command reads the file, shows progress on a terminal and prints the report.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imports.wordpress.importer import ImportOptions, wordpress_import
from imports.wordpress.leftovers import write_comments_csv
from imports.wordpress.mapping import get_timezone
from imports.wordpress.parser import WXRError, parse_wxr
from imports.wordpress.report import ImportReport


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR file): authors, categories, tags, images, posts, and "
        "redirects from the old addresses. Safe to run again; --update refreshes changed posts."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the WXR file from Tools → Export")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="a copy of the site's wp-content/uploads folder (images are read from it)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen; save nothing"
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="write again posts changed in WordPress since the last import, and point "
            "existing redirects at the current addresses",
        )
        parser.add_argument(
            "--timezone",
            default="",
            help="the WordPress site's time zone, for posts without GMT times "
            "(default: settings.TIME_ZONE)",
        )
        parser.add_argument(
            "--category-base",
            default="category",
            help="the site's category base (WordPress Settings → Permalinks); default: category",
        )
        parser.add_argument("--tag-base", default="tag", help="the site's tag base; default: tag")
        parser.add_argument("--report", type=Path, help="also write the full report as JSON")
        parser.add_argument(
            "--comments-export",
            type=Path,
            help="write the export's comments (which are not imported) to this CSV file",
        )

    def handle(self, *args, **options):
        # Paths may arrive as strings from call_command(), which skips argparse's types.
        export_path = Path(options["export"])
        media_dir = Path(options["media_dir"]) if options["media_dir"] else None
        report_path = Path(options["report"]) if options["report"] else None
        comments_path = options.get("comments_export")
        comments_path = Path(comments_path) if comments_path else None
        if not export_path.is_file():
            raise CommandError(f"No export file at {export_path}.")
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a folder.")
        time_zone = options["timezone"] or settings.TIME_ZONE
        try:
            get_timezone(time_zone)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            export = parse_wxr(export_path)
        except WXRError as exc:
            raise CommandError(f"{export_path}: {exc}") from exc
        except OSError as exc:
            raise CommandError(f"{export_path}: {exc}") from exc

        self.interactive = self.stdout.isatty()
        report = wordpress_import(
            export=export,
            options=ImportOptions(
                media_dir=media_dir,
                update=options["update"],
                dry_run=options["dry_run"],
                time_zone=time_zone,
                category_base=options["category_base"].strip("/") or "category",
                tag_base=options["tag_base"].strip("/") or "tag",
            ),
            progress=self.show_progress if self.interactive else None,
        )
        self.print_report(report, export.title, options["verbosity"])
        if report_path is not None:
            report_path.write_text(report.to_json(), encoding="utf-8")
        if comments_path is not None:
            written = write_comments_csv(export, comments_path)
            self.stdout.write(f"{written} comment(s) written to {comments_path}.")
        if report.failed:
            raise CommandError(
                f"{report.failed} record(s) failed and were not imported; see the report above."
            )

    def show_progress(self, done: int, total: int) -> None:
        width = 30
        filled = round(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\rImporting posts [{bar}] {done}/{total}", ending="")
        if done == total:
            self.stdout.write("")
        self.stdout.flush()

    def print_report(self, report: ImportReport, title: str, verbosity: int) -> None:
        heading = (
            f"WordPress import of “{title or report.source}” ({report.source}), "
            f"WXR {report.wxr_version}"
        )
        if report.dry_run:
            heading += " — DRY RUN: nothing was saved"
        self.stdout.write(self.style.MIGRATE_HEADING(heading))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"! {warning}"))
        for line in report.summary_lines():
            self.stdout.write(line)
        entries = report.entries if verbosity >= 2 else report.problem_entries()
        if entries and verbosity >= 1:
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING("To look at:"))
            for entry in entries:
                style = self.style.ERROR if entry.outcome == "failed" else str
                self.stdout.write(style(f"- [{entry.kind}] {entry}"))
