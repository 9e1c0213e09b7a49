from django import forms
from django.contrib import admin
from reversion.admin import VersionAdmin

from images.forms import LibraryImageAdminMixin, LibraryImageFormMixin
from newsroom.admin_mixins import HttpsURLFieldsMixin

from .models import Book, PurchaseLink


class PurchaseLinkInline(HttpsURLFieldsMixin, admin.TabularInline):
    model = PurchaseLink
    extra = 1
    fields = ["label", "url", "position"]


class BookAdminForm(LibraryImageFormMixin, forms.ModelForm):
    """The book form: its cover chosen from the image library or uploaded into it."""

    class Meta:
        model = Book
        fields = [
            "title",
            "subtitle",
            "slug",
            "author_credit",
            "image",
            "cover",
            "description",
            "publisher",
            "year",
            "isbn",
            "shelf_position",
            "is_on_shelf",
            "authors",
        ]


@admin.register(Book)
class BookAdmin(LibraryImageAdminMixin, HttpsURLFieldsMixin, VersionAdmin):
    form = BookAdminForm
    """Every save (purchase links included) is a revision that can be restored."""

    list_display = ["title", "credit_display", "year", "is_on_shelf", "shelf_position"]
    list_editable = ["is_on_shelf", "shelf_position"]
    list_filter = ["is_on_shelf", "publisher"]
    search_fields = ["title", "subtitle", "author_credit", "authors__name", "isbn"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors"]
    inlines = [PurchaseLinkInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    @admin.display(description="Authors")
    def credit_display(self, obj):
        return obj.credit
