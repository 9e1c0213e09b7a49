from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article

from .models import Author


class AuthorDetailView(ListView):
    """An author's page: profile plus their live articles, paginated."""

    template_name = "authors/author_detail.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.with_live_articles(), slug=self.kwargs["slug"]
        )
        return Article.objects.live().for_listing().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
