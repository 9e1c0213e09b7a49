"""The audit trail in the admin: read-only, on each item's page and as its own list."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .. import permissions
from ..models import EditorialModel, StatusChange


class ReadOnlyInlineMixin:
    """A record shown on the item's page that is only ever written by the services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInlineMixin, GenericTabularInline):
    model = StatusChange
    fields = ["at", "action", "from_status", "to_status", "published_at", "by", "note"]
    readonly_fields = fields
    classes = ["collapse"]
    verbose_name_plural = "Workflow history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


def _editorial_models() -> list[type]:
    return [m for m in apps.get_models() if issubclass(m, EditorialModel)]


class StatusChangeAdmin(admin.ModelAdmin):
    """The audit trail of all edited content: read-only, written by the services alone."""

    list_display = ["at", "subject", "action", "from_status", "to_status", "by", "note"]
    list_filter = ["action", "to_status", ("by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["by", "content_type"]
    search_fields = ["article__headline", "note", "by__username"]
    date_hierarchy = "at"

    @admin.display(description="Item")
    def subject(self, obj):
        return obj.content_object

    def get_queryset(self, request):
        visible = Q(pk__in=[])
        for model in _editorial_models():
            ids = permissions.visible(request.user, model._default_manager.all()).values("pk")
            visible |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
        return super().get_queryset(request).filter(visible).prefetch_related("content_object")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
