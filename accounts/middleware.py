"""Hold a signed-in user to the second factor their account needs.

Runs after django-otp's ``OTPMiddleware`` (which marks a session verified once a device
accepted a code). The password step alone never signs in a user who has a device
(accounts/views.py), so an unverified session of such a user is one from before the device
existed: it is ended. A user whose role requires a second factor but who has none yet may
only set one up (or sign out); in the admin every other page sends them to the setup page,
and outside the admin they count as anonymous, so no staff-only view (previews of drafts)
opens to a password alone.
"""

from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import has_two_factor, two_factor_required


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            response = self.hold(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def hold(self, request, user):
        in_admin = request.path_info.startswith(reverse("admin:index"))
        if has_two_factor(user):
            logout(request)
            if in_admin:
                return redirect(f"{reverse('admin:login')}?next={request.path_info}")
            return None
        if not two_factor_required(user):
            return None
        allowed = {reverse("accounts:two-factor"), reverse("admin:logout")}
        if request.path_info in allowed:
            return None
        if in_admin:
            return redirect("accounts:two-factor")
        request.user = AnonymousUser()
        return None
