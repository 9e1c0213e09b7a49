"""Settings for bench/run.py: the production settings plus one URL, the framework ceiling.

Everything else — middleware, templates, caches, database — is exactly newsroom.settings,
so the ceiling view runs under the same gunicorn workers and the same middleware stack.
"""

import os
from pathlib import Path

from newsroom.settings import *  # noqa: F403
from newsroom.settings import TEMPLATES, VAR_DIR

ROOT_URLCONF = "bench.urls"

# The ceiling's template is written by bench/run.py from the real article page's HTML.
BENCH_TEMPLATE_DIR = Path(os.environ.get("BENCH_TEMPLATE_DIR", VAR_DIR / "bench" / "templates"))
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BENCH_TEMPLATE_DIR]}]

PAGE_CACHE_EXCLUDED_PATHS = [*PAGE_CACHE_EXCLUDED_PATHS, "/bench/"]  # noqa: F405
