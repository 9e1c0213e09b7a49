"""The article's preview: the real article page for an article that is not public.

``editorial/previews.py`` decides who may see a preview and makes every answer private;
this renders it (``Article.preview_renderer`` names ``render_article_preview``) with the
public article view and template, the gate widened to every article, and a banner.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from taggit.models import Tag

from editorial.models import PreviewLink
from editorial.previews import UnsavedForm, apply_unsaved, make_private

from .models import Article
from .views import ArticleDetailView, LiveArticleMixin


class AnyArticleMixin(LiveArticleMixin):
    """The article views' gate, widened: a preview may show any article.

    Placed after ``ArticleDetailView`` in the preview view's bases, it sits between that
    view and the public gate, so the detail view keeps its own additions to the queryset.
    """

    def get_queryset(self):
        return Article.objects.all().for_listing()


class ArticlePreviewView(ArticleDetailView, AnyArticleMixin):
    """The public article page for any article, with a preview banner and private headers.

    Only reachable through ``render_article_preview``, after the caller has checked who
    may see the article.
    """

    template_name = "articles/article_preview.html"
    preview_link = None
    unsaved = None

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return apply_unsaved(get_object_or_404(queryset, pk=self.kwargs["pk"]), self.unsaved)

    def post(self, request, *args, **kwargs):
        """The preview of an open form's unsaved changes (posted, so nothing is cached)."""
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(is_preview=True, preview_link=self.preview_link)
        return context

    def render_to_response(self, context, **response_kwargs):
        # Headers are set here, inside any cache layer around the view, so nothing
        # upstream can store the draft.
        return make_private(super().render_to_response(context, **response_kwargs))


def render_article_preview(
    request: HttpRequest,
    article: Article,
    *,
    link: PreviewLink | None = None,
    unsaved: UnsavedForm | None = None,
) -> HttpResponse:
    """The preview page of ``article``; the caller has already decided who may see it.

    ``unsaved``: the article as the editor's open form has it (text, bylines, tags, image),
    shown instead of what is saved (``editorial/previews.py``).
    """
    view = ArticlePreviewView.as_view(preview_link=link, unsaved=unsaved)
    response = view(request, pk=article.pk, slug=article.slug)
    if hasattr(response, "render"):
        response.render()
    return make_private(response)


def unsaved_tags(form) -> list[Tag] | None:
    """The tags the open article form names, for its preview: tags that exist as they are
    stored (matched without regard to case, as saving would), new names as unsaved tags.
    None when the form has no usable tags field (the saved tags are shown)."""
    if "tags" not in form.fields or "tags" in form.errors:
        return None
    names = form.cleaned_data.get("tags")
    if names is None:
        return None
    existing: dict[str, Tag] = {}
    if names:
        query = reduce(or_, (Q(name__iexact=name) for name in names))
        for tag in Tag.objects.filter(query).order_by("pk"):
            existing.setdefault(tag.name.lower(), tag)
    return [existing.get(name.lower()) or Tag(name=name) for name in names]
