"""The admin pages every edited content gets besides its form: the staff preview and the
revisions (list, compare, restore), under ``<item>/preview/`` and ``<item>/revisions/``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import revisions, services
from ..previews import render_preview


def error_text(error: ValidationError, model) -> str:
    """A service's refusal as one sentence per problem, named by field where it has one."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages_ in error.message_dict.items():
        if field == NON_FIELD_ERRORS:
            parts.extend(messages_)
            continue
        try:
            label = model._meta.get_field(field).verbose_name
        except Exception:
            label = field.replace("_", " ")
        parts.extend(f"{str(label).capitalize()}: {message}" for message in messages_)
    return " ".join(parts)


class RevisionPagesMixin:
    """Preview and revision pages for a ModelAdmin of an ``EditorialModel``."""

    def _url(self, name: str, *args) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    # --- extra pages: preview, revisions ----------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"

        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path("<path:object_id>/preview/", view(self.preview_view), name=f"{prefix}_preview"),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=f"{prefix}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.restore_view),
                name=f"{prefix}_restore",
            ),
            *super().get_urls(),
        ]

    def _object_for(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            if self._exists_elsewhere(object_id):
                raise PermissionDenied(self._belongs_to_someone_else())
            raise Http404(f"No such {self.model._meta.verbose_name}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    # --- an item the user may not see, and a refused save's breadcrumb ---------------------

    def _exists_elsewhere(self, object_id) -> bool:
        """The item exists but is outside this user's admin queryset (someone else's)."""
        try:
            return self.model._default_manager.filter(pk=unquote(str(object_id))).exists()
        except (ValueError, ValidationError):
            return False

    def _belongs_to_someone_else(self) -> str:
        opts = self.model._meta
        return (
            f"This {opts.verbose_name} belongs to someone else. Contributors open only their "
            f"own {opts.verbose_name_plural}; ask an editor if you need to see or change it."
        )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """Django says "Article with ID 3 doesn't exist" also for someone else's article."""
        if self._exists_elsewhere(object_id):
            self.message_user(request, self._belongs_to_someone_else(), messages.WARNING)
            return HttpResponseRedirect(self._url("changelist"))
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """After a refused save, the title and breadcrumb name the item as it is stored.

        Validating the form writes the typed values onto ``obj``; the unsaved headline
        must stay in the form, not in the breadcrumb as if it had been saved.
        """
        if change and obj is not None and obj.pk is not None and request.method == "POST":
            stored = self.model._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                context["original"] = stored
                context["subtitle"] = str(stored)
        if obj is not None and obj.pk is not None and not self.has_change_permission(request, obj):
            self._show_rich_text_rendered(context.get("adminform"))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _show_rich_text_rendered(self, adminform) -> None:
        """On a read-only page, rich text reads as it will be published, not as HTML source.

        Django shows a read-only text field escaped; the model's ``revision_html_fields``
        are swapped for ``rendered_body`` (sanitised, in the site's reading typography).
        """
        if adminform is None:
            return
        swap = {
            name: f"rendered_{name}"
            for name in getattr(self.model, "revision_html_fields", ())
            if hasattr(self, f"rendered_{name}")
        }
        if not swap:
            return
        fieldsets = []
        for title, options in adminform.fieldsets:
            fields = [
                swap.get(f, f) if isinstance(f, str) else f for f in options.get("fields", [])
            ]
            fieldsets.append((title, {**options, "fields": fields}))
        adminform.fieldsets = fieldsets
        adminform.readonly_fields = [*adminform.readonly_fields, *swap.values()]

    @admin.display(description="Body")
    def rendered_body(self, obj):
        from newsroom.sanitize import sanitize_html

        return format_html(
            '<div class="diff-rendered">{}</div>', mark_safe(sanitize_html(obj.body or ""))
        )

    def _page(self, request, obj, template, title, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": title,
            "subtitle": str(obj),
            "change_url": self._url("change", obj.pk),
            "revisions_url": self._url("revisions", obj.pk),
            "can_restore": self.has_change_permission(request, obj),
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)

    def preview_view(self, request, object_id):
        """The item as readers would see it, for staff who may see it."""
        return render_preview(request, self._object_for(request, object_id))

    def revisions_view(self, request, object_id):
        obj = self._object_for(request, object_id)
        versions = list(revisions.versions_of(obj)[:200])
        return self._page(
            request, obj, "admin/editorial/revisions.html", "Revisions", versions=versions
        )

    def compare_view(self, request, object_id):
        obj = self._object_for(request, object_id)
        versions = revisions.versions_of(obj)
        try:
            first = versions.get(pk=int(request.GET["from"]))
            second = versions.get(pk=int(request.GET["to"]))
        except (KeyError, ValueError, versions.model.DoesNotExist):
            self.message_user(request, "Choose two revisions to compare.", messages.WARNING)
            return HttpResponseRedirect(self._url("revisions", obj.pk))
        older, newer = sorted([first, second], key=lambda v: v.pk)
        diffs = revisions.compare(revisions.snapshot(older), revisions.snapshot(newer))
        return self._page(
            request,
            obj,
            "admin/editorial/revision_compare.html",
            "Compare revisions",
            older=older,
            newer=newer,
            diffs=diffs,
            changed=[d for d in diffs if d.changed],
        )

    def restore_view(self, request, object_id, version_id):
        obj = self._object_for(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(revisions.versions_of(obj), pk=version_id)
        if request.method == "POST":
            try:
                services.content_restore_revision(obj=obj, by=request.user, version=version)
            except ValidationError as error:
                self.message_user(request, error_text(error, self.model), messages.ERROR)
            else:
                self.message_user(
                    request,
                    "The earlier version was restored as a new revision; status and "
                    "publication time are unchanged.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._url("change", obj.pk))
        latest = revisions.versions_of(obj).first()
        diffs = revisions.compare(revisions.snapshot(latest), revisions.snapshot(version))
        return self._page(
            request,
            obj,
            "admin/editorial/revision_restore.html",
            "Restore this revision?",
            version=version,
            latest=latest,
            changed=[d for d in diffs if d.changed],
        )
