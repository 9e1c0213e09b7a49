from django.contrib import admin
from reversion.admin import VersionAdmin

from images.forms import LibraryImageAdminMixin
from newsroom.admin_mixins import HttpsURLFieldsMixin

from .forms import AuthorAdminForm
from .models import Author


@admin.register(Author)
class AuthorAdmin(LibraryImageAdminMixin, HttpsURLFieldsMixin, VersionAdmin):
    """Every save is a revision editors can compare and restore (django-reversion)."""

    form = AuthorAdminForm
    list_display = ["name", "job_title", "is_staff", "staff_role", "user", "modified_at"]
    list_filter = ["is_staff", ("user", admin.EmptyFieldListFilter)]
    search_fields = ["name", "job_title", "short_bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "image", "photo", "user"]}),
        ("Biography", {"fields": ["short_bio", "long_bio"]}),
        ("Masthead", {"fields": ["is_staff", "staff_role", "staff_position"]}),
        (
            "Social profiles",
            {
                "fields": [
                    "x_handle",
                    "bluesky_handle",
                    "mastodon_handle",
                    "facebook_url",
                    "website_url",
                ]
            },
        ),
    ]
