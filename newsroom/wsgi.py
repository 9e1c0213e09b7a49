"""WSGI entry point, used by gunicorn (see gunicorn.conf.py).

``WSGI_FRONT`` names the layers wrapped around Django's handler, outermost last, as
``MIDDLEWARE`` names middleware: by default the page cache answers its hits there
(caching/front.py), before Django's request handling starts.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by the call above)
from django.utils.module_loading import import_string  # noqa: E402

for dotted_path in settings.WSGI_FRONT:
    application = import_string(dotted_path)(application)
