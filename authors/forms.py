from django import forms

from images.forms import LibraryImageFormMixin

from . import social
from .models import Author


class PastedHandleField(forms.CharField):
    """A handle field that takes a whole pasted profile address.

    The input has no ``maxlength`` of the handle's size — the browser would cut a pasted
    address to it silently — and ``to_handle`` turns the address into the handle before the
    model's validators (and its length limit) check it.
    """

    def __init__(self, *, to_handle, **kwargs):
        self.to_handle = to_handle
        kwargs["max_length"] = 300
        super().__init__(**kwargs)

    def to_python(self, value):
        return self.to_handle(super().to_python(value))


class AuthorAdminForm(LibraryImageFormMixin, forms.ModelForm):
    """The author form: the photo chosen from the image library or uploaded into it, and
    social handles that accept a pasted profile address."""

    class Meta:
        model = Author
        fields = ["image", "photo", "x_handle", "bluesky_handle", "mastodon_handle"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, to_handle in [
            ("x_handle", social.x_handle_from),
            ("bluesky_handle", social.bluesky_handle_from),
            ("mastodon_handle", social.mastodon_handle_from),
        ]:
            if name in self.fields:
                old = self.fields[name]
                self.fields[name] = PastedHandleField(
                    to_handle=to_handle,
                    required=False,
                    label=old.label,
                    help_text=old.help_text or "The handle, or paste the profile's address.",
                )
