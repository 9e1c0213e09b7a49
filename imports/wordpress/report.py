"""What an import did, per kind of thing, and every problem worth an editor's look.

Counts are kept per kind (authors, sections, tags, images, articles, redirects, and one row
per WordPress content type we do not import) and outcome. Entries name the record
(``post 123 “Headline”``) and say what happened and why, so the report alone is enough to
decide what to fix by hand.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"
    NOTE = "note"  # a warning about a record that was otherwise imported


# Rows of the summary, in this order; other kinds (WordPress content types we do not import,
# "comments") follow alphabetically.
KIND_ORDER = ["authors", "sections", "tags", "images", "articles", "redirects"]
COUNTED = [Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.SKIPPED, Outcome.FAILED]


@dataclass
class Entry:
    kind: str
    ref: str
    outcome: Outcome
    message: str = ""

    def __str__(self):
        text = f"{self.ref}: {self.outcome.value}"
        return f"{text} — {self.message}" if self.message else text


@dataclass
class ImportReport:
    """Counters and entries of one import run."""

    source: str = ""
    dry_run: bool = False
    wxr_version: str = ""  # the export's format version, as it declared it
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: Outcome, ref: str = "", message: str = "", n: int = 1):
        """Count ``n`` records of ``kind`` with ``outcome``; keep an entry if there is a ref."""
        if outcome is not Outcome.NOTE:
            self.counts[kind][outcome] += n
        if ref:
            self.entries.append(Entry(kind, ref, outcome, message))

    def note(self, kind: str, ref: str, message: str) -> None:
        self.add(kind, Outcome.NOTE, ref, message)

    def count(self, kind: str, outcome: Outcome) -> int:
        return self.counts.get(kind, Counter())[outcome]

    def entries_for(self, *, kind: str | None = None, outcome: Outcome | None = None):
        return [
            entry
            for entry in self.entries
            if (kind is None or entry.kind == kind)
            and (outcome is None or entry.outcome == outcome)
        ]

    @property
    def failed(self) -> int:
        return sum(counter[Outcome.FAILED] for counter in self.counts.values())

    def kinds(self) -> list[str]:
        known = [kind for kind in KIND_ORDER if kind in self.counts]
        return known + sorted(kind for kind in self.counts if kind not in KIND_ORDER)

    def summary_lines(self) -> list[str]:
        """The table: one row per kind, one column per outcome."""
        width = max([len(kind) for kind in self.kinds()] + [len("kind")])
        header = "kind".ljust(width) + "".join(f"{o.value:>11}" for o in COUNTED)
        lines = [header, "-" * len(header)]
        for kind in self.kinds():
            counter = self.counts[kind]
            lines.append(kind.ljust(width) + "".join(f"{counter[o]:>11}" for o in COUNTED))
        return lines

    def problem_entries(self) -> list[Entry]:
        """Entries an editor should read: everything but plain creations and updates."""
        keep = {Outcome.SKIPPED, Outcome.FAILED, Outcome.NOTE}
        return [entry for entry in self.entries if entry.outcome in keep]

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "wxr_version": self.wxr_version,
            "counts": {
                kind: {o.value: self.counts[kind][o] for o in COUNTED} for kind in self.kinds()
            },
            "warnings": list(self.warnings),
            "entries": [
                {**asdict(entry), "outcome": entry.outcome.value} for entry in self.entries
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)
