"""Tag names for the article form's tag field (select2's JSON protocol).

Its own view rather than Django's autocomplete: the values are tag *names*, so a new tag
called "2024" cannot be mistaken for tag 2024, and unknown names become tags on save.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from taggit.models import Tag

TAG_RESULTS_PER_PAGE = 20


def tag_autocomplete_view(model_admin):
    """The view for ``model_admin``: open to whoever may view or change its objects."""

    def view(request):
        if not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        term = " ".join(request.GET.get("term", "").split())[:100]
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page = 1
        tags = Tag.objects.order_by("name")
        if term:
            tags = tags.filter(name__icontains=term)
        start = (page - 1) * TAG_RESULTS_PER_PAGE
        names = list(tags.values_list("name", flat=True)[start : start + TAG_RESULTS_PER_PAGE + 1])
        more = len(names) > TAG_RESULTS_PER_PAGE
        return JsonResponse(
            {
                "results": [{"id": n, "text": n} for n in names[:TAG_RESULTS_PER_PAGE]],
                "pagination": {"more": more},
            }
        )

    return view
