"""The image library in the admin: find, upload, describe, and see where an image is used."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.html import format_html, format_html_join

from images.body import library_src
from images.library import change_refusal
from images.models import Image


class AltTextFilter(admin.SimpleListFilter):
    title = "alt text"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("missing", "Missing (not decorative)"), ("decorative", "Decorative")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(alt_text="", is_decorative=False)
        if self.value() == "decorative":
            return queryset.filter(is_decorative=True)
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "__str__", "alt_text", "is_decorative", "credit", "uploaded_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = [AltTextFilter, "uploaded_at"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    list_per_page = 48
    readonly_fields = ["preview", "dimensions", "uploaded_by", "uploaded_at", "used_in"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "title"]}),
        ("For readers", {"fields": ["alt_text", "is_decorative", "caption", "credit"]}),
        ("Cropping", {"fields": ["focal_point_x", "focal_point_y"]}),
        ("About the file", {"fields": ["dimensions", "uploaded_by", "uploaded_at"]}),
        ("Where it is used", {"fields": ["used_in"]}),
    ]

    def has_change_permission(self, request, obj=None):
        """Changing an image changes every page showing it, without review: contributors
        change only their own uploads that nothing published shows (``change_refusal``)."""
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or not _refusal(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and _refusal(request, obj):
            return [(None, {"fields": ["why_read_only"]}), *fieldsets]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "why_read_only"]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:  # on the object: the admin instance is shared by threads
            _refusal(request, obj)
        return obj

    @admin.display(description="you cannot change this image")
    def why_read_only(self, obj):
        return getattr(obj, "change_refusal", "")

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    def get_urls(self):
        view = ChooserSearchView.as_view(admin_site=self.admin_site)
        return [
            path(
                "chooser-search/",
                self.admin_site.admin_view(view),
                name="images_image_chooser_search",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="image")
    def thumbnail(self, obj):
        if not obj.pk or not obj.file:
            return ""
        return format_html(
            '<img src="{}" alt="" width="96" loading="lazy" class="library-thumbnail">',
            library_src(obj.pk),
        )

    @admin.display(description="preview")
    def preview(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="max-width: 100%; width: 480px; height: auto">',
            library_src(obj.pk),
            obj.alt,
        )

    @admin.display(description="size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height} pixels" if obj.width and obj.height else "—"

    @admin.display(description="used in")
    def used_in(self, obj):
        uses = obj.usage() if obj.pk else []
        if not uses:
            return "Not used anywhere yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{}: <a href="{}">{}</a></li>',
                ((what, _admin_url(owner), str(owner)) for what, owner in uses),
            ),
        )

    def save_model(self, request, obj, form, change):
        if not change and obj.uploaded_by_id is None:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """An image a body shows cannot be deleted either (that use is not a foreign key)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            for what, owner in image.usage():
                if what.endswith("(in the body)"):
                    protected.append(format_html("{}: {}", what, owner))
        return deleted, counts, perms_needed, protected


class ChooserSearchView(AutocompleteJsonView):
    """The image chooser's search (images/forms.py ``LibraryChooser``): the admin's own
    autocomplete — same permission and field checks, same search and pages — where each
    result also carries ``thumbnail``, the staff-only library address the chooser's preview
    uses. Worked out from the primary key, so a page of results costs no extra query."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if source_field.remote_field.model is not Image:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        result["thumbnail"] = library_src(obj.pk) if obj.file else ""
        return result


def _refusal(request, obj) -> str:
    """``change_refusal`` for this request, worked out once per object (it reads usage)."""
    if not hasattr(obj, "change_refusal"):
        obj.change_refusal = change_refusal(request.user, obj)
    return obj.change_refusal


def _admin_url(obj) -> str:
    from django.urls import NoReverseMatch, reverse

    meta = obj._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""
