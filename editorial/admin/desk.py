"""The editor's desk around every edited-content form: what keeps work from being lost and
shows where the item stands.

- **Autosave**: ``<item>/autosave/`` (and ``autosave/`` for a new item) keeps the open form
  as the person's own copy (``editorial/autosave.py``); the form offers to restore it, and a
  successful save deletes it.
- **Presence**: the same ping says who has the form open; the form says who else does.
- **The top bar**: status badge, workflow buttons and the pre-publish checklist
  (``editorial/checklist.py``), kept in view while the form scrolls.
- **The checklist as you type**: a POST of the open form to ``<item>/checklist/`` (or
  ``checklist/``) answers the checklist for it, saved nowhere; the bar shows it.
- **Withdraw**: ``<item>/withdraw/`` takes an item in review back to draft.
- **Preview of the form as it is**: a POST of the open form to ``<item>/preview/`` renders
  it — fields, bylines, tags, a newly chosen or uploaded image — without saving anything.

Permissions are the ones the workflow uses (``editorial/permissions.py``): only someone who
may edit an item (or add one) may keep a copy of its form or preview unsaved changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import path

from images.renditions import LEAD

from .. import autosave, checklist, permissions, services
from ..models import Status
from ..previews import UnsavedForm, render_preview
from .filters import state_label
from .pages import error_text

RESTORE_PARAM = "autosave"
DISCARD_BUTTON = "_autosave_discard"
TOKEN_FIELD = "_autosave_token"
#: How wide a preview shows an image chosen or uploaded in the form: as the page's lead
#: image's ``src`` (images/renditions.py).
PREVIEW_IMAGE_WIDTH = LEAD.fallback_width


class DeskAdminMixin:
    """Autosave, presence, the top bar, withdraw and form previews for an editorial admin."""

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"

        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path("autosave/", view(self.autosave_view), name=f"{prefix}_autosave_new"),
            path("<path:object_id>/autosave/", view(self.autosave_view), name=f"{prefix}_autosave"),
            path("<path:object_id>/withdraw/", view(self.withdraw_view), name=f"{prefix}_withdraw"),
            path("checklist/", view(self.checklist_view), name=f"{prefix}_checklist_new"),
            path(
                "<path:object_id>/checklist/",
                view(self.checklist_view),
                name=f"{prefix}_checklist",
            ),
            *super().get_urls(),
        ]

    # --- autosave and presence ------------------------------------------------------------

    def _editable_object(self, request, object_id):
        """The item, for someone who may edit it: 404 if they cannot see it, else 403."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No such {self.model._meta.verbose_name}.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _form_object(self, request, object_id):
        """The item an open form edits (None: a new one), for someone who may edit it or,
        for a new one, add one; else 404 or 403 as ``_editable_object``."""
        if object_id is not None:
            return self._editable_object(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        return None

    def autosave_view(self, request, object_id=None):
        """Keep the posted form (``save``), say the form is open (``ping``) or closed
        (``leave``), or forget the copy (the form's "Discard" button)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._form_object(request, object_id)
        user = request.user
        if DISCARD_BUTTON in request.POST:
            token = request.POST.get(DISCARD_BUTTON, "")
            autosave.autosave_discard(user=user, model=self.model, obj=obj, token=token)
            self.message_user(request, "Your unsaved changes were discarded.", messages.INFO)
            target = self._url("change", obj.pk) if obj else self._url("add")
            return HttpResponseRedirect(target)
        action = request.POST.get("_autosave_action", "save")
        token = request.POST.get(TOKEN_FIELD, "")
        if action not in {"save", "ping", "leave"}:
            return JsonResponse({"error": "Unknown autosave action."}, status=400)
        if obj is None and not autosave.valid_token(token):
            return JsonResponse({"error": "The form's autosave token is missing."}, status=400)
        answer = {}
        if action == "save":
            copy = autosave.autosave_store(
                user=user, model=self.model, obj=obj, data=request.POST, token=token
            )
            answer["saved_at"] = copy.saved_at.isoformat()
        if obj is not None:
            if action == "leave":
                autosave.presence_leave(user=user, obj=obj)
            else:
                autosave.presence_ping(user=user, obj=obj)
            answer["others"] = [
                {"name": _name(p.user), "since": p.started_at.isoformat()}
                for p in autosave.others_editing(user=user, obj=obj)
            ]
        response = JsonResponse(answer)
        response["Cache-Control"] = "private, no-store"
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """On opening a form: say so (presence), and restore the kept copy when asked."""
        request._desk_restore = None
        if request.method == "GET":
            obj = None
            if object_id is not None:
                obj = self.get_object(request, unquote(object_id))
                if obj is not None and self.has_change_permission(request, obj):
                    autosave.presence_ping(user=request.user, obj=obj)
            wanted = request.GET.get(RESTORE_PARAM)
            if wanted and (obj is not None or object_id is None):
                request._desk_restore = autosave.autosave_for(
                    user=request.user,
                    model=self.model,
                    obj=obj,
                    token="" if obj is not None else wanted,
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        copy = getattr(request, "_desk_restore", None)
        if copy is None or obj is None:
            return form
        initial = autosave.restore_initial(form, copy)

        class RestoredForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update(initial)

        RestoredForm.__name__ = form.__name__
        return RestoredForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A restored copy brings back the inline rows (bylines) as typed: the formset is
        bound to the copy's rows, so added, changed and removed rows all come back (and a
        row that would not save says why). Only inlines the person may change, and only
        when the copy has that formset's rows; files stay as saved."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        copy = getattr(request, "_desk_restore", None)
        if copy is None or request.method != "GET":
            return kwargs
        data = autosave.restore_formset_data(copy, prefix)
        editable = inline.has_change_permission(request, obj) or inline.has_add_permission(
            request, obj
        )
        if data is not None and editable:
            kwargs.update(data=data, files={})
        return kwargs

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop(RESTORE_PARAM, None)
        copy = getattr(request, "_desk_restore", None)
        if copy is not None:
            form = super().get_form(request, None, change=False)
            initial.update(autosave.restore_initial(form, copy))
        return initial

    def _forget_copy(self, request, obj, *, added: bool) -> None:
        """The form was saved: the person's kept copy of it is obsolete."""
        user = request.user
        if added:
            token = request.POST.get(TOKEN_FIELD, "")
            autosave.autosave_discard(user=user, model=self.model, obj=None, token=token)
        autosave.autosave_discard(user=user, model=self.model, obj=obj)

    # --- withdraw ---------------------------------------------------------------------------

    def withdraw_view(self, request, object_id):
        """In review → draft, for the writer to fix something (or an editor)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No such {self.model._meta.verbose_name}.")
        try:
            services.content_withdraw(
                obj=obj, by=request.user, note=request.POST.get("workflow_note", "")
            )
        except ValidationError as error:
            self.message_user(request, error_text(error, self.model), messages.ERROR)
        else:
            self.message_user(
                request,
                f"Withdrawn to draft: edit the {self.model._meta.verbose_name} and submit it "
                "again when it is ready.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._url("change", obj.pk))

    # --- preview of the open form ---------------------------------------------------------

    def preview_view(self, request, object_id):
        """GET: the item as saved. POST: the item as the posted form has it — its fields,
        inline rows (bylines), tags and chosen or uploaded image — saved nowhere."""
        if request.method != "POST":
            return super().preview_view(request, object_id)
        obj = self._editable_object(request, object_id)
        form_class = self.get_form(request, obj, change=True)
        # Validation may lock the row (the stale-save check) and reads related rows; the
        # savepoint is rolled back whatever happens, so nothing the form does is kept. An
        # upload is not put into the library on a form error (it would be written), and
        # everything the page needs is read before the rollback.
        with transaction.atomic():
            form = form_class(request.POST, request.FILES, instance=obj)
            form.keep_upload_on_error = False
            form.is_valid()
            formsets, _inlines = self._create_formsets(request, form.instance, change=True)
            for formset in formsets:
                formset.is_valid()
            unsaved = UnsavedForm(
                instance=form.instance, related=obj.preview_related(form, formsets)
            )
            if hasattr(form, "unsaved_image"):
                unsaved.columns, unsaved.pictures = form.unsaved_image(
                    max_width=PREVIEW_IMAGE_WIDTH
                )
            transaction.set_rollback(True)
        return render_preview(request, obj, unsaved=unsaved)

    # --- the checklist of the open form -------------------------------------------------

    def checklist_view(self, request, object_id=None):
        """POST: the pre-publish checklist for the posted form, saved nowhere, as JSON
        (``html`` for the desk bar, ``problems`` counted). Files are not looked at: an upload
        only counts once the form is saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._form_object(request, object_id)
        form_class = self.get_form(request, obj, change=obj is not None)
        # As for previews: whatever validation touches is rolled back.
        with transaction.atomic():
            form = form_class(request.POST, instance=obj)
            form.is_valid()
            _typed_text(form)
            items = checklist.checklist(form.instance)
            transaction.set_rollback(True)
        problems = checklist.problem_count(items)
        html = render_to_string(
            "admin/editorial/includes/desk_checklist.html",
            {"checklist": items, "problems": problems},
            request=request,
        )
        response = JsonResponse({"html": html, "problems": problems})
        response["Cache-Control"] = "private, no-store"
        return response

    # --- the top of the form ------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.desk_context(request, context, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def desk_context(self, request, context, obj) -> dict:
        user = request.user
        editable = (
            permissions.can_add(user, self.model)
            if obj is None
            else permissions.can_edit(user, obj)
        )
        desk = {
            "badge": state_label(obj) if obj is not None else "New, not saved yet",
            "badge_class": _badge_class(obj),
            "editable": editable,
            "autosave_seconds": autosave.autosave_interval(),
        }
        if obj is not None and permissions.can_withdraw(user, obj):
            desk["withdraw_url"] = self._url("withdraw", obj.pk)
        if editable:
            form = context["adminform"].form
            desk["checklist"] = checklist.checklist(form.instance)
            desk["problems"] = checklist.problem_count(desk["checklist"])
            if obj is None:
                desk["checklist_url"] = self._url("checklist_new")
                desk["autosave_url"] = self._url("autosave_new")
            else:
                desk["autosave_url"] = self._url("autosave", obj.pk)
                desk["checklist_url"] = self._url("checklist", obj.pk)
                desk["form_preview_url"] = self._url("preview", obj.pk)
            desk.update(self._copy_context(request, obj))
        if obj is not None:
            desk["others"] = autosave.others_editing(user=user, obj=obj)
        return {"desk": desk}

    def _copy_context(self, request, obj) -> dict:
        """The kept copy to offer (or the one just restored) and the form's token."""
        restored = getattr(request, "_desk_restore", None)
        if restored is not None:
            return {"restored": restored, "token": restored.client_token}
        if request.method != "GET":
            return {"token": request.POST.get(TOKEN_FIELD, "")}
        if obj is None:
            copy = autosave.latest_new_autosave(user=request.user, model=self.model)
        else:
            copy = autosave.autosave_for(user=request.user, model=self.model, obj=obj)
        return {"offer": copy} if copy is not None else {}


def _typed_text(form) -> None:
    """A text field the form refused (a required headline left empty) is not copied to
    the instance; the checklist must judge what was typed, not what was saved."""
    from django.db.models import CharField, TextField

    for name in form.errors:
        if name not in form.fields:
            continue
        try:
            field = form.instance._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a form-only field
            continue
        if isinstance(field, CharField | TextField):
            setattr(form.instance, name, form.data.get(form.add_prefix(name), ""))


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _badge_class(obj) -> str:
    if obj is None:
        return "new"
    if obj.is_scheduled:
        return "scheduled"
    return {
        Status.DRAFT: "draft",
        Status.REVIEW: "review",
        Status.PUBLISHED: "published",
        Status.UNPUBLISHED: "unpublished",
    }.get(obj.status, "draft")
