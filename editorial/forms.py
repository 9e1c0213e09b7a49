"""The workflow part of every edited-content admin form: the note, the schedule, preview
links to revoke, and the "someone saved after you opened it" check.

A model's own admin form subclasses ``EditorialAdminForm`` and adds its content fields
(``articles/forms.py``). Status and publication time are never form fields: they change
only through the workflow buttons (services), so posting them does nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django_prose_editor.fields import ProseEditorFormField

from newsroom.embeds import editor_providers
from newsroom.sanitize import sanitize_html, validate_markup_limits

from . import revisions
from .models import PreviewLink
from .services import content_problems

# Buttons of the change form (name posted → what the admin does after saving).
SUBMIT = "_submit_for_review"
PUBLISH = "_publish"
UNPUBLISH = "_unpublish"
RETURN = "_return_to_author"
SHARE = "_share_preview"
WORKFLOW_BUTTONS = [SUBMIT, PUBLISH, UNPUBLISH, RETURN, SHARE]

CONCURRENCY_FIELDS = ["seen_version", "acknowledged_version", "keep_mine"]

# What the body editor offers, for every kind of edited content (articles, pages). Every
# element these produce is in newsroom/sanitize.py's allowlist (tests/newsroom/
# test_sanitize.py checks), and the server sanitises whatever is posted.
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
    # Embed cards as readers see them (static/js/admin-embeds.js, newsroom/embeds.py).
    "EmbedCard": {"providers": editor_providers()},
}


def body_field(**kwargs) -> ProseEditorFormField:
    """The rich-text body field: one editor and one sanitiser for all edited content.

    A function rather than a shared instance, because each form class needs its own field.
    """
    kwargs.setdefault("required", False)
    kwargs.setdefault(
        "help_text",
        "Headings, bold and italic, links, lists, quotes and images with captions. To embed "
        "a video or post (YouTube, Vimeo, X, Bluesky, Instagram, TikTok, SoundCloud, "
        "Spotify, Flickr), paste its address alone in a paragraph: it becomes a card that "
        "loads nothing from the provider until the reader clicks.",
    )
    return ProseEditorFormField(
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
        validators=[validate_markup_limits],
        **kwargs,
    )


class EditorialAdminForm(forms.ModelForm):
    """Workflow and concurrency fields; the admin removes those the user's role lacks."""

    class Media:
        # The body editor in the site's reading typography, spelling checked (issue 18).
        css = {"all": ["css/admin-richtext.css"]}
        js = ["js/admin-richtext.js"]

    #: Form fields that are not content: which of them a user gets depends on the role,
    #: and changing them is not an edit. Subclasses add their own (corrections…).
    workflow_fields = ["workflow_note", "publish_at", "revoke_links"]

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
    revoke_links = forms.ModelMultipleChoiceField(
        label="Revoke preview links",
        queryset=PreviewLink.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.conflict_diff = []
        if "seen_version" in self.fields:
            self.fields["seen_version"].initial = self.instance.version
        if "revoke_links" in self.fields:
            links = PreviewLink.objects.none()
            if self.instance.pk:
                links = self.instance.preview_links.active().select_related("created_by")
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
        """Refuse the save when the item was saved after this form was opened.

        The row is locked until the admin's transaction ends, so no save can slip in
        between this check and ours. The user's text stays in the re-shown form; ticking
        "Save my version over the newer one" saves it over exactly the version they saw
        in the message (not over a third one that arrived since).
        """
        model = type(self.instance)
        current = (
            model._default_manager.select_for_update()
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
        opts = model._meta
        history = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_revisions", args=[self.instance.pk]
        )
        raise ValidationError(
            format_html(
                "{who} saved this {noun} at {when}, after you opened it{comment}. Your "
                "changes have not been saved: they are still in the form below. See "
                '<a href="{history}">what changed</a>, merge what you need, then tick '
                "“Save my version over the newer one” and save again.",
                who=change.by,
                noun=opts.verbose_name,
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
        """Changes to the item itself; notes and workflow choices are not edits."""
        ignored = {*self.workflow_fields, *CONCURRENCY_FIELDS}
        return [name for name in super().changed_data if name not in ignored]

    def _post_clean(self):
        super()._post_clean()
        if self.pressed(SUBMIT) or self.pressed(PUBLISH):
            for field, messages in content_problems(obj=self.instance).items():
                if field != NON_FIELD_ERRORS and field in self.fields and field not in self.errors:
                    for message in messages:
                        self.add_error(field, message)


def _link_label(link: PreviewLink) -> str:
    """A link by when and by whom it was made: its address is not stored, so not shown."""
    made = date_format(timezone.localtime(link.created_at), "DATETIME_FORMAT")
    expires = date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT")
    by = revisions.user_label(link.created_by) if link.created_by_id else "someone"
    return f"Link made {made} by {by} (expires {expires})"
