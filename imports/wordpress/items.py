"""What importing a post and importing a page have in common: one item of the export, found
in the ledger or not, skipped, left alone, or filled in through the editorial services.

Posts (``posts.Posts``) and pages (``pages.Pages``) follow the same rules (``mapping.plan_post``
for status and times, the ledger for re-runs, ``--update`` for changed items, trashed items
unpublished); they differ in what they fill in, how they fingerprint an item and which old
addresses they keep. Those are the hooks; the rules are written once, here.
"""

from __future__ import annotations

from imports.models import ImportedItem

from . import mapping, workflow
from .parser import WPItem
from .report import Outcome
from .run import Step, item_ref


def changed(record: ImportedItem, plan: mapping.PostPlan, fingerprint: str) -> bool:
    """Whether an item imported before changed in WordPress: its content, or its time."""
    if record.data.get("fingerprint") != fingerprint:
        return True
    before = record.external_modified_at
    return bool(plan.updated_at and (before is None or plan.updated_at > before))


class ContentItems(Step):
    """One kind of content item; subclasses name it and fill it in."""

    kind: str  # ImportedItem.Kind
    section: str  # the report's section for it ("articles", "pages")
    noun: str  # WordPress's word for it, in revision messages ("post", "page")
    model: type

    def fingerprint(self, item: WPItem) -> str:
        raise NotImplementedError

    def fill(self, obj, item: WPItem, plan: mapping.PostPlan, ref: str) -> list[str]:
        """Set every imported field and save through the services. Returns notes."""
        raise NotImplementedError

    def redirect(self, item: WPItem, obj, ref: str) -> None:
        """Keep the item's old addresses as redirects to ``obj``."""
        raise NotImplementedError

    def unchanged(self, item: WPItem, obj, ref: str) -> None:
        """An item imported before and left alone: its old addresses still lead to it."""
        self.redirect(item, obj, ref)

    def import_item(self, item: WPItem) -> None:
        ref = item_ref(item)
        plan = mapping.plan_post(item, self.run.tz, self.run.now)
        record = self.ledger.record(self.kind, item.wp_id)
        obj = record.content_object if record is not None else None
        if plan.skip:
            self.skip(item, plan, obj, ref)
            return
        if record is not None and obj is None:
            deleted = "deleted here after an earlier import"
            self.report.add(self.section, Outcome.SKIPPED, ref, deleted)
            return
        fingerprint = self.fingerprint(item)
        if obj is not None:
            if not self.options.update or not changed(record, plan, fingerprint):
                self.report.add(self.section, Outcome.UNCHANGED)
                self.unchanged(item, obj, ref)
                return
            outcome = Outcome.UPDATED
        else:
            obj = self.model()
            outcome = Outcome.CREATED
        with workflow.import_revision(f"Imported from WordPress ({self.noun} {item.wp_id})"):
            notes = self.fill(obj, item, plan, ref)
            self.report.add(self.section, outcome)
            for note in notes:
                self.report.note(self.section, ref, note)
        self.redirect(item, obj, ref)
        self.ledger.remember(
            self.kind,
            item.wp_id,
            obj,
            external_modified_at=plan.updated_at,
            data={"fingerprint": fingerprint, "link": item.link, "status": item.status},
        )

    def skip(self, item: WPItem, plan: mapping.PostPlan, obj, ref: str) -> None:
        """A trashed item is not imported; one imported before is unpublished by --update."""
        if (
            obj is not None
            and self.options.update
            and item.status == "trash"
            and workflow.unpublish_trashed(obj, wp_id=item.wp_id, kind=self.noun)
        ):
            self.report.add(self.section, Outcome.UPDATED)
            self.report.note(self.section, ref, "trashed in WordPress, so unpublished here")
            return
        self.report.add(self.section, Outcome.SKIPPED, ref, f"not imported: it is {plan.skip}")
