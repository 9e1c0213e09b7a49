"""The admin pages every edited content gets besides its form: the staff preview and the
revisions (list, compare, restore), under ``<item>/preview/`` and ``<item>/revisions/``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

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
            raise Http404(f"No such {self.model._meta.verbose_name}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

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
