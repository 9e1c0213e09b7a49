"""The editors' desk: what the admin's home page shows a person, per kind of edited content.

Selectors only (HackSoft): each list is one queryset built from the model's queryset
methods (``in_review()``, ``scheduled()``…), narrowed by ``permissions.visible`` so a
contributor sees their own items only. The page costs the same number of queries however
many items there are: per kind of content a count and a short list for each section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.urls import reverse

from . import permissions
from .models import EditorialModel, Notification, StatusChange

#: How many items each list shows; the count says how many there are in all.
LIST_LENGTH = 8


@dataclass
class DeskList:
    key: str
    title: str
    count: int
    items: list
    empty: str
    #: Which time the list shows per item ("submitted_at", "published_at", "modified_at").
    time_field: str = "modified_at"
    time_label: str = ""
    more_url: str = ""


@dataclass
class DeskSection:
    """One kind of content (articles, pages) on the desk."""

    model: type[Model]
    title: str
    add_url: str
    key: str = ""
    noun: str = ""
    change_url_name: str = ""
    lists: list[DeskList] = field(default_factory=list)


@dataclass(frozen=True)
class Editing:
    """Someone else has this item open right now."""

    obj: Model
    user_label: str
    since: object


def edited_models() -> list[type[Model]]:
    """Every concrete model that uses the editorial machinery, articles first."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, EditorialModel) and not model._meta.abstract
    ]
    return sorted(found, key=lambda m: (m._meta.app_label != "articles", m._meta.label))


def being_edited_by_others(user, model: type[Model]) -> list[Editing]:
    """Items of ``model`` that someone other than ``user`` has open in the admin now.

    Read from the forms' presence pings (``EditingPresence``, renewed by the autosave ping):
    one query for who, one for the items among them ``user`` may see.
    """
    from .models import EditingPresence

    present = list(
        EditingPresence.objects.current()
        .filter(content_type=ContentType.objects.get_for_model(model))
        .exclude(user=user)
        .select_related("user")
        .order_by("started_at", "pk")[: LIST_LENGTH * 4]
    )
    if not present:
        return []
    items = permissions.visible(user, model._default_manager.all()).in_bulk(
        {row.object_id for row in present}
    )
    editing, seen = [], set()
    for row in present:
        if row.object_id in items and row.object_id not in seen:
            seen.add(row.object_id)
            name = row.user.get_full_name() or row.user.get_username()
            editing.append(Editing(items[row.object_id], name, row.started_at))
    return editing


def _change_url(model: type[Model], name: str = "changelist") -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}")


def _with_submitted_at(queryset: QuerySet) -> QuerySet:
    """Annotate when each item was last submitted for review (the audit trail says)."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    submitted = StatusChange.objects.filter(
        content_type=content_type,
        object_id=OuterRef("pk"),
        action=StatusChange.Action.SUBMITTED,
    ).order_by("-at", "-pk")
    return queryset.annotate(submitted_at=Subquery(submitted.values("at")[:1]))


def _returned_to(queryset: QuerySet) -> QuerySet:
    """Drafts whose last workflow step was being returned to their author."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    last = StatusChange.objects.filter(content_type=content_type, object_id=OuterRef("pk"))
    last = last.order_by("-at", "-pk")
    return (
        queryset.drafts()
        .annotate(
            last_action=Subquery(last.values("action")[:1]),
            returned_note=Subquery(last.values("note")[:1]),
            returned_at=Subquery(last.values("at")[:1]),
        )
        .filter(last_action=StatusChange.Action.RETURNED)
    )


def _list(key, title, queryset, *, empty, order, time_field, time_label="", more_url=""):
    queryset = queryset.select_related("created_by").order_by(*order)
    return DeskList(
        key=key,
        title=title,
        count=queryset.count(),
        items=list(queryset[:LIST_LENGTH]),
        empty=empty,
        time_field=time_field,
        time_label=time_label,
        more_url=more_url,
    )


def desk_section(user, model: type[Model], *, limit: int | None = None) -> DeskSection:
    """The desk's lists of ``model`` for ``user``."""
    opts = model._meta
    plural = str(opts.verbose_name_plural)
    visible = permissions.visible(user, model._default_manager.all())
    mine = model._default_manager.filter(model.owner_filter(user))
    changelist = _change_url(model)
    section = DeskSection(
        model=model,
        title=plural.capitalize(),
        add_url=_change_url(model, "add"),
        key=opts.model_name,
        noun=str(opts.verbose_name),
        change_url_name=f"admin:{opts.app_label}_{opts.model_name}_change",
    )
    section.lists = [
        _list(
            "review",
            "Waiting for review",
            _with_submitted_at(visible.in_review()),
            empty=f"No {plural} are waiting for review.",
            order=["submitted_at", "modified_at", "pk"],
            time_field="submitted_at",
            time_label="submitted",
            more_url=f"{changelist}?state=review",
        ),
        _list(
            "scheduled",
            "Scheduled",
            visible.scheduled(),
            empty=f"No {plural} are scheduled.",
            order=["published_at", "pk"],
            time_field="published_at",
            time_label="goes live",
            more_url=f"{changelist}?state=scheduled",
        ),
        _list(
            "drafts",
            "My drafts",
            mine.drafts(),
            empty="You have no drafts.",
            order=["-modified_at", "-pk"],
            time_field="modified_at",
            time_label="last saved",
        ),
        _list(
            "returned",
            "Returned to me",
            _returned_to(mine),
            empty=f"None of your {plural} have been returned.",
            order=["-returned_at", "-pk"],
            time_field="returned_at",
            time_label="returned",
        ),
        _list(
            "published",
            "Recently published",
            visible.live(),
            empty=f"No {plural} are published yet.",
            order=["-published_at", "-pk"],
            time_field="published_at",
            time_label="published",
            more_url=f"{changelist}?state=live",
        ),
    ]
    editing = being_edited_by_others(user, model)
    section.lists.append(
        DeskList(
            key="editing",
            title="Being edited by someone else now",
            count=len(editing),
            items=editing[:LIST_LENGTH],
            empty="Nobody else is editing right now.",
        )
    )
    return section


def desk(user) -> list[DeskSection]:
    """The desk for ``user``: one section per kind of content they may see."""
    return [
        desk_section(user, model)
        for model in edited_models()
        if permissions.has_model_perm(user, model, "view")
        or permissions.has_model_perm(user, model, "change")
    ]


def unread_notifications(user, *, limit: int = 5) -> tuple[int, list[Notification]]:
    """How many notifications ``user`` has not read, and the newest few of them."""
    unread = Notification.objects.for_user(user).unread()
    count = unread.count()
    latest = list(unread.select_related("actor", "content_type")[:limit]) if count else []
    return count, latest
