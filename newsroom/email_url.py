"""``EMAIL_URL``: the mail server as one setting, like ``DATABASE_URL`` and ``REDIS_URL``.

``smtp://user:password@host:587`` (STARTTLS when the server offers it is *not* assumed:
use ``smtp+tls://`` for STARTTLS, ``smtps://`` for TLS from the start),
``console://`` prints mail to the server's output (development). Parsed with the standard
library: the format is small enough that a dependency would cost more than it saves.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def parse_email_url(url: str) -> dict:
    """The Django email settings ``url`` stands for (``EMAIL_BACKEND``, ``EMAIL_HOST``…)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if scheme not in {"smtp", "smtps", "smtp+tls"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls://, smtps:// or console://, "
            f"not {scheme or 'nothing'}://."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no mail server host.")
    try:
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {error}.") from None
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or {"smtps": 465, "smtp+tls": 587}.get(scheme, 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "smtp+tls",
    }
