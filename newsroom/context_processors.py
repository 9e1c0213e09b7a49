from django.conf import settings


def site(request):
    """Expose the configured site identity; absolute URLs never come from the Host header."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
    }
