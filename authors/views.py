"""Author pages: only people with at least one live article have one.

An author known only from drafts, or only from books, answers 404, so the public never
learns of work that is not out yet.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles import summaries
from articles.models import Byline
from articles.views import LiveArticleMixin

from .models import Author


class AuthorDetailView(LiveArticleMixin, ListView):
    """An author's page: photo, bio, social links, books, and their live articles, paginated.

    A ``ListView`` of articles (so pagination and its 404s are Django's) with the author in
    the context; "View all posts" under an article leads here.
    """

    template_name = "authors/author_detail.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE  # read per request, so tests can change it

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        # Exists, not a join: an author credited twice on one article lists it once.
        credited = Byline.objects.filter(article=OuterRef("pk"), author=self.author)
        return super().get_queryset().filter(Exists(credited))

    def paginate_queryset(self, queryset, page_size):
        """No live article, no page (drafts and books alone do not make one). The list's own
        count decides — no query more, and the page depends on this author's bylines only,
        not on every article published (``Author.objects.with_live_articles`` would)."""
        paginated = super().paginate_queryset(queryset, page_size)
        if paginated[0].count == 0:
            raise Http404("No live article credits this author.")
        return paginated

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author,
            # Book cards print every author's name (Book.credit): fetch them in one query.
            books=self.author.books.order_by("shelf_position", "title").prefetch_related("authors"),
            **kwargs,
        )


class AuthorListView(ListView):
    """Everyone with a public author page, alphabetically, ``paginate_by`` to a page.

    Who has a public page is read from the authors' live summaries (articles/summaries.py,
    kept current as articles change, as the authors' sitemap reads them), not by asking
    per author whether a live article credits them: at 100,000 articles that search was
    most of the page's time. Scheduled articles that have come out since are summarised
    first (``refresh_due``), so the list agrees with ``Author.objects.with_live_articles``.
    """

    template_name = "authors/author_list.html"
    context_object_name = "authors"
    paginate_by = 60

    def get_queryset(self):
        summaries.refresh_due()
        listed = Author.objects.filter(live_summary__latest_live_at__isnull=False)
        return listed.order_by("name", "pk")
