"""The public page, its tip form, and the staff preview of a page.

Pages are served by the catch-all pattern at the end of ``newsroom/urls.py``: everything
the site's own routes did not answer is looked up as a page address (one query), through
the public gate (``Page.objects.live()``). The tip form posts to the page's own address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from authors.models import Author
from editorial.previews import apply_unsaved, make_private
from newsroom.security import client_ip

from . import tips
from .forms import TipForm
from .models import MAX_DEPTH, Page

TEMPLATE = "pages/page_detail.html"


def staff_groups() -> list[tuple[str, list[Author]]]:
    """The masthead: staff grouped by role, groups in the order of their first member."""
    groups: dict[str, list[Author]] = {}
    for author in Author.objects.staff().only(
        "name", "slug", "job_title", "staff_role", "staff_position"
    ):
        groups.setdefault(author.staff_role or "Staff", []).append(author)
    return list(groups.items())


def _context(page: Page, **extra) -> dict:
    context = {"webpage": page, "ancestors": page.ancestors()}
    if page.shows_staff:
        context["staff_groups"] = staff_groups()
    if page.has_tip_form:
        context.setdefault("tip_form", TipForm())
    context.update(extra)
    return context


# Why the tip form is exempt from Django's CSRF token, and what guards it instead.
#
# The form is on public pages kept whole in the page cache (and at the edge), so the HTML
# cannot carry a per-reader token; a token would need a cookie-varying page or JavaScript,
# and a reader whose token expired would lose the tip. The form acts under nobody's
# authority (no session, no account), so a forged post cannot act for its victim. What a
# forged post could still do is use other people's browsers: send spam from many addresses
# past the per-address rate limit, or use up a victim's rate limit. So a post another site
# made is refused (``cross_site_post``), judged by the Sec-Fetch-Site and Origin headers
# every current browser sends; the honeypot, the rate limit and the size limits meet the
# rest. See docs/operations.md, "Tips from readers".
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def page_detail(request, path: str):
    if len(path) > 400 or path.count("/") >= MAX_DEPTH:
        raise Http404("No such page.")
    page = get_object_or_404(Page.objects.live().with_ancestors().at_path(path))
    if request.method == "POST":
        return never_cache(_receive_tip)(request, page)
    context = _context(page, tip_sent=request.GET.get("sent") == "1" and page.has_tip_form)
    return TemplateResponse(request, TEMPLATE, context)


def allowed_origins(request) -> set[str]:
    """Origins whose forms may post tips: this site as the request reached it, and the
    origins Django's CSRF protection trusts (``CSRF_TRUSTED_ORIGINS``, ``SITE_URL``)."""
    return {
        f"{request.scheme}://{request.get_host()}",
        settings.SITE_URL,
        *settings.CSRF_TRUSTED_ORIGINS,
    }


def cross_site_post(request) -> bool:
    """Whether another site's page made this post, as far as the browser tells.

    ``Sec-Fetch-Site`` (sent by current browsers, not settable by a page) must be
    ``same-origin`` or ``none`` (typed or bookmarked); without it, ``Origin`` must be one of
    ``allowed_origins`` (an opaque ``null`` origin is refused, as Django refuses it). A post
    with neither header (an old browser, a script) is let through to the other checks.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if fetch_site:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin", "").strip()
    if origin:
        return origin.rstrip("/") not in allowed_origins(request)
    return False


def _receive_tip(request, page: Page):
    """Store a tip sent from ``page``; each refusal says why, with the form kept filled in."""
    if not page.has_tip_form:
        raise Http404("This page has no form.")
    form = TipForm(request.POST, request.FILES)
    address = client_ip(request)
    status = 400
    if cross_site_post(request):
        status = 403
        form.add_error(
            None,
            "Your message was not sent: it came from a form on another website. Write it "
            "here, on our own page, and send it again.",
        )
    elif form.is_spam:
        form.add_error(
            None,
            "Your message was not sent: the field “Leave this empty” was filled in, which "
            "only automated senders do. Empty it and send again.",
        )
    elif tips.rate_limited(address):
        status = 429
        form.add_error(
            None,
            "Your message was not sent: too many messages came from your connection in the "
            "last hour. Please try again later, or write to us by email.",
        )
    elif form.is_valid():
        data = form.cleaned_data
        tips.count_submission(address)
        tips.tip_submit(
            page=page,
            name=data["name"],
            email=data["email"],
            message=data["message"],
            attachment=data.get("attachment"),
        )
        return HttpResponseRedirect(f"{page.get_absolute_url()}?sent=1#tip-form")
    return TemplateResponse(request, TEMPLATE, _context(page, tip_form=form), status=status)


def render_page_preview(request, page: Page, *, link=None, unsaved=None):
    """The preview of any page (``Page.preview_renderer``); the caller checked who may see it.

    ``unsaved``: the page as the editor's open form has it, its image included
    (``editorial/previews.py``).
    """
    page = apply_unsaved(get_object_or_404(Page.objects.with_ancestors(), pk=page.pk), unsaved)
    context = _context(page, is_preview=True, preview_link=link, noindex=True)
    response = TemplateResponse(request, TEMPLATE, context)
    response.render()
    return make_private(response)
