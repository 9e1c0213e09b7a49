"""Nothing typed is lost: a person's unsaved form kept on the server, and who has a form open.

While someone edits an item (or writes a new one) the admin page posts the form here every
few seconds (``static/js/admin-desk.js`` → ``DeskAdminMixin.autosave_view``). The copy is
personal (one per user and item, or per user, model and browser token for an item not saved
yet), is never a revision and never public, and the next successful save of the form deletes
it. Coming back to the form offers to restore it.

The same ping says the person still has the form open (``EditingPresence``), so whoever
opens the item next is told who else is editing it, and since when.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from . import permissions
from .models import Autosave, EditingPresence

User = AbstractBaseUser

#: What a browser's token for a new item looks like (``crypto.randomUUID()`` or similar).
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")

#: Posted names that are not the content of the form: the CSRF token, the buttons and the
#: autosave's own fields (all start with "_"), and the conflict screen's choices.
NOT_CONTENT = {"csrfmiddlewaretoken", "acknowledged_version", "keep_mine"}


def autosave_interval() -> int:
    """Seconds between two saves of a changing form (``EDITORIAL_AUTOSAVE_SECONDS``)."""
    return int(getattr(settings, "EDITORIAL_AUTOSAVE_SECONDS", 5))


def presence_window() -> int:
    """Seconds without a ping after which someone no longer counts as editing."""
    return int(getattr(settings, "EDITORIAL_PRESENCE_SECONDS", 90))


def form_content(data: MultiValueDict) -> dict[str, list[str]]:
    """The posted form as {name: [values]}, without tokens, buttons and conflict choices."""
    return {
        name: [str(value) for value in values]
        for name, values in data.lists()
        if name not in NOT_CONTENT and not name.startswith("_")
    }


def valid_token(token: str | None) -> bool:
    return bool(token) and TOKEN_RE.fullmatch(token) is not None


def _check_may_autosave(*, user: User, model: type[Model], obj: Model | None) -> None:
    allowed = permissions.can_add(user, model) if obj is None else permissions.can_edit(user, obj)
    if not allowed:
        raise PermissionDenied(f"You may not edit this {model._meta.verbose_name}.")


def _copies(*, user: User, model: type[Model], obj: Model | None, token: str = ""):
    copies = Autosave.objects.of(user, model)
    if obj is not None:
        return copies.filter(object_id=obj.pk)
    return copies.filter(object_id__isnull=True, client_token=token)


def autosave_store(
    *,
    user: User,
    model: type[Model],
    obj: Model | None,
    data: MultiValueDict,
    token: str = "",
) -> Autosave:
    """Keep ``user``'s current form of ``obj`` (or of a new ``model`` item, by ``token``).

    One copy per person and item: each call replaces the last. Only someone who may edit
    the item (or add one) may keep a copy of its form.
    """
    _check_may_autosave(user=user, model=model, obj=obj)
    if obj is None and not valid_token(token):
        raise ValidationError("A new item's autosave needs the form's token.", code="token")
    content = form_content(data)
    now = timezone.now()
    ct = ContentType.objects.get_for_model(model)
    key = {"user": user, "content_type": ct}
    if obj is not None:
        key.update(object_id=obj.pk)
    else:
        key.update(object_id=None, client_token=token)
    try:
        with transaction.atomic():
            copy, _ = Autosave.objects.update_or_create(
                **key, defaults={"data": content, "saved_at": now}
            )
    except IntegrityError:  # two pings of the same form raced to create the copy
        copy = Autosave.objects.get(**key)
        copy.data, copy.saved_at = content, now
        copy.save(update_fields=["data", "saved_at"])
    return copy


def autosave_for(*, user: User, model: type[Model], obj: Model | None, token: str = ""):
    """The person's kept copy of this item's form (of a new item: by token), or None."""
    if obj is None and not valid_token(token):
        return None
    return _copies(user=user, model=model, obj=obj, token=token).first()


def latest_new_autosave(*, user: User, model: type[Model]) -> Autosave | None:
    """The person's most recent copy of a new ``model`` item they never saved."""
    copies = Autosave.objects.of(user, model).filter(object_id__isnull=True)
    return copies.order_by("-saved_at").first()


def autosave_discard(*, user: User, model: type[Model], obj: Model | None, token: str = "") -> int:
    """Forget the person's copy (they chose to, or the form was saved); returns how many."""
    if obj is None and not valid_token(token):
        return 0
    deleted, _ = _copies(user=user, model=model, obj=obj, token=token).delete()
    return deleted


def restore_initial(form_class, copy: Autosave) -> dict:
    """The copy's values as a form's ``initial``: what the form shows when restored.

    Read through each field's widget, as a posted form would be, so multi-part widgets
    (date and time), checkboxes and multiple choices come back as they were. File fields
    cannot be kept (a browser does not send a file in the background) and stay as saved.
    """
    from django import forms

    data = MultiValueDict(copy.data)
    initial = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.FileField) or name in NOT_CONTENT:
            continue
        widget = field.widget
        # Checkboxes and multiple choices are never "omitted": absent means none chosen.
        if widget.value_omitted_from_data(data, {}, name):
            continue
        initial[name] = widget.value_from_datadict(data, {}, name)
    return initial


def restore_formset_data(copy: Autosave, prefix: str) -> MultiValueDict | None:
    """The copy's rows of the inline formset ``prefix`` (its management form and every
    ``<prefix>-<n>-<field>``) as posted data, or None if the copy has no such formset."""
    if f"{prefix}-TOTAL_FORMS" not in copy.data:
        return None
    start = f"{prefix}-"
    return MultiValueDict(
        {name: values for name, values in copy.data.items() if name.startswith(start)}
    )


# --- presence -------------------------------------------------------------------------------


def presence_ping(*, user: User, obj: Model) -> EditingPresence:
    """``user`` has ``obj``'s form open now; a gap longer than the window starts anew."""
    now = timezone.now()
    ct = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            presence, created = EditingPresence.objects.get_or_create(
                user=user, content_type=ct, object_id=obj.pk
            )
    except IntegrityError:
        presence = EditingPresence.objects.get(user=user, content_type=ct, object_id=obj.pk)
        created = False
    if not created:
        gone = (now - presence.seen_at).total_seconds() > presence_window()
        if gone:
            presence.started_at = now
        presence.seen_at = now
        presence.save(update_fields=["started_at", "seen_at"])
    return presence


def presence_leave(*, user: User, obj: Model) -> None:
    """``user`` closed the form (or saved it and went elsewhere)."""
    EditingPresence.objects.on(obj).filter(user=user).delete()


def others_editing(*, user: User, obj: Model) -> list[EditingPresence]:
    """Who else has ``obj``'s form open now, longest first."""
    return list(EditingPresence.objects.on(obj).current().exclude(user=user).select_related("user"))


def since_label(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
