from django.urls import path

from . import views

app_name = "images"

urlpatterns = [
    path("original/<path:path>", views.original, name="original"),
    path("library/<int:pk>/", views.library_image, name="library-image"),
    path("library/search/", views.library_search, name="library-search"),
]
