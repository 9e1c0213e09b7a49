from django.urls import path, register_converter

from . import converters, views

register_converter(converters.PagePathConverter, "pagepath")

app_name = "pages"

urlpatterns = [
    # Included last in newsroom/urls.py: every page address the site's routes do not answer.
    path("<pagepath:path>/", views.page_detail, name="detail"),
]
