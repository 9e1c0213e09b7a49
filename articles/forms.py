"""The article form of the admin: rich-text body, checked image upload, tag autocomplete,
the workflow fields, and the "someone saved after you opened it" check.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import (
    AdminFileWidget,
    AdminSplitDateTime,
    get_select2_language,
)
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django_prose_editor.fields import ProseEditorFormField
from taggit.models import Tag

from images.validators import validate_image_file
from newsroom.sanitize import sanitize_html

from . import revisions
from .models import Article, Correction, PreviewLink
from .services import article_problems

# What the body editor offers. Every element these produce is in newsroom/sanitize.py's
# allowlist (tests/test_sanitize.py checks), and the server sanitises whatever is posted.
BODY_EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "History": True,
}

# Buttons of the change form (name posted → what the admin does after saving).
SUBMIT = "_submit_for_review"
PUBLISH = "_publish"
UNPUBLISH = "_unpublish"
RETURN = "_return_to_author"
SHARE = "_share_preview"
WORKFLOW_BUTTONS = [SUBMIT, PUBLISH, UNPUBLISH, RETURN, SHARE]

# Form fields that are not article fields; which of them a user gets depends on the role.
WORKFLOW_FIELDS = [
    "workflow_note",
    "publish_at",
    "correction_kind",
    "correction_text",
    "revoke_links",
]
CONCURRENCY_FIELDS = ["seen_version", "acknowledged_version", "keep_mine"]


class CheckedImageField(forms.ImageField):
    """An image upload checked by our validator *before* Pillow decodes it in full.

    Size, format and pixel count are refused first with messages that say what to do,
    instead of Django's generic "Upload a valid image".
    """

    default_error_messages = {
        "invalid_image": (
            "This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP."
        ),
    }

    def to_python(self, data):
        if data in self.empty_values:
            return None
        if hasattr(data, "seek"):
            validate_image_file(data)
        return super().to_python(data)


class TagAutocompleteWidget(forms.SelectMultiple):
    """The admin's select2 autocomplete, fed tag *names*, accepting new ones.

    Values are names, not ids, so a new tag called "2024" cannot be mistaken for tag 2024.
    Typing a comma or Enter makes a new tag (static/js/admin-tags.js sets select2 up).
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.url_name = "admin:articles_article_tag_autocomplete"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs.update(
            {
                # Not "admin-autocomplete": static/js/admin-tags.js starts this one, to
                # add what select2 cannot read from data-* (where new tags go in the list).
                "class": (attrs.get("class", "") + " tag-autocomplete").strip(),
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-ajax--url": reverse(self.url_name),
                "data-app-label": "articles",
                "data-model-name": "article",
                "data-field-name": "tags",
                "data-theme": "admin-autocomplete",
                "data-allow-clear": "true",
                "data-placeholder": "",
                "data-tags": "true",
                "data-width": "100%",
                "lang": get_select2_language() or "en",
            }
        )
        return attrs

    def format_value(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        return [v.name if isinstance(v, Tag) else str(v) for v in value]

    def optgroups(self, name, value, attrs=None):
        options = [
            self.create_option(name, tag, tag, True, index) for index, tag in enumerate(value)
        ]
        return [(None, options, 0)]

    @property
    def media(self):
        extra = "" if settings.DEBUG else ".min"
        return forms.Media(
            js=(
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                "admin/js/jquery.init.js",
                "js/admin-tags.js",
            ),
            css={
                "screen": (
                    f"admin/css/vendor/select2/select2{extra}.css",
                    "admin/css/autocomplete.css",
                )
            },
        )


class TagNamesField(forms.Field):
    """A list of tag names; unknown names become new tags when the article is saved."""

    widget = TagAutocompleteWidget
    max_name_length = Tag._meta.get_field("name").max_length

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = value.split(",")
        names, seen = [], set()
        for raw in value:
            name = " ".join(str(raw).split())
            if not name or name.lower() in seen:
                continue
            if len(name) > self.max_name_length:
                raise ValidationError(
                    "Tag “%(name)s…” is too long; keep tags under %(max)s characters.",
                    code="tag_too_long",
                    params={"name": name[:30], "max": self.max_name_length},
                )
            seen.add(name.lower())
            names.append(name)
        return names

    def prepare_value(self, value):
        return TagAutocompleteWidget().format_value(value)

    def has_changed(self, initial, data):
        before = {n.lower() for n in self.prepare_value(initial or [])}
        after = {n.lower() for n in self.to_python(data)}
        return before != after


class ArticleAdminForm(forms.ModelForm):
    """The change form of an article.

    ``ArticleAdmin.get_form`` removes the workflow fields the user's role does not get.
    Status and publication time are never article fields here: they change only through
    the workflow buttons (services), so posting them does nothing.
    """

    body = ProseEditorFormField(
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
        required=False,
        help_text="Headings, bold and italic, links, lists, quotes and images with captions.",
    )
    featured_image = CheckedImageField(
        required=False,
        widget=AdminFileWidget,
        help_text="A JPEG, PNG, GIF or WebP photograph or illustration.",
    )
    tags = TagNamesField(
        required=False, help_text="Type to find a tag; a comma or Enter adds a new one."
    )

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    acknowledged_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    keep_mine = forms.BooleanField(
        required=False,
        label="Save my version over the newer one",
        help_text="Their version stays in the revisions.",
    )

    workflow_note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why you are saving or moving the article; kept in its history. "
        "Required when returning it to the author.",
    )
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="For “Publish”: leave empty to publish now; a future time schedules it.",
    )
    correction_kind = forms.ChoiceField(
        label="Add a note for readers",
        choices=Correction.Kind.choices,
        initial=Correction.Kind.CORRECTION,
        required=False,
    )
    correction_text = forms.CharField(
        label="Correction or update text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Filled in, it is added under the article with today's date when you save.",
    )
    revoke_links = forms.ModelMultipleChoiceField(
        label="Revoke preview links",
        queryset=PreviewLink.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Article
        # The admin passes its own field list; this one only has to build without the
        # URL fields, whose scheme default the admin sets (ArticleAdmin.formfield_for_dbfield).
        fields = ["headline", "slug", "dek", "section", "tags", "body", "excerpt"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.conflict_diff = []
        if "seen_version" in self.fields:
            self.fields["seen_version"].initial = self.instance.version
        if "revoke_links" in self.fields:
            links = PreviewLink.objects.none()
            if self.instance.pk:
                links = self.instance.preview_links.active()
            self.fields["revoke_links"].queryset = links
            self.fields["revoke_links"].label_from_instance = _link_label

    # -- which button -------------------------------------------------------------------

    def pressed(self, button: str) -> bool:
        return self.is_bound and button in self.data

    # -- validation ------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "seen_version" in self.fields:
            self._check_not_stale(cleaned)
        note = (cleaned.get("workflow_note") or "").strip()
        if self.pressed(RETURN) and "workflow_note" in self.fields and not note:
            self.add_error("workflow_note", "Tell the author what to change.")
        publish_at = cleaned.get("publish_at")
        if self.pressed(PUBLISH) and publish_at and publish_at <= timezone.now():
            self.add_error(
                "publish_at",
                "Choose a time in the future to schedule, or leave it empty to publish now.",
            )
        return cleaned

    def _check_not_stale(self, cleaned) -> None:
        """Refuse the save when the article was saved after this form was opened.

        The row is locked until the admin's transaction ends, so no save can slip in
        between this check and ours. The user's text stays in the re-shown form; ticking
        "Save my version over the newer one" saves it over exactly the version they saw
        in the message (not over a third one that arrived since).
        """
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        seen = cleaned.get("seen_version")
        if current is None or seen == current:
            self.instance.version = current or self.instance.version
            return
        if cleaned.get("keep_mine") and cleaned.get("acknowledged_version") == current:
            self.instance.version = current
            return
        change = revisions.last_change(self.instance)
        self.conflict = change
        self.conflict_diff = self._their_changes(seen)
        data = self.data.copy()
        data[self.add_prefix("acknowledged_version")] = str(current)
        data.pop(self.add_prefix("keep_mine"), None)
        self.data = data
        when = date_format(timezone.localtime(change.at), "DATETIME_FORMAT") if change.at else ""
        history = reverse("admin:articles_article_revisions", args=[self.instance.pk])
        raise ValidationError(
            format_html(
                "{who} saved this article at {when}, after you opened it{comment}. Your "
                "changes have not been saved: they are still in the form below. See "
                '<a href="{history}">what changed</a>, merge what you need, then tick '
                "“Save my version over the newer one” and save again.",
                who=change.by,
                when=when,
                comment=f" (“{change.comment}”)" if change.comment else "",
                history=history,
            ),
            code="edit_conflict",
        )

    def _their_changes(self, seen_version: int | None) -> list:
        """What the other save changed, when the revision the user started from is known."""
        versions = list(revisions.versions_of(self.instance)[:50])
        if not versions or seen_version is None:
            return []
        base = next((v for v in versions if v.field_dict.get("version") == seen_version), None)
        if base is None or base.pk == versions[0].pk:
            return []
        diffs = revisions.compare(revisions.snapshot(base), revisions.snapshot(versions[0]))
        return [diff for diff in diffs if diff.changed]

    @cached_property
    def changed_data(self):
        """Changes to the article itself; notes and workflow choices are not edits."""
        ignored = {*WORKFLOW_FIELDS, *CONCURRENCY_FIELDS}
        return [name for name in super().changed_data if name not in ignored]

    def _save_m2m(self):
        # Setting unchanged tags would still announce a change (taggit clears and re-adds),
        # making a revision out of nothing.
        if "tags" in self.changed_data or "tags" not in self.cleaned_data:
            return super()._save_m2m()
        tags = self.cleaned_data.pop("tags")
        try:
            super()._save_m2m()
        finally:
            self.cleaned_data["tags"] = tags

    def _post_clean(self):
        super()._post_clean()
        if self.pressed(SUBMIT) or self.pressed(PUBLISH):
            for field, messages in article_problems(article=self.instance).items():
                if field != NON_FIELD_ERRORS and field in self.fields and field not in self.errors:
                    for message in messages:
                        self.add_error(field, message)


def _link_label(link: PreviewLink) -> str:
    expires = date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT")
    return f"{link.url} (expires {expires})"
