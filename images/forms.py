"""Choosing an image from the library, or uploading one into it, in any admin form.

``LibraryImageFormMixin`` is for the form of a model ``images.library.link()`` describes (an
article, author, book or page). Its ``image`` field chooses a library image (autocomplete,
with a preview); its upload field (the owner's own ImageField, e.g. ``featured_image``)
takes a new file — picked, dropped or pasted — which goes into the library when saved.

**An upload survives a form error.** When the form comes back with an error (a missing
section, a stale edit), a valid new file is stored in the library at once and becomes the
form's chosen image: the redisplayed form shows it, and the next save keeps it without
uploading it again.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from images import library
from images.validators import validate_alt_text, validate_image_file


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


class LibraryUploadInput(forms.ClearableFileInput):
    """A file input inside a drop zone: drop a file on it or paste one
    (static/js/admin-image-chooser.js). No "Currently:" line: the chooser shows the image,
    and emptying the chooser removes it."""

    template_name = "images/widgets/library_upload.html"

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/jpeg,image/png,image/gif,image/webp", **(attrs or {})})

    def is_initial(self, value):
        return False

    class Media:
        js = ["js/admin-image-chooser.js"]
        css = {"all": ["css/admin-images.css"]}


class LibraryChooser(AutocompleteSelect):
    """The admin's autocomplete over the library, with a preview of the chosen image and a
    thumbnail beside each search result (``images.admin.ChooserSearchView``; started by
    static/js/admin-image-chooser.js, which draws the thumbnails, not by the admin's
    autocomplete.js)."""

    template_name = "images/widgets/library_chooser.html"

    def get_url(self):
        return reverse(f"{self.admin_site.name}:images_image_chooser_search")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        classes = attrs["class"].split()
        attrs["class"] = " ".join(
            "library-autocomplete" if name == "admin-autocomplete" else name for name in classes
        )
        return attrs

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        template = reverse("images:library-image", kwargs={"pk": 0})
        context["widget"]["preview_template"] = template
        pk = value[0] if isinstance(value, list | tuple) and value else value
        context["widget"]["preview_src"] = (
            template.replace("/0/", f"/{int(pk)}/") if str(pk or "").isdigit() else ""
        )
        return context

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/admin-image-chooser.js"], css={"all": ["css/admin-images.css"]}
        )


class LibraryImageFormMixin:
    """See the module docstring. The model form's fields must include ``image`` and the
    owner's upload field; the words (alt text, caption, credit) are optional."""

    #: Set by ``LibraryImageAdminMixin.get_form``: who uploads into the library.
    library_user = None
    #: The library image a form error kept (shown on the redisplayed form).
    kept_image = None
    #: False for a form that is only looked at, never saved (the preview of an open form):
    #: an error then keeps no upload, since keeping one writes it into the library.
    keep_upload_on_error = True

    @property
    def library_link(self) -> library.Link:
        return library.link_for(self._meta.model)

    def _word_fields(self) -> dict[str, str]:
        """{image attribute: form field} for the words this form edits."""
        spec = self.library_link
        pairs = {"alt_text": spec.alt, "caption": spec.caption, "credit": spec.credit}
        return {attr: name for attr, name in pairs.items() if name and name in self.fields}

    def _new_upload(self):
        spec = self.library_link
        upload = getattr(self, "cleaned_data", {}).get(spec.source)
        return upload if isinstance(upload, UploadedFile) else None

    def _library_image_from_upload(self, upload):
        from images.models import Image

        words = {}
        for attr, name in self._word_fields().items():
            value = (self.cleaned_data.get(name) if name not in self.errors else "") or ""
            if attr == "alt_text":
                try:
                    validate_alt_text(value)
                except forms.ValidationError:
                    value = ""
            words[attr] = value
        user = self.library_user if getattr(self.library_user, "pk", None) else None
        upload.seek(0)
        image = Image(file=upload, uploaded_by=user, title=_title(upload.name), **words)
        image.save()
        return image

    def full_clean(self):
        super().full_clean()
        spec = self.library_link
        if not self.is_bound or not self._errors or spec.source in self._errors:
            return
        if not self.keep_upload_on_error:
            return
        upload = self._new_upload()
        if upload is None:
            return
        # Keep the file: into the library, chosen in the redisplayed form.
        image = self._library_image_from_upload(upload)
        self.kept_image = image
        data = self.data.copy()
        data[self.add_prefix("image")] = str(image.pk)
        self.data = data
        files = self.files.copy()
        files.pop(self.add_prefix(spec.source), None)
        self.files = files
        if "image" in self.fields:
            note = (
                "Your upload is kept: it is in the image library and stays chosen here, so "
                "saving again keeps it."
            )
            self.fields["image"].help_text = note
            self["image"].help_text = note  # the bound field copied the old one

    def unsaved_image(self, *, max_width: int) -> tuple[dict, dict]:
        """For the preview of this (validated, unsaved) form: the owner's image columns as
        saving would set them, and what to show for an image without renditions yet.

        Returns ``(columns, pictures)``. A new upload is shown from memory (nothing is
        stored); another library image through its staff address (as the chooser shows
        it); an emptied chooser clears the image. An unchanged image needs neither.
        """
        from images.body import library_src
        from images.renditions import fit_size, unsaved_rendition

        spec = self.library_link
        upload = self._new_upload()
        if upload is not None:
            shown = unsaved_rendition(upload, max_width)
            if shown is None:
                return {}, {}
            width, height = _dimensions(upload) or shown[1:]
            columns = {
                spec.source: upload.name,
                f"{spec.source}_width": width,
                f"{spec.source}_height": height,
            }
            return columns, {spec.source: shown}
        if "image" not in self.fields or "image" in self.errors:
            return {}, {}
        image = self.cleaned_data.get("image")
        saved_id = getattr(self.instance, f"{spec.fk}_id", None)
        if "image" not in self.changed_data and (image is None) == (saved_id is None):
            return {}, {}
        words = {spec.alt, spec.caption, spec.credit}
        columns = {
            name: value
            for name, value in spec.copies(image).items()
            if name not in words or image is not None
        }
        if image is None:
            return columns, {}
        # Words typed in the form win over the chosen image's, as saving would have it.
        for name in self._word_fields().values():
            if name in self.changed_data:
                columns.pop(name, None)
        width, height = fit_size(image.width or 1, image.height or 1, max_width)
        return columns, {spec.source: (library_src(image.pk), width, height)}

    def _changed_words(self, image) -> list[str]:
        """The image attributes whose words this form changes (as ``save`` writes them)."""
        fields = self._word_fields()
        return [
            attr
            for attr, name in fields.items()
            if name in self.changed_data
            and name in self.cleaned_data
            and getattr(image, attr) != (self.cleaned_data.get(name) or "")
        ]

    def clean(self):
        """Refuse words that would rewrite a shared image this user may not change.

        The words belong to the library image, so changing them here changes every page
        that shows it, published ones included, without review (``library.change_refusal``).
        """
        cleaned = super().clean()
        image = cleaned.get("image") if "image" in self.fields else None
        if image is None or self.library_user is None or self._new_upload() is not None:
            return cleaned
        changed = self._changed_words(image)
        refusal = library.change_refusal(self.library_user, image) if changed else ""
        if refusal:
            fields = self._word_fields()
            for attr in changed:
                label = self.fields[fields[attr]].label or attr.replace("_", " ")
                self.add_error(
                    fields[attr],
                    f"{refusal} The {label.lower()} belongs to the library image and "
                    "changes every page that shows it; leave it as it was, or upload "
                    "another image for this one.",
                )
        return cleaned

    def save(self, commit=True):
        spec = self.library_link
        instance = self.instance
        upload = self._new_upload()
        if upload is not None:
            image = self._library_image_from_upload(upload)
            instance.image = image
            # The row keeps a copy of the stored name (images/library.py), not a second file.
            setattr(instance, spec.source, image.file.name)
            setattr(instance, f"{spec.source}_width", image.width)
            setattr(instance, f"{spec.source}_height", image.height)
        elif "image" in self.fields:
            image = self.cleaned_data.get("image")
            if image is None:
                for name, value in spec.copies(None).items():
                    if name in (spec.alt, spec.caption, spec.credit):
                        continue  # typed words stay, for the next image
                    setattr(instance, name, value)
            else:
                changed = self._changed_words(image)
                for attr in changed:
                    setattr(image, attr, self.cleaned_data.get(self._word_fields()[attr]) or "")
                if changed:
                    image.save(update_fields=changed)
        return super().save(commit)


def _dimensions(upload) -> tuple[int, int] | None:
    """An upload's width and height, upright (as it is stored), from its header."""
    from PIL import Image as PILImage

    try:
        upload.seek(0)
        with PILImage.open(upload) as img:
            width, height = img.size
            if img.getexif().get(0x0112) in (5, 6, 7, 8):  # stored turned a quarter
                width, height = height, width
    except (OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return width, height


def _title(filename: str) -> str:
    stem = (filename or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("_", " ").replace("-", " ").strip()[:200]


class LibraryImageAdminMixin:
    """For the ModelAdmin of a model with a library image: the chooser widget, the upload
    field, and the uploader recorded on new library images."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        spec = library.link_for(self.model)
        if db_field.name == "image":
            kwargs["widget"] = LibraryChooser(db_field, self.admin_site)
            kwargs["help_text"] = "Type to search the image library; or upload a new image below."
        elif spec is not None and db_field.name == spec.source:
            return CheckedImageField(
                label="Upload a new image",
                required=False,
                widget=LibraryUploadInput,
                help_text="A JPEG, PNG, GIF or WebP: choose a file, drop it here or paste it. "
                "It goes into the image library.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A subclass re-collects the declared fields: keep only those the admin left in
        # (EditorialAdminMixin removes workflow fields the user's role lacks).
        kept = form.base_fields
        subclass = type(form.__name__, (form,), {"library_user": request.user})
        subclass.base_fields = kept
        return subclass
