"""The article form of the admin: rich-text body, library image (chosen or uploaded), tag
autocomplete and corrections, on top of the workflow and stale-save fields every edited
content shares (``editorial/forms.py``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import get_select2_language
from django.core.exceptions import ValidationError
from django.urls import reverse
from taggit.models import Tag

from editorial.forms import EditorialAdminForm, body_field
from images.forms import CheckedImageField, LibraryImageFormMixin, LibraryUploadInput

from .models import Article, Correction, Section


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


class ArticleAdminForm(LibraryImageFormMixin, EditorialAdminForm):
    """The change form of an article.

    ``ArticleAdmin.get_form`` removes the workflow fields the user's role does not get.
    """

    workflow_fields = [*EditorialAdminForm.workflow_fields, "correction_kind", "correction_text"]

    body = body_field()
    featured_image = CheckedImageField(
        label="Upload a new image",
        required=False,
        widget=LibraryUploadInput,
        help_text="A JPEG, PNG, GIF or WebP: choose a file, drop it here or paste it. It goes "
        "into the image library.",
    )
    tags = TagNamesField(
        required=False, help_text="Type to find a tag; a comma or Enter adds a new one."
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

    class Meta:
        model = Article
        # The admin passes its own field list; this one only has to build without the
        # URL fields, whose scheme default the admin sets (ArticleAdmin.formfield_for_dbfield).
        fields = ["headline", "slug", "dek", "section", "tags", "body", "excerpt"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "section" in self.fields and not self.instance.pk:
            # A headline is enough to start a draft; the section can be chosen later.
            section = self.fields["section"]
            section.required = False
            section.help_text = "Left empty, the draft goes in the first section."

    def clean_section(self):
        section = self.cleaned_data.get("section")
        if section is None and not self.instance.pk:
            section = Section.objects.order_by("position", "name").first()
            if section is None:
                raise ValidationError(
                    "There is no section yet: an editor must create one (Sections, in the "
                    "admin) before articles can be written."
                )
        return section

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
