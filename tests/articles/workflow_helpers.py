"""Helpers shared by the editorial-workflow tests: people in roles, and admin form posts."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

ROLES = ["Contributor", "Editor", "Administrator"]


def staff_in(role: str, username: str | None = None, **extra):
    """A staff user in one of the role groups made by the data migration."""
    extra.setdefault("is_staff", True)
    user = UserFactory(username=username or f"{role.lower()}-person", **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


def article_by(user, **kwargs) -> Article:
    """An article credited to ``user`` through an author profile linked to their login."""
    author = AuthorFactory(user=user)
    kwargs.setdefault("status", Article.Status.DRAFT)
    if kwargs["status"] in {Article.Status.DRAFT, Article.Status.REVIEW}:
        kwargs.setdefault("published_at", None)
    return ArticleFactory(authors=[author], **kwargs)


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(response) -> dict:
    """The POST data the admin page in ``response`` would send, as a browser would.

    Built from the form and inline formsets in the template context: every field's
    current value, the management forms, hidden fields included.
    """
    data = {}
    adminform = response.context["adminform"]
    _add_form(data, adminform.form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data


def _add_form(data: dict, form) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        key = bound.html_name
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        widget = field.widget
        if hasattr(widget, "widgets"):
            # A MultiWidget (split date and time): one key per sub-widget.
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for index, part in enumerate(parts):
                if part is not None:
                    data[f"{key}_{index}"] = part
            continue
        if isinstance(value, list | tuple):
            data[key] = [str(getattr(v, "pk", v)) for v in value]
        elif hasattr(value, "pk"):
            data[key] = str(value.pk)
        elif isinstance(value, FieldFile):
            continue  # a stored file: a browser sends no file unless one is picked
        else:
            data[key] = value
