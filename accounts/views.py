"""The admin's sign-in in two steps, and the page where staff set up their second factor.

Step one is Django's admin login form (user name and password through django-axes). A user
with an authenticator device is *not* signed in yet: the session only remembers, for a few
minutes, who passed step one. Step two asks for a code and signs in only when a device
accepts it. Until then no ``user_logged_in`` is sent, so django-axes keeps counting: wrong
passwords and wrong codes add up to the same lockout, and a locked user name is refused at
both steps.
"""

import time

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import two_factor

PENDING_KEY = "accounts_two_factor_pending"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
    )


def _admin_context(request, title):
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


class PasswordStepView(LoginView):
    """The admin login, except that a user with a second factor goes on to step two."""

    authentication_form = AdminAuthenticationForm
    template_name = "admin/login.html"

    def get(self, request, *args, **kwargs):
        if admin.site.has_permission(request):
            return redirect("admin:index")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            _admin_context(self.request, "Log in"),
            app_path=self.request.get_full_path(),
            username=self.request.user.get_username(),
        )
        params = self.request.GET | self.request.POST
        if REDIRECT_FIELD_NAME not in params:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index")
        return context

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return redirect("accounts:code")


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def code_step(request):
    """Step two: a code from the app (or a recovery code) completes the sign-in."""
    user, pending = _pending_user(request)
    if user is None:
        messages.info(request, "Please sign in again.")
        return redirect("admin:login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.code_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING_KEY]
            user.otp_device = device  # django-otp marks the new session verified at login
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        # Counted by django-axes like a wrong password; its middleware answers with the
        # lockout page once this failure reaches the limit.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", "That code is not right. Codes change every 30 seconds.")
    return render(
        request,
        "accounts/code.html",
        {**_admin_context(request, "Two-factor sign-in"), "form": form, "username": ""},
    )


def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=False))


@staff_member_required
@csrf_protect
@never_cache
def setup(request):
    """Turn on two-factor sign-in, replace recovery codes, or (if not required) turn it off."""
    user = request.user
    required = two_factor.two_factor_required(user)
    context = _admin_context(request, "Two-factor sign-in")
    context["required"] = required
    if two_factor.has_two_factor(user):
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "recovery-codes":
            context["recovery_codes"] = two_factor.recovery_codes_replace(user=user)
        elif action == "turn-off" and not required:
            two_factor.two_factor_remove(user=user)
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("accounts:two-factor")
        context["enabled"] = True
        return render(request, "accounts/two_factor.html", context)

    device = two_factor.totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            context.update(enabled=True, recovery_codes=codes, just_enabled=True)
            return render(request, "accounts/two_factor.html", context)
        form.add_error("code", "That code is not right. Check the app's clock, then try again.")
    context.update(
        form=form,
        qr_svg=_qr_svg(device.config_url),
        secret=two_factor.totp_secret(device),
        issuer=settings.OTP_TOTP_ISSUER,
    )
    return render(request, "accounts/two_factor.html", context)
