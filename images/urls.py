from django.urls import path

from . import views

app_name = "images"

urlpatterns = [
    path("original/<path:path>", views.original, name="original"),
]
