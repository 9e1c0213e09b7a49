"""How articles, authors, books and pages use library images (``images.Image``).

A model that shows an image has a foreign key to the library (``image``) and keeps, in its
own columns, the image's file name and size (the source of its renditions) and, where it
prints them, its alt text, caption and credit. ``link()`` declares which columns those are;
this module keeps them in step:

- **Before a save** the copies are taken from the chosen image, so no code path (admin,
  import, shell) can leave a row showing a file or words its image does not have.
- **After a save**, a row that has a file but no library image (an upload made straight on
  the model: a test, an old script) gets one: the file goes into the library with the words
  the row had. Nothing is left outside the library.
- **After an image is saved**, every row using it takes the new words, by a real ``save()``
  of those columns, so the page cache invalidates the pages that show them.

The copy is a file *name*: the owner and the image share one stored original, and the
renditions (named after the source file, images/storage.py) are shared as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models.signals import post_save, pre_save

from images.renditions import rendered_field, rendition_files


@dataclass(frozen=True)
class Link:
    model: type[models.Model]
    source: str  # the owner's ImageField holding a copy of the image's file name
    label: str  # what the image is to the owner, for the usage list ("featured image")
    alt: str | None = None  # owner columns copying the image's words, where it has them
    caption: str | None = None
    credit: str | None = None
    fk: str = "image"

    def copies(self, image) -> dict[str, object]:
        """The owner's column values for ``image`` (None: no image)."""
        values: dict[str, object] = {
            self.source: image.file.name if image else "",
            f"{self.source}_width": image.width if image else None,
            f"{self.source}_height": image.height if image else None,
        }
        for attr, value in (
            (self.alt, image.alt if image else ""),
            (self.caption, image.caption if image else ""),
            (self.credit, image.credit if image else ""),
        ):
            if attr:
                values[attr] = value
        return values

    def words(self, instance) -> dict[str, str]:
        """The words an owner row has for its image, to give an adopted file."""
        return {
            "alt_text": getattr(instance, self.alt, "") if self.alt else "",
            "caption": getattr(instance, self.caption, "") if self.caption else "",
            "credit": getattr(instance, self.credit, "") if self.credit else "",
        }


LINKS: list[Link] = []


def link(model: type[models.Model], source: str, *, label: str, **columns) -> Link:
    """Declare that ``model.image`` is shown through the copy in ``model.<source>``."""
    spec = Link(model, source, label, **columns)
    LINKS.append(spec)
    pre_save.connect(
        _take_copies,
        sender=model,
        weak=False,
        dispatch_uid=f"images.library.pre:{model._meta.label}",
    )
    post_save.connect(
        _adopt, sender=model, weak=False, dispatch_uid=f"images.library.post:{model._meta.label}"
    )
    return spec


def link_for(model: type[models.Model]) -> Link | None:
    for spec in LINKS:
        if spec.model is model or issubclass(model, spec.model):
            return spec
    return None


def _changed(instance, values: dict[str, object]) -> list[str]:
    changed = []
    for name, value in values.items():
        current = getattr(instance, name)
        if isinstance(current, models.fields.files.FieldFile):
            current = current.name or ""
        if current != value:
            changed.append(name)
    return changed


def _take_copies(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a save: the row shows its image's file and words.

    What code changed on the row itself wins over the image, as an editor's form would: a
    new or different file, or a cleared one, replaces the image (the new file goes into the
    library after the save); changed words are the image's new words, for every row that
    shows it.
    """
    if raw:
        return
    spec = link_for(sender)
    image_id = getattr(instance, f"{spec.fk}_id")
    if image_id is None:
        return  # a new upload on the row itself, or none: _adopt decides after the save
    file = getattr(instance, spec.source)
    if file and not file._committed:
        setattr(instance, f"{spec.fk}_id", None)
        return
    image = getattr(instance, spec.fk)
    word_columns = [c for c in (spec.alt, spec.caption, spec.credit) if c]
    stored = None
    if instance.pk is not None:
        stored = (
            sender._base_manager.filter(pk=instance.pk)
            .values(spec.source, f"{spec.fk}_id", *word_columns)
            .first()
        )
    same_image = stored is not None and stored[f"{spec.fk}_id"] == image_id
    if same_image and file and file.name != image.file.name and file.name != stored[spec.source]:
        setattr(instance, f"{spec.fk}_id", None)  # code put another file here
        return
    if not file and same_image and stored[spec.source]:
        setattr(instance, f"{spec.fk}_id", None)  # code removed the image
        return
    if same_image:
        _words_to_image(spec, instance, stored, image)
    values = spec.copies(image)
    for name in _changed(instance, values):
        if update_fields is not None and name not in update_fields:
            continue
        setattr(instance, name, values[name])


def _words_to_image(spec: Link, instance, stored: dict, image) -> None:
    """Words changed on the row (by code or a form) become the image's words."""
    changed = []
    for attr, column in (
        ("alt_text", spec.alt),
        ("caption", spec.caption),
        ("credit", spec.credit),
    ):
        if not column:
            continue
        value = getattr(instance, column) or ""
        if value == (stored[column] or "") or value == getattr(image, attr):
            continue
        if attr == "alt_text" and image.is_decorative:
            continue  # a decorative image's alt stays empty
        setattr(image, attr, value)
        changed.append(attr)
    if changed:
        image.save(update_fields=changed)


def _adopt(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Put a row's own file into the library (see the module's docstring)."""
    spec = link_for(sender)
    if raw or (update_fields is not None and spec.source not in update_fields):
        return
    file = getattr(instance, spec.source)
    if getattr(instance, f"{spec.fk}_id") is not None or not file or not file._committed:
        return
    image = adopt_file(
        file.name,
        width=getattr(instance, f"{spec.source}_width", None),
        height=getattr(instance, f"{spec.source}_height", None),
        title=str(instance)[:200],
        **spec.words(instance),
    )
    setattr(instance, spec.fk, image)
    # Only the key: the other columns already hold what the image was made from.
    type(instance)._base_manager.filter(pk=instance.pk).update(**{spec.fk: image})


def adopt_file(name: str, *, width=None, height=None, uploaded_by=None, **words):
    """The library image of a file already in the originals storage (no copy is made)."""
    from images.models import Image
    from images.validators import validate_alt_text

    existing = Image.objects.filter(file=name).order_by("pk").first()
    if existing is not None:
        return existing  # rows sharing one file share one image
    alt = (words.pop("alt_text", "") or "").strip()
    try:
        validate_alt_text(alt)
    except Exception:
        alt = ""  # not alt text (a file name): the image asks for real words before publishing
    image = Image(
        file=name, width=width, height=height, alt_text=alt, uploaded_by=uploaded_by, **words
    )
    image.save()
    return image


def focal_point_of(instance) -> tuple[int, int] | None:
    """The focal point crops of ``instance``'s image keep in view (None: the centre)."""
    if hasattr(instance, "focal_point_x"):  # a library image
        return instance.focal_point
    spec = link_for(type(instance))
    if spec is None or getattr(instance, f"{spec.fk}_id", None) is None:
        return None
    return getattr(instance, spec.fk).focal_point


def remember_focal_point(sender, instance, raw=False, **kwargs) -> None:
    """Before an image is saved: the focal point it had, to see whether crops must change."""
    stored = None
    if not raw and instance.pk is not None:
        stored = (
            sender._base_manager.filter(pk=instance.pk)
            .values_list("focal_point_x", "focal_point_y")
            .first()
        )
    instance._stored_focal_point = stored


def propagate(sender, instance, raw=False, **kwargs) -> None:
    """After an image is saved, every row using it takes its file and words; a new focal
    point has their renditions made again (pages show the placeholder meanwhile)."""
    if raw:
        return
    stored = getattr(instance, "_stored_focal_point", None)
    refocused = stored is not None and tuple(stored) != (
        instance.focal_point_x,
        instance.focal_point_y,
    )
    for spec in LINKS:
        for owner in spec.model._base_manager.filter(**{spec.fk: instance}):
            values = spec.copies(instance)
            changed = _changed(owner, values)
            if refocused and _has_field(owner, rendered_field(spec.source)):
                _forget_renditions(owner, spec.source)
                changed.append(rendered_field(spec.source))
            if changed:
                for name in changed:
                    if name in values:
                        setattr(owner, name, values[name])
                owner.save(update_fields=changed)


def _has_field(obj, name: str) -> bool:
    return any(field.name == name for field in obj._meta.concrete_fields)


def _forget_renditions(owner, source: str) -> None:
    """Delete an owner's rendition files and unmark them, so the task makes them again."""
    for cachefile in rendition_files(owner, source):
        try:
            if cachefile.storage.exists(cachefile.name):
                cachefile.storage.delete(cachefile.name)
        except Exception:  # noqa: BLE001 - a file we cannot delete is made again anyway
            continue
    setattr(owner, rendered_field(source), "")


def usage(image) -> list[tuple[str, models.Model]]:
    """Every row showing ``image``: linked fields, then bodies that embed it."""
    from images.body import models_with_bodies, reference_pattern

    found: list[tuple[str, models.Model]] = []
    for spec in LINKS:
        for owner in spec.model._base_manager.filter(**{spec.fk: image}).order_by("pk"):
            found.append((f"{spec.model._meta.verbose_name} ({spec.label})", owner))
    for model in models_with_bodies():
        for owner in model._base_manager.filter(body__contains=reference_pattern(image.pk)):
            found.append((f"{model._meta.verbose_name} (in the body)", owner))
    return found


def public_uses(image) -> list[tuple[str, models.Model]]:
    """The uses of ``image`` readers see or will see without further review: edited content
    that is published (live or scheduled), and anything without a workflow (an author's
    photo, a book's cover), which is public as soon as it is saved."""
    from editorial.models import Status

    found = []
    for what, owner in usage(image):
        status = getattr(owner, "status", None)
        if status is None or status == Status.PUBLISHED:
            found.append((what, owner))
    return found


def change_refusal(user, image) -> str:
    """Why ``user`` may not change ``image``'s file or words ("" when they may).

    Changing a library image changes every page that shows it, at once and without review.
    So editors (``images.change_any_image``) change any image; anyone else with
    ``images.change_image`` (contributors) only an image they uploaded that no published or
    scheduled content shows yet.
    """
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return "Sign in as staff to change library images."
    if not user.has_perm("images.change_image"):
        return "You may not change library images."
    if image is None or image.pk is None or user.has_perm("images.change_any_image"):
        return ""
    if public_uses(image):
        return "Ask an editor: this image appears on published pages."
    if image.uploaded_by_id != user.pk:
        return (
            "Ask an editor: only the person who uploaded this image, or an editor, may change it."
        )
    return ""


def queue_body_renditions(sender, instance, raw=False, using=None, **kwargs) -> None:
    """After a body is saved, queue the renditions of the library images it shows."""
    if raw:
        return
    from images.body import body_images
    from images.tasks import queue_renditions

    for image in body_images(getattr(instance, "body", "")).values():
        queue_renditions(image, "file", using=using or "default")


def connect() -> None:
    from images.body import models_with_bodies
    from images.models import Image

    pre_save.connect(remember_focal_point, sender=Image, dispatch_uid="images.library.focal")
    post_save.connect(propagate, sender=Image, dispatch_uid="images.library.propagate")
    for model in models_with_bodies():
        post_save.connect(
            queue_body_renditions,
            sender=model,
            dispatch_uid=f"images.library.body:{model._meta.label}",
        )
