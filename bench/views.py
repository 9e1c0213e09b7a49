"""The framework ceiling: Django rendering a template as large as the article page.

No database and no page cache (bench/settings.py keeps /bench/ out of it): what the same
gunicorn workers and middleware stack can do at best for a page of that size.
"""

from django.shortcuts import render


def ceiling(request):
    return render(request, "bench/ceiling.html", {"title": "Ceiling"})
