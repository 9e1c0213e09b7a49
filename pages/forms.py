"""The page's admin form (same body editor and sanitiser as articles) and the tip form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from editorial.forms import EditorialAdminForm, body_field
from images.forms import CheckedImageField, LibraryImageFormMixin, LibraryUploadInput

from .models import Page

# What a tip may carry: images and PDF, recognised by their first bytes, not their name.
ATTACHMENT_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
HONEYPOT_FIELD = "website"


class PageAdminForm(LibraryImageFormMixin, EditorialAdminForm):
    """The change form of a page; the workflow fields come from ``EditorialAdminForm``."""

    body = body_field()
    featured_image = CheckedImageField(
        label="Upload a new image",
        required=False,
        widget=LibraryUploadInput,
        help_text="A JPEG, PNG, GIF or WebP picture shown at the top and on share cards: "
        "choose a file, drop it here or paste it. It goes into the image library.",
    )

    class Meta:
        model = Page
        fields = ["title", "parent", "slug", "body"]


def attachment_kind(upload) -> str | None:
    """``pdf``, ``jpg``, ``png``, ``gif`` or ``webp`` from the file's first bytes, else None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for signature, kind in ATTACHMENT_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


class TipForm(forms.Form):
    """What a reader sends: only the message is required; name and email are optional so a
    source can stay anonymous. ``website`` is a honeypot: hidden from people, filled in by
    bots."""

    name = forms.CharField(label="Your name (optional)", max_length=120, required=False)
    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        help_text="Only if you want us to be able to reply.",
    )
    message = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Write a message before sending."},
    )
    attachment = forms.FileField(
        label="A file (optional)",
        required=False,
        help_text="A photo (JPEG, PNG, GIF, WebP) or a PDF.",
    )
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.TIPS_MAX_ATTACHMENT_BYTES)
        self.fields[
            "attachment"
        ].help_text = f"A photo (JPEG, PNG, GIF, WebP) or a PDF, up to {limit}."
        self.fields["message"].max_length = settings.TIPS_MAX_MESSAGE_CHARS
        self.fields["message"].widget.attrs["maxlength"] = settings.TIPS_MAX_MESSAGE_CHARS

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled in: a bot. Checked before anything else is validated."""
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise ValidationError("Write a message before sending.", code="empty")
        return message

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return upload
        limit = settings.TIPS_MAX_ATTACHMENT_BYTES
        if upload.size > limit:
            raise ValidationError(
                "The file is %(size)s; the limit is %(limit)s. Send a smaller file, or write "
                "to us first and we will tell you how to send a larger one.",
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        if attachment_kind(upload) is None:
            raise ValidationError(
                "We accept photos (JPEG, PNG, GIF, WebP) and PDF files only.",
                code="file_type",
            )
        return upload
