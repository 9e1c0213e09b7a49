"""The site's URLs plus /bench/ceiling/ and /bench/bytes/, views that touch no database."""

from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="bench-ceiling"),
    path("bench/bytes/", views.same_bytes, name="bench-bytes"),
    *site_urlpatterns,
]
