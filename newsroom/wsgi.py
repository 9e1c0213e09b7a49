"""WSGI entry point, used by gunicorn (see gunicorn.conf.py).

Page-cache hits are answered in front of Django's handler (caching/front.py).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django_application = get_wsgi_application()

from caching.front import PageCacheApplication  # noqa: E402  (needs the settings above)

application = PageCacheApplication(django_application)
