"""The framework ceiling: Django rendering a template as large as the article page; and the
smallest Django view, returning a stored page's bytes (bench/assembly.py).

No database and no page cache (bench/settings.py keeps /bench/ out of it): what the same
gunicorn workers and middleware stack can do at best for a page of that size.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import render


def ceiling(request):
    return render(request, "bench/ceiling.html", {"title": "Ceiling"})


_BYTES: list[bytes] = []


def same_bytes(request):
    """The least a Django view can do: return bytes it already holds."""
    if not _BYTES:
        _BYTES.append(Path(os.environ["BENCH_BYTES_FILE"]).read_bytes())
    return HttpResponse(_BYTES[0], content_type="text/html; charset=utf-8")
