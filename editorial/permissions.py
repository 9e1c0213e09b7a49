"""Who may do what to which piece of edited content.

Model permissions (``editorial/roles.py``) say what a role may do in general, per model:
``<app>.change_any_<model>``, ``<app>.publish_<model>``, ``<app>.review_<model>`` besides
Django's add/change/delete/view. These functions add the rules that depend on the item: a
contributor (no ``change_any_…``) sees and edits only their own items — the model's
``owner_filter`` says which are theirs — and edits them only while they are drafts. The
admin (``has_*_permission``, ``get_queryset``) and the services both ask here, so hiding a
button and refusing a forged POST are the same decision.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet

from .models import Status

User = AbstractBaseUser | AnonymousUser


def _is_staff(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def has_model_perm(user: User, model: type[Model] | Model, action: str) -> bool:
    """``user.has_perm("<app>.<action>_<model>")`` for a staff user, False for anyone else."""
    opts = model._meta
    return _is_staff(user) and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def can_see_all(user: User, model: type[Model] | Model) -> bool:
    return has_model_perm(user, model, "change_any")


def visible(user: User, queryset: QuerySet) -> QuerySet:
    """The items of ``queryset`` the user may open in the admin."""
    if not _is_staff(user):
        return queryset.none()
    if can_see_all(user, queryset.model):
        return queryset
    return queryset.filter(queryset.model.owner_filter(user))


def is_own(user: User, obj: Model) -> bool:
    """An item being written (not saved yet) belongs to whoever is writing it."""
    if not _is_staff(user):
        return False
    if obj.pk is None or obj.created_by_id == user.pk:
        return True
    model = type(obj)
    return model._default_manager.filter(model.owner_filter(user), pk=obj.pk).exists()


def can_view(user: User, obj: Model) -> bool:
    if not (has_model_perm(user, obj, "view") or has_model_perm(user, obj, "change")):
        return False
    return can_see_all(user, obj) or is_own(user, obj)


def can_edit(user: User, obj: Model) -> bool:
    """Edit the content: editors always; contributors their own drafts only."""
    if not has_model_perm(user, obj, "change"):
        return False
    if can_see_all(user, obj):
        return True
    return obj.status == Status.DRAFT and is_own(user, obj)


def can_withdraw(user: User, obj: Model) -> bool:
    """Take an item in review back to draft: its own writer (to fix a typo), or an editor."""
    if obj.status != Status.REVIEW or not has_model_perm(user, obj, "change"):
        return False
    return can_see_all(user, obj) or is_own(user, obj)


def can_add(user: User, model: type[Model] | Model) -> bool:
    return has_model_perm(user, model, "add")


def can_submit(user: User, obj: Model) -> bool:
    return obj.status == Status.DRAFT and (
        can_add(user, obj) if obj.pk is None else can_edit(user, obj)
    )


def can_publish(user: User, model: type[Model] | Model) -> bool:
    """Publish now, schedule, reschedule, unpublish."""
    return has_model_perm(user, model, "publish")


def can_return(user: User, model: type[Model] | Model) -> bool:
    return has_model_perm(user, model, "review")


def can_share_preview(user: User, obj: Model) -> bool:
    return _is_staff(user) and user.has_perm("editorial.add_previewlink") and can_view(user, obj)


def can_delete(user: User, obj: Model) -> bool:
    """A published (or scheduled) item is unpublished first: deleting is deliberate."""
    return (
        has_model_perm(user, obj, "delete")
        and can_see_all(user, obj)
        and obj.status != Status.PUBLISHED
    )
