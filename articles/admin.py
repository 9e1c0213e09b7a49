from django.contrib import admin

from .models import Article, Byline, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "section", "author_names", "published_at"]
    list_filter = ["status", "section", "bylines__author"]
    search_fields = ["headline", "dek", "bylines__author__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    inlines = [BylineInline]
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
        ("Publishing", {"fields": ["status", "published_at", "updated_at"]}),
        (
            "Republication",
            {"classes": ["collapse"], "fields": ["source_name", "source_url", "permission_note"]},
        ),
        (
            "Search and social",
            {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section")
            .prefetch_related("bylines__author")
        )

    @admin.display(description="Authors")
    def author_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())
