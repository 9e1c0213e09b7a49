"""Notifications in the admin: each person's own list, opened and marked read there."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import notifications
from ..models import Notification


def _on_the_desk(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff


class NotificationAdmin(admin.ModelAdmin):
    """Everyone on the desk sees their own notifications and nobody else's.

    No model permission is needed: a notification is addressed to one person, so being
    staff and its addressee is enough. Rows are written only by the workflow services.
    """

    list_display = ["what", "note", "created_at", "is_read"]
    list_filter = [("read_at", admin.EmptyFieldListFilter), "kind"]
    list_display_links = None
    actions = ["mark_read"]
    date_hierarchy = None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(user=request.user)
            .select_related("actor", "content_type")
        )

    def has_module_permission(self, request):
        return _on_the_desk(request)

    def has_view_permission(self, request, obj=None):
        return _on_the_desk(request) and (obj is None or obj.user_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="what happened", ordering="-created_at")
    def what(self, obj):
        from django.utils.html import format_html

        link = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:editorial_notification_open", args=[obj.pk]),
            obj.sentence(),
        )
        return link if obj.is_read else format_html("<strong>{}</strong>", link)

    @admin.display(description="read", boolean=True)
    def is_read(self, obj):
        return obj.is_read

    @admin.action(description="Mark as read")
    def mark_read(self, request, queryset):
        count = notifications.notification_mark_read(
            user=request.user, ids=queryset.values_list("pk", flat=True)
        )
        self.message_user(request, f"{count} marked as read.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/open/", view(self.open_view), name="editorial_notification_open"),
            path(
                "read-all/",
                view(require_POST(self.read_all_view)),
                name="editorial_notification_read_all",
            ),
            *super().get_urls(),
        ]

    def open_view(self, request, pk):
        """Mark the notification read and go to the item it is about."""
        notification = get_object_or_404(self.get_queryset(request), pk=pk)
        if notification.read_at is None:
            Notification.objects.filter(pk=pk).update(read_at=timezone.now())
        return HttpResponseRedirect(notification.item_admin_url())

    def read_all_view(self, request):
        count = notifications.notification_mark_read(user=request.user)
        self.message_user(request, f"{count} marked as read.", messages.SUCCESS)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:index")
        return HttpResponseRedirect(target)
