"""Status as editors think of it, for lists and columns."""

from __future__ import annotations

from django.contrib import admin

from ..models import Status, StatusChange


class StateListFilter(admin.SimpleListFilter):
    """Status as editors think of it: a scheduled item is not "published" yet."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("returned", "Returned to the author"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Published"),
            ("unpublished", "Unpublished"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "draft":
            return queryset.drafts()
        if value == "returned":
            return queryset.drafts().filter(review_action=StatusChange.Action.RETURNED)
        if value == "review":
            return queryset.in_review()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.live()
        if value == "unpublished":
            return queryset.unpublished()
        return queryset


def state_label(obj) -> str:
    """The status as a word: Draft, Returned, In review, Scheduled, Published, Unpublished."""
    if obj.is_scheduled:
        return "Scheduled"
    if (
        obj.status == Status.DRAFT
        and getattr(obj, "review_action", None) == StatusChange.Action.RETURNED
    ):
        return "Returned"
    return obj.get_status_display()
