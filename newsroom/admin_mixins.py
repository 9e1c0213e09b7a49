"""Pieces shared by the apps' ModelAdmins."""

from django.db import models


class HttpsURLFieldsMixin:
    """URL fields assume https when an editor types an address without a scheme.

    It is also Django 6's default; choosing it now silences the transition warning.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)
