"""Editors' side: lists, subscribers (export, erase), issues (compose, preview, test, send,
schedule, report) and the per-recipient delivery records."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from . import emails, services
from .models import Delivery, Newsletter, Send, Subscriber, Subscription
from .tasks import send_test


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "is_default", "section", "active_subscribers"]
    list_filter = ["is_active", "is_default"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    list_editable = ["is_active", "is_default"]

    @admin.display(description="active subscribers")
    def active_subscribers(self, obj):
        return obj.subscriptions.active().count()


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["newsletter", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "subscriptions__newsletter"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "confirmed_at"]
    inlines = [SubscriptionInline]
    actions = ["export_data", "erase_data"]

    @admin.action(description="Export the selected subscriber's data (JSON)")
    def export_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one subscriber to export.", level=messages.ERROR
            )
            return None
        subscriber = queryset.get()
        response = HttpResponse(
            services.subscriber_export(subscriber=subscriber), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="subscriber-{subscriber.pk}.json"'
        return response

    @admin.action(
        description="Erase the selected subscribers and all their data", permissions=["delete"]
    )
    def erase_data(self, request, queryset):
        count = 0
        for subscriber in queryset:
            services.subscriber_delete(subscriber=subscriber)
            count += 1
        self.message_user(request, f"Erased {count} subscriber(s) and their records.")


@admin.register(Send)
class SendAdmin(admin.ModelAdmin):
    list_display = ["subject", "newsletter", "status", "scheduled_at", "sent_count", "created_at"]
    list_filter = ["status", "newsletter"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["articles"]
    change_form_template = "admin/newsletters/send/change_form.html"
    report_fields = [
        "status",
        "started_at",
        "finished_at",
        "recipients_count",
        "sent_count",
        "failed_count",
        "bounced_count",
        "skipped_count",
        "uncertain_count",
        "unsubscribes_caused",
        "delivery_records",
    ]
    # What an editor writes; read-only once the send has started.
    issue_fields = [
        "newsletter",
        "subject",
        "preheader",
        "intro",
        "articles",
        "full_text",
        "scheduled_at",
    ]
    fieldsets = [
        (None, {"fields": issue_fields}),
        ("Report", {"fields": report_fields}),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [*self.issue_fields, *self.report_fields]
        return self.report_fields

    def get_changeform_initial_data(self, request):
        """``?articles=42`` (from an article): that article, its headline as the subject."""
        initial = super().get_changeform_initial_data(request)
        from articles.models import Article

        given = initial.get("articles") or []  # the admin splits "?articles=1,2" already
        ids = [str(i) for i in ([given] if isinstance(given, str) else given) if str(i).isdigit()]
        if len(ids) == 1:
            article = Article.objects.filter(pk=ids[0]).first()
            if article is not None:
                initial.setdefault("subject", article.headline)
                initial.setdefault("preheader", article.dek)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        send = form.instance
        if not change and not send.articles.exists():
            send.articles.set(services.default_articles(send.newsletter))

    @admin.display(description="unsubscribes caused")
    def unsubscribes_caused(self, obj):
        return obj.unsubscribes.count() if obj.pk else 0

    @admin.display(description="per-recipient records")
    def delivery_records(self, obj):
        if not obj.pk:
            return "-"
        url = reverse("admin:newsletters_delivery_changelist") + f"?send__id__exact={obj.pk}"
        return format_html('<a href="{}">Every delivery of this issue</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletters_send_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        send = get_object_or_404(Send.objects.select_related("newsletter"), pk=pk)
        if not self.has_view_permission(request, send):
            return HttpResponse(status=403)
        response = HttpResponse(emails.preview_html(send))
        response["Cache-Control"] = "private, no-store"
        return response

    def response_change(self, request, obj):
        actions = {
            "_test_send": self._test_send,
            "_send_now": self._send_now,
            "_schedule": self._schedule,
            "_cancel": self._cancel,
        }
        for name, action in actions.items():
            if name in request.POST:
                action(request, obj)
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _test_send(self, request, send):
        if not request.user.email:
            self.message_user(
                request, "Your account has no email address to send the test to.", messages.ERROR
            )
            return
        send_test.enqueue(send_id=send.pk, to=request.user.email)
        self.message_user(request, f"A test copy is on its way to {request.user.email}.")

    def _send_now(self, request, send):
        try:
            services.send_schedule(send=send)
        except services.SendRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        self.message_user(request, "Sending has started. This page shows its progress.")

    def _schedule(self, request, send):
        if not send.scheduled_at or send.scheduled_at <= timezone.now():
            self.message_user(
                request, "Set a time in the future under “Scheduled at” first.", messages.ERROR
            )
            return
        try:
            services.send_schedule(send=send, at=send.scheduled_at)
        except services.SendRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        when = timezone.localtime(send.scheduled_at)
        self.message_user(request, f"Scheduled for {when:%Y-%m-%d %H:%M %Z}.")

    def _cancel(self, request, send):
        services.send_cancel(send=send)
        self.message_user(request, "Cancelled: nothing more of this issue will be sent.")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "send", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "send"]
    search_fields = ["subscriber__email", "message_id"]
    list_select_related = ["subscriber", "send__newsletter"]
    readonly_fields = [
        "send",
        "subscriber",
        "state",
        "attempts",
        "last_attempt_at",
        "sent_at",
        "message_id",
        "error",
    ]
    fields = readonly_fields
    exclude = ["claim_token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
