from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    # Included last in newsroom/urls.py: every address the site's routes do not answer.
    path("<path:path>/", views.page_detail, name="detail"),
]
