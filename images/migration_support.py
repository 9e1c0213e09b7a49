"""Data migrations that move images into the library (historical models only)."""

from __future__ import annotations

import contextlib


def _alt(text: str) -> str:
    from django.core.exceptions import ValidationError

    from images.validators import validate_alt_text

    text = (text or "").strip()
    try:
        validate_alt_text(text)
    except ValidationError:
        return ""  # a file name is not alt text: the image asks for words before publishing
    return text


def adopt_files(apps, schema_editor, *, model: str, source: str, title: str, **columns) -> None:
    """Make one library image for each row's file, keeping its words, and point the row
    at it. Rows sharing one file share one image."""
    Owner = apps.get_model(*model.split("."))
    Image = apps.get_model("images", "Image")
    db = schema_editor.connection.alias
    made: dict[str, int] = {}
    rows = Owner._base_manager.using(db).exclude(**{source: ""}).filter(image__isnull=True)
    for row in rows.order_by("pk").iterator():
        name = getattr(row, source).name
        if not name:
            continue
        if name not in made:
            words = {key: getattr(row, column) or "" for key, column in columns.items() if column}
            if "alt_text" in words:
                words["alt_text"] = _alt(words["alt_text"])
            image = Image(
                file=name,
                width=getattr(row, f"{source}_width"),
                height=getattr(row, f"{source}_height"),
                title=(getattr(row, title) or "")[:200],
                **words,
            )
            image.save(using=db)
            made[name] = image.pk
        Owner._base_manager.using(db).filter(pk=row.pk).update(image_id=made[name])


def release_files(apps, schema_editor, *, model: str) -> None:
    """Undo ``adopt_files``: forget the rows' images (their files stay where they are)."""
    Owner = apps.get_model(*model.split("."))
    Image = apps.get_model("images", "Image")
    db = schema_editor.connection.alias
    ids = list(Owner._base_manager.using(db).exclude(image=None).values_list("image_id", flat=True))
    Owner._base_manager.using(db).update(image=None)
    # Only images nothing else uses (another app's rows may share one).
    from django.db.models import ProtectedError

    for image in Image.objects.using(db).filter(pk__in=ids):
        with contextlib.suppress(ProtectedError):
            image.delete()
