from django.urls import path

from . import views

app_name = "accounts"

# Mounted under /admin/ ahead of the admin's own URLs (newsroom/urls.py), so /admin/login/
# is the two-step sign-in.
urlpatterns = [
    path("login/", views.PasswordStepView.as_view(), name="login"),
    path("login/code/", views.code_step, name="code"),
    path("two-factor/", views.setup, name="two-factor"),
]
