"""Slug helpers shared by every model with a public URL."""

from django.db import models
from django.utils.text import slugify


def unique_slug(instance: models.Model, value: str, *, field: str = "slug", fallback: str) -> str:
    """Slugify ``value`` and add ``-2``, ``-3``… until no other row of the model uses it."""
    max_length = instance._meta.get_field(field).max_length
    base = (slugify(value) or fallback)[:max_length].strip("-") or fallback
    candidate, suffix = base, 1
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    while others.filter(**{field: candidate}).exists():
        suffix += 1
        tail = f"-{suffix}"
        candidate = f"{base[: max_length - len(tail)].rstrip('-')}{tail}"
    return candidate
