"""The newsroom's admin for articles: the article's own fields, bylines, corrections and the
tag autocomplete.

The workflow (buttons, bulk actions, status), revisions and previews come from
``editorial/admin.py`` (``EditorialAdminMixin``), shared with every kind of edited content.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Prefetch
from django.urls import path, reverse
from reversion.admin import VersionAdmin

from editorial import permissions
from editorial.admin import (
    EditorialAdminMixin,
    ReadOnlyInlineMixin,
    StateListFilter,
    StatusChangeInline,
)
from images.forms import LibraryImageAdminMixin

from . import services
from .forms import ArticleAdminForm
from .models import Article, Byline, Correction, Section
from .tag_autocomplete import tag_autocomplete_view


@admin.register(Section)
class SectionAdmin(VersionAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class BylineInline(admin.TabularInline):
    """Bylines are part of the article: editable exactly when the article is."""

    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]

    def _article_editable(self, request, obj) -> bool:
        return obj is None or permissions.can_edit(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


class CorrectionInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Shown on the article; editors open one ("Change") to edit or remove it."""

    model = Correction
    fields = ["created_at", "kind", "text", "created_by"]
    readonly_fields = fields
    verbose_name_plural = "Corrections and updates shown to readers"
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Editing and removing a correction, through the services, with its own history.

    Whoever may add corrections (``articles.add_correction``: editors) may fix their wording
    or remove one; contributors may not. Every edit keeps the earlier text as a version of
    the correction and in the article's audit trail; a removal keeps it in the trail.
    """

    fields = ["article", "kind", "text", "created_at", "created_by", "history"]
    readonly_fields = ["article", "created_at", "created_by", "history"]
    list_display = ["__str__", "kind", "created_at", "created_by"]
    list_select_related = ["article", "created_by"]
    search_fields = ["text", "article__headline"]

    def get_queryset(self, request):
        visible = permissions.visible(request.user, Article.objects.all())
        return super().get_queryset(request).filter(article__in=visible)

    def has_module_permission(self, request):
        return services.can_correct(request.user)

    def has_add_permission(self, request):
        return False  # added from the article's form, where it belongs

    def has_change_permission(self, request, obj=None):
        return services.can_correct(request.user)

    def has_delete_permission(self, request, obj=None):
        return services.can_correct(request.user)

    def get_actions(self, request):
        return {}  # one at a time, each with its own confirmation page

    @admin.display(description="History")
    def history(self, obj):
        from django.utils.html import format_html, format_html_join
        from reversion.models import Version

        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        rows = [
            (
                v.revision.date_created.strftime("%Y-%m-%d %H:%M"),
                v.revision.user or "someone",
                v.field_dict.get("text", ""),
            )
            for v in versions
        ]
        if not rows:
            return "No earlier versions."
        return format_html(
            '<ol class="correction-history">{}</ol>',
            format_html_join("", "<li><b>{}</b>, {}: {}</li>", rows),
        )

    def save_model(self, request, obj, form, change):
        services.article_change_correction(
            correction=obj, by=request.user, text=obj.text, kind=obj.kind
        )

    def delete_model(self, request, obj):
        services.article_remove_correction(correction=obj, by=request.user)

    def response_change(self, request, obj):
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        self.message_user(request, "The correction was changed; its earlier text is kept.")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.article_id]))

    def response_delete(self, request, obj_display, obj_id):
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        article_id = getattr(request, "_correction_article_id", None)
        self.message_user(request, "The correction was removed; the audit trail keeps its text.")
        if article_id:
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article_id]))
        return super().response_delete(request, obj_display, obj_id)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            request._correction_article_id = obj.article_id
        return super().delete_view(request, object_id, extra_context)


@admin.register(Article)
class ArticleAdmin(LibraryImageAdminMixin, EditorialAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "state", "section", "author_names", "published_at", "modified_at"]
    list_filter = [
        StateListFilter,
        "section",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["headline", "dek", "slug", "bylines__author__name"]
    search_help_text = "Search headlines, standfirsts, addresses and authors."
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    list_select_related = ["section"]
    inlines = [BylineInline, CorrectionInline, StatusChangeInline]
    readonly_fields = ["state_detail", "published_at", "updated_at", "created_by", "created_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # Django 6's default, chosen now: a scheme-less address means https.
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section", "created_by")
            .prefetch_related(Prefetch("bylines", Byline.objects.select_related("author")))
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["headline", "slug", "dek", "section", "tags", "body", "excerpt"]}),
            (
                "Featured image",
                {
                    "fields": [
                        "image",
                        "featured_image",
                        "featured_image_alt",
                        "featured_image_caption",
                        "featured_image_credit",
                    ]
                },
            ),
            (
                "Publishing",
                {"fields": ["state_detail", "published_at", "updated_at", "created_by"]},
            ),
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
        # Folded away for our own pieces; open when filled in, so nobody misses it (issue 18).
        republished = obj is not None and (obj.source_name or obj.source_url)
        fieldsets += [
            (
                "Republication",
                {
                    "classes": [] if republished else ["collapse"],
                    "fields": ["source_name", "source_url", "permission_note"],
                },
            ),
            (
                "Search and social",
                {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
            ),
        ]
        return fieldsets

    def extra_workflow_fields(self, request, obj) -> list[str]:
        if services.can_correct(request.user) and obj.is_live:
            return ["correction_kind", "correction_text"]
        return []

    def workflow_context(self, request, obj) -> dict:
        """The desk's links, plus "Send as newsletter" for a live article, for whoever may
        send one: the newsletter's Send form opens with this article chosen
        (newsletters/admin.py reads ``?articles=``)."""
        context = super().workflow_context(request, obj)
        if obj is not None and obj.is_live and request.user.has_perm("newsletters.add_send"):
            send = reverse("admin:newsletters_send_add")
            context["extra_object_tools"] = [
                *context.get("extra_object_tools", []),
                {"label": "Send as newsletter", "url": f"{send}?articles={obj.pk}"},
            ]
        return context

    def after_workflow_save(self, request, obj, data: dict) -> None:
        if (data.get("correction_text") or "").strip():
            self.run_service(
                request,
                lambda: services.article_add_correction(
                    article=obj,
                    by=request.user,
                    text=data["correction_text"],
                    kind=data.get("correction_kind") or Correction.Kind.CORRECTION,
                ),
                "The note was added under the article; readers see it now.",
            )

    @admin.display(description="Authors")
    def author_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())

    def get_urls(self):
        return [
            path(
                "tags/autocomplete/",
                self.admin_site.admin_view(tag_autocomplete_view(self)),
                name="articles_article_tag_autocomplete",
            ),
            *super().get_urls(),
        ]
