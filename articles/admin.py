"""The newsroom's admin for articles: writing, the editorial workflow, revisions, previews.

Every workflow act on this page — the buttons under the form, the bulk actions of the list,
restoring a revision, sharing a preview — calls a service in ``articles/services.py``; the
admin only decides what to offer. The same rules (``articles/permissions.py``) decide both
what is offered and what a POST may do, so a forged request is refused, not just unseen.
"""

from __future__ import annotations

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from taggit.models import Tag

from . import permissions, revisions, services
from .forms import (
    CONCURRENCY_FIELDS,
    PUBLISH,
    RETURN,
    SHARE,
    SUBMIT,
    UNPUBLISH,
    WORKFLOW_BUTTONS,
    WORKFLOW_FIELDS,
    ArticleAdminForm,
)
from .models import Article, Byline, Correction, Section, StatusChange
from .preview import render_article_preview

Status = Article.Status
TAG_RESULTS_PER_PAGE = 20


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


class ReadOnlyInline(admin.TabularInline):
    """A record shown on the article page that is only ever written by the services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CorrectionInline(ReadOnlyInline):
    model = Correction
    fields = ["created_at", "kind", "text", "created_by"]
    readonly_fields = fields
    verbose_name_plural = "Corrections and updates shown to readers"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "action", "from_status", "to_status", "published_at", "by", "note"]
    readonly_fields = fields
    classes = ["collapse"]
    verbose_name_plural = "Workflow history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class StateListFilter(admin.SimpleListFilter):
    """Status as editors think of it: a scheduled article is not "published" yet."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("returned", "Returned to the author"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Published"),
            ("unpublished", "Unpublished"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "draft":
            return queryset.filter(status=Status.DRAFT)
        if value == "returned":
            return queryset.filter(status=Status.DRAFT, review_action=StatusChange.Action.RETURNED)
        if value == "review":
            return queryset.filter(status=Status.REVIEW)
        if value == "scheduled":
            return queryset.filter(status=Status.PUBLISHED, published_at__gt=now)
        if value == "live":
            return queryset.filter(status=Status.PUBLISHED, published_at__lte=now)
        if value == "unpublished":
            return queryset.filter(status=Status.UNPUBLISHED)
        return queryset


def state_label(article: Article) -> str:
    """The status as a word: Draft, Returned, In review, Scheduled, Published, Unpublished."""
    if article.is_scheduled:
        return "Scheduled"
    if (
        article.status == Status.DRAFT
        and getattr(article, "review_action", None) == StatusChange.Action.RETURNED
    ):
        return "Returned"
    return article.get_status_display()


def error_text(error: ValidationError) -> str:
    """A service's refusal as one sentence per problem, named by field where it has one."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages_ in error.message_dict.items():
        if field == NON_FIELD_ERRORS:
            parts.extend(messages_)
            continue
        try:
            label = Article._meta.get_field(field).verbose_name
        except Exception:
            label = field.replace("_", " ")
        parts.extend(f"{str(label).capitalize()}: {message}" for message in messages_)
    return " ".join(parts)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]

    class Media:
        css = {"all": ["css/admin-workflow.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # Django 6's default, chosen now: a scheme-less address means https.
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # --- what each user sees ---------------------------------------------------------

    def get_queryset(self, request):
        review_action = (
            StatusChange.objects.filter(
                article=OuterRef("pk"),
                action__in=[StatusChange.Action.SUBMITTED, StatusChange.Action.RETURNED],
            )
            .order_by("-at", "-pk")
            .values("action")[:1]
        )
        queryset = (
            super()
            .get_queryset(request)
            .select_related("section", "created_by")
            .prefetch_related(Prefetch("bylines", Byline.objects.select_related("author")))
            .annotate(review_action=Subquery(review_action))
        )
        return permissions.visible_articles(request.user, queryset)

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
            return super().has_delete_permission(request) and permissions.can_see_all_articles(
                request.user
            )
        return permissions.can_delete(request.user, obj)

    def get_deleted_objects(self, objs, request):
        """An article's audit trail goes with it (the admin's log and its revisions stay).

        Audit entries cannot be deleted on their own, which would otherwise make every
        article with a history undeletable.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(StatusChange._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["headline", "slug", "dek", "section", "tags", "body", "excerpt"]}),
            (
                "Featured image",
                {
                    "fields": [
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
                        "description": "Used by the buttons under the form.",
                    },
                )
            )
        fieldsets += [
            (
                "Republication",
                {
                    "classes": ["collapse"],
                    "fields": ["source_name", "source_url", "permission_note"],
                },
            ),
            (
                "Search and social",
                {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
            ),
        ]
        return fieldsets

    def workflow_fields(self, request, obj) -> list[str]:
        """The workflow form fields this user gets for this article (none when read-only)."""
        user = request.user
        if obj is None:
            return ["workflow_note"] if permissions.can_add(user) else []
        if not permissions.can_edit(user, obj):
            return []
        fields = ["workflow_note"]
        if permissions.can_publish(user) and not obj.is_live:
            fields.append("publish_at")
        if permissions.can_correct(user) and obj.is_live:
            fields += ["correction_kind", "correction_text"]
        if permissions.can_share_preview(user, obj) and obj.preview_links.active().exists():
            fields.append("revoke_links")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        allowed = set(self.workflow_fields(request, obj))
        if obj is not None and permissions.can_edit(request.user, obj):
            allowed.update(CONCURRENCY_FIELDS)
        for name in [*WORKFLOW_FIELDS, *CONCURRENCY_FIELDS]:
            if name not in allowed:
                form.base_fields.pop(name, None)
        return form

    def workflow_buttons(self, request, obj) -> list[dict]:
        """The workflow buttons to show under the form, for this user and this state."""
        user = request.user
        buttons = []
        if obj is None:
            if permissions.can_add(user):
                buttons.append({"name": SUBMIT, "label": "Save and submit for review"})
            return buttons
        editable = permissions.can_edit(user, obj)
        if not editable:
            return buttons
        if obj.status == Status.DRAFT:
            buttons.append({"name": SUBMIT, "label": "Submit for review"})
        if obj.status == Status.REVIEW and permissions.can_return(user):
            buttons.append({"name": RETURN, "label": "Return to author"})
        if permissions.can_publish(user):
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
            return permissions.can_add(user) if obj is None else permissions.can_edit(user, obj)
        if button in {PUBLISH, UNPUBLISH}:
            return permissions.can_publish(user)
        if button == RETURN:
            return permissions.can_return(user)
        if button == SHARE:
            return obj is not None and permissions.can_share_preview(user, obj)
        return False

    def view_on_site(self, obj):
        if obj.is_live:
            return obj.get_absolute_url()
        return reverse("admin:articles_article_preview", args=[obj.pk])

    # --- columns and read-only fields ----------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        return state_label(obj)

    @admin.display(description="Status")
    def state_detail(self, obj):
        if obj is None or obj.pk is None:
            return "Draft (not saved yet)"
        label = state_label(obj)
        if obj.is_scheduled:
            when = date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
            return f"Scheduled: becomes public on {when}"
        return label

    @admin.display(description="Authors")
    def author_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())

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
        request._article_form = form
        form.content_saved = False
        if not change or form.has_changed():
            services.article_save(article=obj, by=request.user)
            form.content_saved = True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not form.content_saved and any(formset.has_changed() for formset in formsets):
            services.article_save(article=article, by=request.user)
            form.content_saved = True
        if form.content_saved:
            revisions.add_article(article)

    def _set_revision_comment(self, request, entry):
        form = getattr(request, "_article_form", None)
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
        if self._after_save(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._after_save(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def _after_save(self, request, article) -> bool:
        """Run what the form asked for besides saving; True when a workflow button did."""
        form = request._article_form
        data = form.cleaned_data
        note = (data.get("workflow_note") or "").strip()
        if (data.get("correction_text") or "").strip():
            self._run(
                request,
                lambda: services.article_add_correction(
                    article=article,
                    by=request.user,
                    text=data["correction_text"],
                    kind=data.get("correction_kind") or Correction.Kind.CORRECTION,
                ),
                "The note was added under the article; readers see it now.",
            )
        for link in data.get("revoke_links") or []:
            self._run(
                request,
                lambda link=link: services.preview_link_revoke(link=link, by=request.user),
                "The preview link was revoked; it no longer opens the article.",
            )
        button = next((b for b in WORKFLOW_BUTTONS if b in request.POST), None)
        if button is None:
            return False
        if button == SUBMIT:
            self._run(
                request,
                lambda: services.article_submit_for_review(
                    article=article, by=request.user, note=note
                ),
                "Submitted for review. Editors can now publish it or return it to you.",
            )
        elif button == RETURN:
            self._run(
                request,
                lambda: services.article_return_to_author(
                    article=article, by=request.user, note=note
                ),
                "Returned to the author with your note.",
            )
        elif button == PUBLISH:
            at = data.get("publish_at")

            def publish():
                services.article_publish(article=article, by=request.user, at=at, note=note)
                if article.is_scheduled:
                    when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
                    return f"Scheduled: the article becomes public on {when}."
                return "Published. The article is public now."

            self._run(request, publish, None)
        elif button == UNPUBLISH:
            scheduled = article.is_scheduled
            self._run(
                request,
                lambda: services.article_unpublish(article=article, by=request.user, note=note),
                "The schedule was cancelled; the article is a draft again."
                if scheduled
                else "Unpublished. Readers no longer see the article; its address answers 404.",
            )
        elif button == SHARE:

            def share():
                link = services.preview_link_create(article=article, by=request.user)
                expires = date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT")
                return format_html(
                    "Preview link (works until {}, anyone with it can read the draft): "
                    '<a href="{}">{}</a>',
                    expires,
                    link.url,
                    link.url,
                )

            self._run(request, share, None)
        return True

    def _run(self, request, act, success: str | None) -> None:
        """Call a service; report success or the service's refusal as a message.

        A ValidationError leaves the saved content saved: only the step is refused.
        PermissionDenied propagates — the whole request is refused and rolled back.
        """
        try:
            result = act()
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
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
        context["preview_url"] = reverse("admin:articles_article_preview", args=[obj.pk])
        context["revisions_url"] = reverse("admin:articles_article_revisions", args=[obj.pk])
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
        for article in queryset:
            try:
                act(article)
            except ValidationError as error:
                refused.append(f"“{article}”: {error_text(error)}")
            except PermissionDenied:
                refused.append(f"“{article}”: you may not do this.")
            else:
                succeeded += 1
        if succeeded:
            noun = "article" if succeeded == 1 else "articles"
            self.message_user(request, f"{succeeded} {noun} {done}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, f"Not done for {message}", messages.ERROR)

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda a: services.article_submit_for_review(article=a, by=request.user),
            "submitted for review",
        )

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda a: services.article_publish(article=a, by=request.user),
            "published",
        )

    @admin.action(
        description="Unpublish selected articles (or cancel their schedule)",
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda a: services.article_unpublish(article=a, by=request.user),
            "unpublished",
        )

    # --- extra pages: preview, revisions, tag autocomplete --------------------------------

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path(
                "tags/autocomplete/",
                view(self.tag_autocomplete_view),
                name="articles_article_tag_autocomplete",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def _page(self, request, article, template, title, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "subtitle": str(article),
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
            "revisions_url": reverse("admin:articles_article_revisions", args=[article.pk]),
            "can_restore": self.has_change_permission(request, article),
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)

    def preview_view(self, request, object_id):
        """The article as readers would see it, for staff who may see it."""
        return render_article_preview(request, self._article_for(request, object_id))

    def revisions_view(self, request, object_id):
        article = self._article_for(request, object_id)
        versions = list(revisions.versions_of(article)[:200])
        return self._page(
            request,
            article,
            "admin/articles/article/revisions.html",
            "Revisions",
            versions=versions,
        )

    def compare_view(self, request, object_id):
        article = self._article_for(request, object_id)
        versions = revisions.versions_of(article)
        try:
            first = versions.get(pk=int(request.GET["from"]))
            second = versions.get(pk=int(request.GET["to"]))
        except (KeyError, ValueError, versions.model.DoesNotExist):
            self.message_user(request, "Choose two revisions to compare.", messages.WARNING)
            return HttpResponseRedirect(
                reverse("admin:articles_article_revisions", args=[article.pk])
            )
        older, newer = sorted([first, second], key=lambda v: v.pk)
        diffs = revisions.compare(revisions.snapshot(older), revisions.snapshot(newer))
        return self._page(
            request,
            article,
            "admin/articles/article/revision_compare.html",
            "Compare revisions",
            older=older,
            newer=newer,
            diffs=diffs,
            changed=[d for d in diffs if d.changed],
        )

    def restore_view(self, request, object_id, version_id):
        article = self._article_for(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(revisions.versions_of(article), pk=version_id)
        if request.method == "POST":
            try:
                services.article_restore_revision(article=article, by=request.user, version=version)
            except ValidationError as error:
                self.message_user(request, error_text(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    "The earlier version was restored as a new revision; status and "
                    "publication time are unchanged.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
        latest = revisions.versions_of(article).first()
        diffs = revisions.compare(revisions.snapshot(latest), revisions.snapshot(version))
        return self._page(
            request,
            article,
            "admin/articles/article/revision_restore.html",
            "Restore this revision?",
            version=version,
            latest=latest,
            changed=[d for d in diffs if d.changed],
        )

    def tag_autocomplete_view(self, request):
        """Tag names for the tag field's autocomplete (names are the values; see forms.py)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = " ".join(request.GET.get("term", "").split())[:100]
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page = 1
        tags = Tag.objects.order_by("name")
        if term:
            tags = tags.filter(name__icontains=term)
        start = (page - 1) * TAG_RESULTS_PER_PAGE
        names = list(tags.values_list("name", flat=True)[start : start + TAG_RESULTS_PER_PAGE + 1])
        more = len(names) > TAG_RESULTS_PER_PAGE
        return JsonResponse(
            {
                "results": [{"id": n, "text": n} for n in names[:TAG_RESULTS_PER_PAGE]],
                "pagination": {"more": more},
            }
        )


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The audit trail of every article: read-only, written by the services alone."""

    list_display = ["at", "article", "action", "from_status", "to_status", "by", "note"]
    list_filter = ["action", "to_status", ("by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "by"]
    search_fields = ["article__headline", "note", "by__username"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(article__in=permissions.visible_articles(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
