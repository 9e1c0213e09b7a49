from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .models import Article, Section


class LiveArticleMixin:
    """The public gate for article views: only live articles, with listing relations."""

    def get_queryset(self):
        return Article.objects.live().for_listing()


class HomeView(LiveArticleMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"


class ArticleDetailView(LiveArticleMixin, DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.live().for_detail()


class SectionView(LiveArticleMixin, ListView):
    template_name = "articles/section_detail.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(LiveArticleMixin, ListView):
    template_name = "articles/tag_detail.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)
