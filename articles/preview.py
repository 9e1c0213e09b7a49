"""Previews of articles that are not public: for staff in the admin, and by shared link.

Both render the real article page (``ArticleDetailView`` and its template) with the gate
widened to every article, plus a "this is a preview" banner. Every answer is private and
uncacheable, kept out of search engines, and sends no referrer, so the secret address of a
shared preview does not leak to the sites its links point to.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from .models import Article, PreviewLink
from .views import ArticleDetailView, LiveArticleMixin

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


def make_private(response: HttpResponse) -> HttpResponse:
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


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

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(is_preview=True, preview_link=self.preview_link)
        return context

    def render_to_response(self, context, **response_kwargs):
        # Headers are set here, inside any cache layer around the view, so nothing
        # upstream can store the draft.
        return make_private(super().render_to_response(context, **response_kwargs))


def render_article_preview(
    request: HttpRequest, article: Article, *, link: PreviewLink | None = None
) -> HttpResponse:
    """The preview page of ``article``; the caller has already decided who may see it."""
    view = ArticlePreviewView.as_view(preview_link=link)
    response = view(request, pk=article.pk, slug=article.slug)
    if hasattr(response, "render"):
        response.render()
    return make_private(response)


def _unavailable(request: HttpRequest, *, status: int, reason: str) -> HttpResponse:
    response = TemplateResponse(
        request, "articles/preview_unavailable.html", {"reason": reason}, status=status
    )
    return make_private(response)


@require_safe
def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """An article by its preview link: 404 for an unknown address, 410 once it has ended."""
    link = (
        PreviewLink.objects.select_related("article").filter(token=token).first()
        if len(token) <= 64
        else None
    )
    if link is None:
        return _unavailable(request, status=404, reason="unknown")
    if link.revoked_at is not None:
        return _unavailable(request, status=410, reason="revoked")
    if not link.is_active:
        return _unavailable(request, status=410, reason="expired")
    return render_article_preview(request, link.article, link=link)
