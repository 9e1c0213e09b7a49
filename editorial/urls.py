from django.urls import path, register_converter

from . import converters, previews

register_converter(converters.TokenConverter, "token")

app_name = "editorial"

urlpatterns = [
    # Shared previews of unpublished content (editorial/previews.py); the token is the secret.
    path("preview/<token:token>/", previews.shared_preview, name="preview"),
]
