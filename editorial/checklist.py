"""The pre-publish checklist: the model's publication rules, item by item, green or red.

Built from ``publication_problems()`` — the same rules the services refuse with — so what
the checklist shows green is exactly what "Publish" will accept. The model names the items
(``checklist_items``: a label and the problem keys it covers); a problem no item covers is
listed under "Other", so none is ever hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model

from .services import content_problems


@dataclass
class CheckItem:
    label: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def checklist(obj: Model) -> list[CheckItem]:
    """Every item of the model's checklist for ``obj`` as it is now (saved or not)."""
    problems = content_problems(obj=obj)
    items, covered = [], set()
    for label, keys in type(obj).checklist_items:
        item = CheckItem(label)
        for key in keys:
            item.problems.extend(str(message) for message in problems.get(key, []))
            covered.add(key)
        items.append(item)
    rest = [str(m) for key, messages in problems.items() if key not in covered for m in messages]
    if rest:
        items.append(CheckItem("Other", rest))
    return items


def problem_count(items: list[CheckItem]) -> int:
    return sum(len(item.problems) for item in items)
