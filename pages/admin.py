"""The admin of pages (workflow, revisions and previews from ``editorial/``) and of tips."""

from __future__ import annotations

import mimetypes

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from editorial.admin import EditorialAdminMixin, StateListFilter, StatusChangeInline
from images.forms import LibraryImageAdminMixin

from . import tips
from .forms import PageAdminForm
from .models import Page, Tip


@admin.register(Page)
class PageAdmin(LibraryImageAdminMixin, EditorialAdminMixin, admin.ModelAdmin):
    form = PageAdminForm
    list_display = ["title", "address", "state", "placement", "position", "modified_at"]
    list_filter = [StateListFilter, "placement", "has_tip_form", "shows_staff"]
    search_fields = ["title", "slug", "body"]
    search_help_text = "Search titles, addresses and text."
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent__parent"]
    inlines = [StatusChangeInline]
    readonly_fields = ["state_detail", "published_at", "created_by", "created_at"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["title", "parent", "slug", "body"]}),
            (
                "On the page",
                {
                    "fields": ["shows_staff", "has_tip_form"],
                    "description": "What the page shows above (staff) or below (form) its text.",
                },
            ),
            ("Placement", {"fields": ["placement", "position"]}),
            ("Image", {"fields": ["image", "featured_image", "featured_image_alt"]}),
            ("Publishing", {"fields": ["state_detail", "published_at", "created_by"]}),
        ]
        workflow = self.workflow_fields(request, obj)
        if workflow:
            fieldsets.append(
                (
                    "Workflow",
                    {
                        "fields": workflow,
                        "description": "Used by the buttons at the top of the form.",
                    },
                )
            )
        fieldsets.append(
            (
                "Search and social",
                {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
            )
        )
        return fieldsets

    @admin.display(description="Address")
    def address(self, obj):
        return obj.get_absolute_url()


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    """The tip inbox: unread first in mind, archived out of the way, nothing deletable by
    accident (deleting needs its own permission, which editors do not have)."""

    list_display = ["received_at", "sender", "short_message", "has_file", "read", "emailed"]
    list_filter = [
        ("archived_at", admin.EmptyFieldListFilter),
        ("read_at", admin.EmptyFieldListFilter),
        "page",
    ]
    search_fields = ["name", "email", "message"]
    date_hierarchy = "received_at"
    list_select_related = ["page"]
    actions = ["mark_read", "mark_unread", "archive", "unarchive", "email_again"]
    fields = [
        "received_at",
        "page",
        "name",
        "email",
        "message",
        "attachment_link",
        "read_at",
        "archived_at",
        "emailed_at",
        "email_error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # tips come from readers

    def has_change_permission(self, request, obj=None):
        return False  # what a reader sent stays as sent; the actions mark read/archived

    def changelist_view(self, request, extra_context=None):
        if "archived_at__isempty" not in request.GET and not request.GET.get("q"):
            # The inbox by default: archived tips only when asked for.
            query = request.GET.copy()
            query["archived_at__isempty"] = "1"
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tip = self.get_object(request, object_id)
        if tip is not None and tip.read_at is None and self.has_view_permission(request, tip):
            Tip.objects.filter(pk=tip.pk).update(read_at=timezone.now())
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/attachment/",
                self.admin_site.admin_view(self.attachment_view),
                name="pages_tip_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, pk):
        """The attachment, to editors only, as a download (never rendered inline)."""
        tip = get_object_or_404(Tip, pk=pk)
        if not self.has_view_permission(request, tip):
            raise PermissionDenied
        if not tip.attachment:
            raise Http404("This tip has no attachment.")
        content_type = mimetypes.guess_type(tip.attachment.name)[0] or "application/octet-stream"
        response = FileResponse(
            tip.attachment.open("rb"),
            as_attachment=True,
            filename=tip.attachment_name or tip.attachment.name.rsplit("/", 1)[-1],
            content_type=content_type,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.display(description="From")
    def sender(self, obj):
        return obj.name or obj.email or "anonymous"

    @admin.display(description="Message")
    def short_message(self, obj):
        text = " ".join(obj.message.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    @admin.display(description="File", boolean=True)
    def has_file(self, obj):
        return bool(obj.attachment)

    @admin.display(description="Read", boolean=True, ordering="read_at")
    def read(self, obj):
        return obj.is_read

    @admin.display(description="Emailed", boolean=True, ordering="emailed_at")
    def emailed(self, obj):
        return obj.emailed_at is not None

    @admin.display(description="Attachment")
    def attachment_link(self, obj):
        if not obj.attachment:
            return "—"
        url = reverse("admin:pages_tip_attachment", args=[obj.pk])
        return format_html('<a href="{}">Download {}</a>', url, obj.attachment_name or "file")

    def _mark(self, request, queryset, done: str, **values):
        count = queryset.update(**values)
        self.message_user(request, f"{count} tip(s) {done}.", messages.SUCCESS)

    @admin.action(description="Mark selected tips as read", permissions=["view"])
    def mark_read(self, request, queryset):
        self._mark(
            request, queryset.filter(read_at__isnull=True), "marked read", read_at=timezone.now()
        )

    @admin.action(description="Mark selected tips as unread", permissions=["view"])
    def mark_unread(self, request, queryset):
        self._mark(request, queryset, "marked unread", read_at=None)

    @admin.action(description="Archive selected tips", permissions=["view"])
    def archive(self, request, queryset):
        self._mark(
            request,
            queryset.filter(archived_at__isnull=True),
            "archived",
            archived_at=timezone.now(),
        )

    @admin.action(description="Move selected tips back to the inbox", permissions=["view"])
    def unarchive(self, request, queryset):
        self._mark(request, queryset, "moved back to the inbox", archived_at=None)

    @admin.action(
        description="Email selected tips again (those not emailed yet)", permissions=["view"]
    )
    def email_again(self, request, queryset):
        """Queue the email of tips whose attempts ran out (the mail server was down long)."""
        if not tips.email_configured():
            self.message_user(
                request, "No tip is emailed: EMAIL_URL or TIPS_EMAIL_TO is not set.", messages.ERROR
            )
            return
        pending = list(queryset.not_emailed())
        for tip in pending:
            transaction.on_commit(lambda tip=tip: tips.queue_email(tip))
        self.message_user(
            request, f"{len(pending)} tip(s) queued to be emailed again.", messages.SUCCESS
        )
