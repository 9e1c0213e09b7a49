from django.contrib import admin

from .models import ImportedItem


@admin.register(ImportedItem)
class ImportedItemAdmin(admin.ModelAdmin):
    """Read-only: the import commands write these; editors only look up where things came from."""

    list_display = ["external_id", "kind", "source", "content_object", "file", "modified_at"]
    list_filter = ["kind", "source"]
    search_fields = ["external_id", "file"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
