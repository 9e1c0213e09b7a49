"""The workflow part of an edited content's admin: the buttons of the form's top bar, bulk
actions, the status column, and one revision per save.

``EditorialAdminMixin`` gives a ModelAdmin all of it plus the preview and revision pages
(``pages.py``). Every workflow act calls a service in ``editorial/services.py``; the admin
only decides what to offer. The same rules (``editorial/permissions.py``) decide both what
is offered and what a POST may do, so a forged request is refused, not just unseen.
"""

from __future__ import annotations

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from .. import permissions, preview_links, revisions, services
from ..forms import (
    CONCURRENCY_FIELDS,
    PUBLISH,
    RETURN,
    SHARE,
    SUBMIT,
    UNPUBLISH,
    WORKFLOW_BUTTONS,
)
from ..models import Status, StatusChange
from .desk import DeskAdminMixin
from .filters import state_label
from .pages import RevisionPagesMixin, error_text


class EditorialAdminMixin(DeskAdminMixin, RevisionPagesMixin):
    """Workflow, revisions and previews for the ModelAdmin of an ``EditorialModel``.

    Put it before ``admin.ModelAdmin`` in the bases; the model admin keeps its own
    configuration (fields, list columns, search) and adds model-specific workflow fields
    through ``workflow_fields`` and ``after_workflow_save``.
    """

    change_form_template = "admin/editorial/change_form.html"
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]

    class Media:
        # static/js/admin-desk.js (autosave, leave warning) is on every admin form:
        # templates/admin/change_form.html.
        css = {"all": ["css/admin-workflow.css"]}

    # --- what each user sees ---------------------------------------------------------

    def get_queryset(self, request):
        review_action = (
            StatusChange.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=OuterRef("pk"),
                action__in=[StatusChange.Action.SUBMITTED, StatusChange.Action.RETURNED],
            )
            .order_by("-at", "-pk")
            .values("action")[:1]
        )
        queryset = super().get_queryset(request).annotate(review_action=Subquery(review_action))
        return permissions.visible(request.user, queryset)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return permissions.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request) and permissions.can_see_all(
                request.user, self.model
            )
        return permissions.can_delete(request.user, obj)

    def get_deleted_objects(self, objs, request):
        """An item's audit trail goes with it (the admin's log and its revisions stay).

        Audit entries cannot be deleted on their own, which would otherwise make every
        item with a history undeletable.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(StatusChange._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user, self.model)

    def workflow_fields(self, request, obj) -> list[str]:
        """The workflow form fields this user gets for this item (none when read-only)."""
        user = request.user
        if obj is None:
            if not permissions.can_add(user, self.model):
                return []
            # Scheduling works from the first save, for those who may publish.
            if permissions.can_publish(user, self.model):
                return ["workflow_note", "publish_at"]
            return ["workflow_note"]
        if not permissions.can_edit(user, obj):
            return []
        fields = ["workflow_note"]
        if permissions.can_publish(user, obj) and not obj.is_live:
            fields.append("publish_at")
        fields += self.extra_workflow_fields(request, obj)
        if permissions.can_share_preview(user, obj) and obj.preview_links.active().exists():
            fields.append("revoke_links")
        return fields

    def extra_workflow_fields(self, request, obj) -> list[str]:
        """A model's own workflow form fields for an editable, saved item (corrections…)."""
        return []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        allowed = set(self.workflow_fields(request, obj))
        if obj is not None and permissions.can_edit(request.user, obj):
            allowed.update(CONCURRENCY_FIELDS)
        for name in [*form.workflow_fields, *CONCURRENCY_FIELDS]:
            if name not in allowed:
                form.base_fields.pop(name, None)
        return form

    def workflow_buttons(self, request, obj) -> list[dict]:
        """The workflow buttons of the form's top bar, for this user and this state."""
        user = request.user
        buttons = []
        if obj is None:
            if permissions.can_add(user, self.model):
                buttons.append({"name": SUBMIT, "label": "Save and submit for review"})
            if permissions.can_publish(user, self.model):
                buttons.append(
                    {"name": PUBLISH, "label": "Save and publish or schedule", "primary": True}
                )
            return buttons
        if not permissions.can_edit(user, obj):
            return buttons
        if obj.status == Status.DRAFT:
            buttons.append({"name": SUBMIT, "label": "Submit for review"})
        if obj.status == Status.REVIEW and permissions.can_return(user, obj):
            buttons.append({"name": RETURN, "label": "Return to author"})
        if permissions.can_publish(user, obj):
            if not obj.is_live:
                label = "Publish or reschedule" if obj.is_scheduled else "Publish or schedule"
                buttons.append({"name": PUBLISH, "label": label, "primary": True})
            if obj.status == Status.PUBLISHED:
                label = "Cancel schedule" if obj.is_scheduled else "Unpublish"
                buttons.append({"name": UNPUBLISH, "label": label})
        if permissions.can_share_preview(user, obj):
            buttons.append({"name": SHARE, "label": "Share preview link"})
        return buttons

    def button_allowed(self, request, obj, button: str) -> bool:
        """Whether the user may press ``button`` at all (the state is the service's job)."""
        user = request.user
        if button == SUBMIT:
            if obj is None:
                return permissions.can_add(user, self.model)
            return permissions.can_edit(user, obj)
        if button in {PUBLISH, UNPUBLISH}:
            return permissions.can_publish(user, self.model)
        if button == RETURN:
            return permissions.can_return(user, self.model)
        if button == SHARE:
            return obj is not None and permissions.can_share_preview(user, obj)
        return False

    def view_on_site(self, obj):
        if obj.is_live:
            return obj.get_absolute_url()
        return self._url("preview", obj.pk)

    # --- columns and read-only fields ----------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        return state_label(obj)

    @admin.display(description="Status")
    def state_detail(self, obj):
        if obj is None or obj.pk is None:
            return "Draft (not saved yet)"
        if obj.is_scheduled:
            when = date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
            return f"Scheduled: becomes public on {when}"
        return state_label(obj)

    # --- saving ------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Refuse forbidden workflow buttons up front, and make the save one revision."""
        if request.method == "POST":
            obj = None
            if object_id is not None:
                obj = self.get_object(request, unquote(object_id))
            for button in WORKFLOW_BUTTONS:
                if button in request.POST and not self.button_allowed(request, obj, button):
                    raise PermissionDenied
            with reversion.create_revision():
                reversion.set_user(request.user)
                return super().changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        request._editorial_form = form
        form.content_saved = False
        if not change or form.has_changed():
            services.content_save(obj=obj, by=request.user)
            form.content_saved = True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not form.content_saved and any(formset.has_changed() for formset in formsets):
            services.content_save(obj=obj, by=request.user)
            form.content_saved = True
        if form.content_saved:
            revisions.add_to_revision(obj)

    def _set_revision_comment(self, request, entry):
        form = getattr(request, "_editorial_form", None)
        if not reversion.is_active() or form is None:
            return
        note = (form.cleaned_data.get("workflow_note") or "").strip()
        parts = [entry.get_change_message()] if form.content_saved else []
        if note:
            parts.append(f"Note: {note}")
        reversion.set_comment(" ".join(parts))

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._set_revision_comment(request, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._set_revision_comment(request, entry)
        return entry

    def response_add(self, request, obj, post_url_continue=None):
        self._forget_copy(request, obj, added=True)
        if self._after_save(request, obj):
            return HttpResponseRedirect(self._url("change", obj.pk))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._forget_copy(request, obj, added=False)
        if self._after_save(request, obj):
            return HttpResponseRedirect(self._url("change", obj.pk))
        return super().response_change(request, obj)

    def after_workflow_save(self, request, obj, data: dict) -> None:
        """What a model's own workflow fields ask for once the content is saved."""

    def _after_save(self, request, obj) -> bool:
        """Run what the form asked for besides saving; True when a workflow button did."""
        form = request._editorial_form
        data = form.cleaned_data
        note = (data.get("workflow_note") or "").strip()
        self.after_workflow_save(request, obj, data)
        for link in data.get("revoke_links") or []:
            self.run_service(
                request,
                lambda link=link: preview_links.preview_link_revoke(link=link, by=request.user),
                f"The preview link was revoked; it no longer opens the {obj._meta.verbose_name}.",
            )
        button = next((b for b in WORKFLOW_BUTTONS if b in request.POST), None)
        if button is None:
            return False
        noun = obj._meta.verbose_name
        by = request.user
        if button == SUBMIT:
            self.run_service(
                request,
                lambda: services.content_submit_for_review(obj=obj, by=by, note=note),
                "Submitted for review. Editors can now publish it or return it to you.",
            )
        elif button == RETURN:
            self.run_service(
                request,
                lambda: services.content_return_to_author(obj=obj, by=by, note=note),
                "Returned to the author with your note.",
            )
        elif button == PUBLISH:
            at = data.get("publish_at")

            def publish():
                services.content_publish(obj=obj, by=by, at=at, note=note)
                if obj.is_scheduled:
                    when = date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
                    return f"Scheduled: the {noun} becomes public on {when}."
                return f"Published. The {noun} is public now."

            self.run_service(request, publish, None)
        elif button == UNPUBLISH:
            scheduled = obj.is_scheduled
            self.run_service(
                request,
                lambda: services.content_unpublish(obj=obj, by=by, note=note),
                f"The schedule was cancelled; the {noun} is a draft again."
                if scheduled
                else f"Unpublished. Readers no longer see the {noun}; its address answers 404.",
            )
        elif button == SHARE:

            def share():
                link = preview_links.preview_link_create(obj=obj, by=by)
                expires = date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT")
                return format_html(
                    "Preview link (works until {}, anyone with it can read the draft): "
                    '<a href="{}">{}</a>',
                    expires,
                    link.url,
                    link.url,
                )

            self.run_service(request, share, None)
        return True

    def run_service(self, request, act, success: str | None) -> None:
        """Call a service; report success or the service's refusal as a message.

        A ValidationError leaves the saved content saved: only the step is refused.
        PermissionDenied propagates — the whole request is refused and rolled back.
        """
        try:
            result = act()
        except ValidationError as error:
            self.message_user(request, error_text(error, self.model), messages.ERROR)
            return
        message = success or result
        if message:
            self.message_user(request, message, messages.SUCCESS)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, obj) -> dict:
        context = {"workflow_buttons": self.workflow_buttons(request, obj)}
        if obj is None:
            return context
        context["preview_url"] = self._url("preview", obj.pk)
        context["revisions_url"] = self._url("revisions", obj.pk)
        if obj.status == Status.DRAFT:
            returned = (
                obj.status_changes.filter(
                    action__in=[StatusChange.Action.SUBMITTED, StatusChange.Action.RETURNED]
                )
                .select_related("by")
                .first()
            )
            if returned and returned.action == StatusChange.Action.RETURNED:
                context["returned"] = returned
        return context

    # --- bulk actions -------------------------------------------------------------------

    def _bulk(self, request, queryset, act, done: str) -> None:
        succeeded, refused = 0, []
        for obj in queryset:
            try:
                act(obj)
            except ValidationError as error:
                refused.append(f"“{obj}”: {error_text(error, self.model)}")
            except PermissionDenied:
                refused.append(f"“{obj}”: you may not do this.")
            else:
                succeeded += 1
        if succeeded:
            opts = self.model._meta
            noun = opts.verbose_name if succeeded == 1 else opts.verbose_name_plural
            self.message_user(request, f"{succeeded} {noun} {done}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, f"Not done for {message}", messages.ERROR)

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda obj: services.content_submit_for_review(obj=obj, by=request.user),
            "submitted for review",
        )

    @admin.action(
        description="Publish selected %(verbose_name_plural)s now", permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda obj: services.content_publish(obj=obj, by=request.user),
            "published",
        )

    @admin.action(
        description="Unpublish selected %(verbose_name_plural)s (or cancel their schedule)",
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda obj: services.content_unpublish(obj=obj, by=request.user),
            "unpublished",
        )
