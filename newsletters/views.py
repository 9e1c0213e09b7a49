"""Readers' side: sign up, confirm, change preferences, unsubscribe — no account, no cookie.

The short sign-up form sits on cached pages (article pages, the footer), which cannot carry a
per-reader CSRF token, and no form may make a cached page differ per visitor. So, as with the
tip form, the sign-up endpoint does without Django's CSRF token — a forged sign-up can only
make us send a confirmation email, which the address's owner ignores — and does better than
nothing: a browser's POST that says it comes from another site (``Origin``) is refused.
Everything under /newsletter/ is left out of the page cache and sent ``no-store``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsroom.security import client_ip

from . import services, tokens
from .forms import PreferencesForm, SubscribeForm
from .models import Newsletter
from .ratelimit import RateLimit


def _limits() -> tuple[RateLimit, RateLimit]:
    window = settings.NEWSLETTER_RATE_WINDOW_SECONDS
    return (
        RateLimit(
            "newsletter-address", limit=settings.NEWSLETTER_RATE_LIMIT_ADDRESS, window=window
        ),
        RateLimit("newsletter-ip", limit=settings.NEWSLETTER_RATE_LIMIT_IP, window=window),
    )


def _index(request, form, *, status=200, sent=False):
    context = {
        "form": form,
        "newsletters": Newsletter.objects.filter(is_active=True),
        "sent": sent,
        "noindex": False,
    }
    return TemplateResponse(request, "newsletters/index.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def index(request):
    return _index(request, SubscribeForm(), sent=request.GET.get("sent") == "1")


def _same_site(request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return request.headers.get("Sec-Fetch-Site", "same-origin") != "cross-site"
    host = urlsplit(origin).netloc
    return host in {urlsplit(settings.SITE_URL).netloc, request.get_host()}


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """Sign-up, from any form on the site. The answer is the same whether or not the address
    is known: "check your inbox"."""
    if request.method != "POST":
        return redirect("newsletters:index")
    form = SubscribeForm(request.POST)
    by_address, by_ip = _limits()
    ip = client_ip(request)
    email = (request.POST.get("email") or "").strip().lower()
    if not _same_site(request):
        form.add_error(
            None,
            "You were not signed up: the form was sent from another website. Use the form "
            "on this page instead.",
        )
        return _index(request, form, status=403)
    if form.is_spam:
        form.add_error(
            None,
            "You were not signed up: the field “Leave this empty” was filled in, which only "
            "automated senders do. Empty it and send again.",
        )
        return _index(request, form, status=400)
    if by_ip.exceeded(ip) or by_address.exceeded(email):
        form.add_error(
            None,
            "You were not signed up: too many sign-ups came from your connection or for this "
            "address in the last hour. Please try again later.",
        )
        return _index(request, form, status=429)
    by_ip.hit(ip)
    if not form.is_valid():
        return _index(request, form, status=400)
    by_address.hit(email)
    services.subscriber_subscribe(
        email=form.cleaned_data["email"], newsletters=form.cleaned_data["newsletters"]
    )
    return HttpResponseRedirect(reverse("newsletters:index") + "?sent=1#subscribe")


def _bad_link(request, error: tokens.BadLink):
    context = {"error": error, "days": settings.NEWSLETTER_CONFIRM_DAYS, "noindex": True}
    return TemplateResponse(request, "newsletters/bad_link.html", context, status=400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """GET shows a button (mail scanners follow links; only a person presses buttons); POST
    confirms."""
    try:
        subscriber = tokens.read_confirm_token(token)
    except tokens.BadLink as error:
        return _bad_link(request, error)
    context = {"subscriber": subscriber, "noindex": True}
    if request.method == "POST":
        context["confirmed"] = services.subscriber_confirm(subscriber=subscriber)
        context["preferences_url"] = tokens.preferences_url(subscriber)
        return TemplateResponse(request, "newsletters/confirmed.html", context)
    context["pending"] = subscriber.subscriptions.pending().select_related("newsletter")
    return TemplateResponse(request, "newsletters/confirm.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token: str):
    try:
        subscriber = tokens.read_preferences_token(token)
    except tokens.BadLink as error:
        return _bad_link(request, error)
    active = subscriber.subscriptions.active().values_list("newsletter_id", flat=True)
    saved = False
    if request.method == "POST":
        data = request.POST if "save" in request.POST else {}
        form = PreferencesForm(data)
        if form.is_valid():
            services.subscriber_set_preferences(
                subscriber=subscriber, newsletters=form.cleaned_data["newsletters"]
            )
            form = PreferencesForm(initial={"newsletters": list(active)})
            saved = True
    else:
        form = PreferencesForm(initial={"newsletters": list(active)})
    context = {"subscriber": subscriber, "form": form, "saved": saved, "noindex": True}
    return TemplateResponse(request, "newsletters/preferences.html", context)


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" here, with no cookie and no
# token but the one in the address; it must work without CSRF protection.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET asks to confirm (link scanners must not unsubscribe anyone); POST leaves at once."""
    try:
        subscriber, newsletter_id, send_id = tokens.read_unsubscribe_token(token)
    except tokens.BadLink as error:
        return _bad_link(request, error)
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    context = {
        "subscriber": subscriber,
        "newsletter": newsletter,
        "preferences_url": tokens.preferences_url(subscriber),
        "noindex": True,
    }
    if request.method == "POST":
        if newsletter is not None:
            services.subscription_unsubscribe(
                subscriber=subscriber, newsletter_id=newsletter.pk, send_id=send_id
            )
        return TemplateResponse(request, "newsletters/unsubscribed.html", context)
    return TemplateResponse(request, "newsletters/unsubscribe.html", context)
