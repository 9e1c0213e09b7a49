"""What the export holds that the newsroom does not import, reported so nothing is lost.

- **Pages** are imported by ``pages.py`` when the pages app is installed; without it they
  are reported with their old address.
- **Menu items** (``nav_menu_item``) are reported with their menu and where they pointed —
  a custom link's URL, or the old address of the post, page or category they named — so a
  menu can be rebuilt by hand.
- **Other post types** (events, products…) are reported with their old address.
- **Comments** have no home here: they are counted (by status) and, with
  ``--comments-export FILE``, written to a CSV file — post, author, date, text — so none is
  lost. Commenters' e-mail and IP addresses are left out: we do not need them and should
  not hold them.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from django.apps import apps

from .parser import WPItem, WXRExport
from .report import ImportReport, Outcome
from .run import item_ref

IMPORTED_TYPES = {"post", "attachment", "guest-author"}


def imports_pages() -> bool:
    """Whether WordPress pages become pages here: only with the pages app installed."""
    return apps.is_installed("pages")


COMMENT_COLUMNS = [
    "post_id",
    "post_title",
    "post_url",
    "comment_id",
    "parent_id",
    "type",
    "status",
    "author",
    "author_url",
    "date_gmt",
    "text",
]
COMMENT_STATUS = {"1": "approved", "0": "held", "spam": "spam", "trash": "trash"}


def report_not_imported(export: WXRExport, report: ImportReport) -> None:
    """One report entry per item we do not import, and the comments' count."""
    by_id = {item.wp_id: item for item in export.items}
    terms = {term.term_id: term for term in export.terms}
    imported = IMPORTED_TYPES | ({"page"} if imports_pages() else set())
    for item in export.items:
        if item.post_type in imported:
            continue
        if item.post_type == "nav_menu_item":
            message = menu_item_message(item, by_id, terms)
            report.add("menu-items", Outcome.SKIPPED, item_ref(item), message)
            continue
        where = f" (was at {item.link})" if item.link else ""
        if item.post_type == "page":
            where = f"; it was at {item.link}" if item.link else ""
            why = "not imported (no pages app)"
            report.add("pages", Outcome.SKIPPED, item_ref(item), why + where)
            continue
        report.add(
            item.post_type,
            Outcome.SKIPPED,
            item_ref(item),
            f"{item.post_type} items are not imported{where}",
        )
    statuses = Counter(
        COMMENT_STATUS.get(comment.approved, comment.approved or "unknown")
        for item in export.items
        for comment in item.comments
    )
    total = sum(statuses.values())
    if total:
        detail = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        report.add(
            "comments",
            Outcome.SKIPPED,
            f"{total} comment(s)",
            f"comments are not imported: the newsroom has none ({detail}); "
            "--comments-export FILE writes them to a CSV file",
            n=total,
        )


def menu_item_message(item: WPItem, by_id: dict[int, WPItem], terms: dict) -> str:
    """Which menu the item was in and where it pointed, as far as the export tells."""
    menus = [term.name for term in item.terms_in("nav_menu")]
    kind = item.meta_value("_menu_item_type")
    target_id = item.meta_value("_menu_item_object_id").strip()
    if kind == "custom":
        target = item.meta_value("_menu_item_url") or "an empty link"
    elif kind == "post_type" and target_id.isdigit() and int(target_id) in by_id:
        linked = by_id[int(target_id)]
        target = f"{item_ref(linked)} at {linked.link}" if linked.link else item_ref(linked)
    elif kind == "taxonomy" and target_id in terms:
        term = terms[target_id]
        target = f"the {term.taxonomy} “{term.name}” ({term.slug})"
    elif kind:
        target = f"{item.meta_value('_menu_item_object') or kind} {target_id}, not in the export"
    else:
        target = "nowhere the export records"
    menu = f" in the menu “{menus[0]}”" if menus else ""
    return f"menu items are not imported{menu}; it pointed to {target}"


def write_comments_csv(export: WXRExport, path: Path) -> int:
    """Write every comment of the export to ``path``; return how many were written."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COMMENT_COLUMNS)
        for item in export.items:
            for comment in item.comments:
                writer.writerow(
                    [
                        item.wp_id,
                        item.title,
                        item.link,
                        comment.comment_id,
                        comment.parent if comment.parent not in ("", "0") else "",
                        comment.comment_type or "comment",
                        COMMENT_STATUS.get(comment.approved, comment.approved),
                        comment.author,
                        comment.author_url,
                        comment.date_gmt or comment.date,
                        comment.content,
                    ]
                )
                written += 1
    return written
