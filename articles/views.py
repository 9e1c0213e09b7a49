"""Public article pages: home, article, section and tag.

Every view here starts from ``LiveArticleMixin.get_queryset()``, the public gate
(``Article.objects.live()``): a draft, an article in review, an unpublished one or one
scheduled for later is a 404 on every page and absent from every list. Pagination is
Django's, which answers 404 for a ``?page=`` that is not a page of the list.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from images.renditions import absolute_media_url, is_ready

from .models import Article, Correction, Section
from .pagination import BoundedPaginator
from .sharing import share_links


class LiveArticleMixin:
    """The public gate for article views: only live articles, with listing relations.

    Lists stop at ``LIST_MAX_PAGES`` pages (articles/pagination.py), so no page costs an
    OFFSET or a count that grows with the archive.
    """

    paginator_class = BoundedPaginator

    def get_queryset(self):
        return Article.objects.live().for_listing()


class ArticleListView(LiveArticleMixin, ListView):
    """A paginated list of live articles as cards."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE  # read per request, so tests can change it


class HomeView(ArticleListView):
    """The front page: the lead story and two more at the top, then the latest, paginated."""

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = list(context["articles"])
        if context["page_obj"].number == 1 and articles:
            context.update(lead=articles[0], secondary=articles[1:3], latest=articles[3:])
        else:
            context.update(lead=None, secondary=[], latest=articles)
        return context


class ArticleDetailView(LiveArticleMixin, DetailView):
    """One article with everything around it (authors, share links, books, recent stories)."""

    context_object_name = "article"

    def get_queryset(self):
        # Most articles carry no correction: ask in the main query whether any exists, and
        # fetch them only then, rather than a prefetch query on every page.
        has_corrections = Exists(Correction.objects.filter(article=OuterRef("pk")))
        return (
            super()
            .get_queryset()
            .annotate(has_corrections=has_corrections)
            .prefetch_related("tags")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        absolute_url = f"{settings.SITE_URL}{article.get_absolute_url()}"
        image_url = ""
        if is_ready(article, "featured_image"):  # no link to a rendition not made yet
            image_url = absolute_media_url(article.og_image.url)
        context.update(
            absolute_url=absolute_url,
            share_links=share_links(url=absolute_url, title=article.headline, image_url=image_url),
            # One author box per person, in byline order, even when someone holds two roles.
            authors=list({b.author_id: b.author for b in article.bylines.all()}.values()),
            tags=sorted(article.tags.all(), key=lambda tag: tag.name.lower()),
            corrections=list(article.corrections.all()) if article.has_corrections else [],
        )
        return context


class SectionView(ArticleListView):
    """A section's page; a section with nothing live yet still has a page (it is in the nav)."""

    template_name = "articles/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(ArticleListView):
    """A tag's page. A tag used only by unpublished articles answers 404, like the articles."""

    template_name = "articles/tag_detail.html"
    allow_empty = False

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)
