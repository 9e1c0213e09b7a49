"""The site's URLs plus /bench/ceiling/, a template view that touches no database."""

from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="bench-ceiling"),
    *site_urlpatterns,
]
