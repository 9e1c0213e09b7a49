"""The sign-up form (short on article pages and the footer, full on /newsletter/) and the
preferences form."""

from __future__ import annotations

from django import forms

from .models import Newsletter

HONEYPOT_FIELD = "website"


class SubscribeForm(forms.Form):
    """Email and a choice of newsletters; without a choice (the short form), the newsletters
    offered by default. ``website`` is a honeypot: hidden from people, filled in by bots."""

    email = forms.EmailField(
        label="Your email",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter a complete email address, like name@example.org.",
        },
    )
    newsletters = forms.ModelMultipleChoiceField(
        label="Newsletters",
        queryset=Newsletter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].queryset = Newsletter.objects.filter(is_active=True)

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean(self):
        data = super().clean()
        if "newsletters" in data and not data["newsletters"]:
            defaults = list(Newsletter.objects.filter(is_active=True, is_default=True))
            if not defaults:
                raise forms.ValidationError("Choose at least one newsletter.", code="none")
            data["newsletters"] = defaults
        return data


class PreferencesForm(forms.Form):
    newsletters = forms.ModelMultipleChoiceField(
        label="Send me",
        queryset=Newsletter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Untick a newsletter to stop getting it. Untick all to leave every list.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].queryset = Newsletter.objects.filter(is_active=True)
