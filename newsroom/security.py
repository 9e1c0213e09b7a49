"""Who is asking: the client address that login throttling (django-axes) counts attempts by.

Login attempts are counted per *username and client address*, so an attacker hammering an
editor's account from their own machine locks only themselves out; the editor, signing in from
anywhere else, is never affected. That only holds if the address is the reader's, not the
reverse proxy's: behind nginx or a load balancer every request arrives from the proxy, and
counting by ``REMOTE_ADDR`` would turn the limit into a per-username lock anyone could trigger.

With ``BEHIND_TLS_PROXY`` set, the address is taken from ``X-Forwarded-For`` — counted from
the right, skipping ``TRUSTED_PROXY_COUNT`` hops our own proxies appended, because everything
to the left of those was written by the client and can be forged.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, trusting only the proxies this deployment declares."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [
        hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()
    ]
    if len(forwarded) < proxies:
        # Not through our proxy chain (a health probe, or a misconfiguration): the socket
        # address is the only one we can trust.
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What django-axes answers once a user name is paused for this client (HTTP 429).

    The same page whether or not the user name exists, so it reveals no accounts.
    """
    from django.contrib import admin
    from django.shortcuts import render

    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    response = render(
        request,
        "security/lockout.html",
        {
            **admin.site.each_context(request),
            "cooloff_minutes": minutes,
            "title": "Too many sign-in attempts",
        },
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
