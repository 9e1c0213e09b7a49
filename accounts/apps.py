from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """How staff sign in: the password step, the second factor (django-otp) and its setup."""

    name = "accounts"
    verbose_name = "Sign-in"
