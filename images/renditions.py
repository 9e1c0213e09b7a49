"""Image renditions: the resized WebP and JPEG files pages serve instead of the upload.

Why it is built this way:

- django-imagekit does the file work. Each rendition is an ``ImageSpecField`` on the model.
  They are made by a background task (images/tasks.py), queued when the save that brought a
  new image has committed — never inside the save's transaction or the request, where one
  40-megapixel PNG held SQLite's write lock for half a minute (issue 15). The ``Deferred``
  strategy below therefore does nothing when the source is saved or a URL is asked for; a
  page only computes URLs (no storage calls, no image work).
- A model with renditions has a ``<source>_rendered`` column naming the file whose renditions
  are all made. Until it names the current file, pages show a placeholder of the right size
  (``is_ready()``, images/templatetags/pictures.py): never a link that 404s.
- A rendition job decodes a bounded amount (``DecodeBudget``): large JPEGs are decoded at a
  reduced scale, and a source that would still need more than ``RENDITION_MAX_BYTES`` is
  refused, so one upload cannot take a worker's memory.
- The sizes are computed here, from the width and height Django stores beside each upload,
  by the same functions the processors use. So ``width``/``height`` attributes and ``srcset``
  descriptors always match the files, without opening them, and nothing is ever upscaled:
  a 900-pixel upload yields a 640-pixel and a 900-pixel rendition, not a blurry 1600.
- A *family* is one kind of picture (the lead image, a card thumbnail, an author's square
  portrait, a book cover) at several widths, each in WebP and JPEG. ``attach()`` adds a
  family's fields to a model, ``picture()`` turns an instance into what ``<picture>`` needs.
- ``picture()`` is remembered per (family, file name, size). A listing page shows dozens of
  pictures and each asks imagekit for six URLs; the answer depends only on the file's name
  (rendition names derive from it, see images/storage.py) and the storage settings, so it
  is worked out once per process. A new upload has a new name and so a new entry; changed
  storage settings (tests) empty the memo.
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.db.models.signals import post_save
from imagekit.models import ImageSpecField
from imagekit.specs import ImageSpec
from PIL import Image
from pilkit.processors import Transpose
from pilkit.processors.utils import resolve_palette

from newsroom.lru import BoundedLRU

FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}

OG_IMAGE_WIDTH = 1200
OG_IMAGE_HEIGHT = 630

logger = logging.getLogger("images.renditions")


class Deferred:
    """imagekit cache-file strategy: never make a rendition as a side effect.

    imagekit calls ``on_source_saved`` from the model's ``post_save``, inside the save's
    transaction; this strategy has none, and asking for a URL checks nothing. Renditions are
    made only by images/tasks.py.
    """

    def should_verify_existence(self, file):
        return False


class RenditionRefused(Exception):
    """The source would take more memory to decode than a rendition job may use."""


# Bytes per pixel of each Pillow mode once decoded (4 for anything not listed).
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "LA": 2, "PA": 2, "I;16": 2, "RGB": 3, "YCbCr": 3, "LAB": 3}


def decoded_bytes(img) -> int:
    """How much memory ``img`` takes once decoded, from its header alone."""
    return img.size[0] * img.size[1] * _MODE_BYTES.get(img.mode, 4)


class DecodeBudget:
    """The first processor of every rendition: bound what decoding the source may allocate.

    It runs before anything loads the pixels. A JPEG larger than the rendition needs is
    decoded at 1/2, 1/4 or 1/8 scale (libjpeg's draft mode: cheaper and smaller, never
    smaller than the output); anything still above ``RENDITION_MAX_BYTES`` is refused rather
    than decoded. ``MAX_IMAGE_PIXELS`` already bounds the pixel count when Pillow opens it.
    """

    def __init__(self, width: int, aspect: tuple[int, int] | None = None, fill=None):
        self.width = width
        self.aspect = aspect
        self.fill = fill  # (width, height) of a fill-and-crop rendition

    def needed(self, width: int, height: int) -> tuple[int, int]:
        """The smallest decoded size (of an upright source) that still makes the output."""
        if self.fill:
            scale = max(self.fill[0] / width, self.fill[1] / height)
        else:
            crop_w, _ = crop_size(width, height, self.aspect) if self.aspect else (width, height)
            scale = self.width / crop_w
        scale = min(scale, 1)
        return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))

    def process(self, img):
        if img.format == "JPEG":
            width, height = img.size
            turned = img.getexif().get(0x0112) in (5, 6, 7, 8)  # Transpose swaps the sides
            if turned:
                width, height = height, width
            need_w, need_h = self.needed(width, height)
            img.draft(None, (need_h, need_w) if turned else (need_w, need_h))
        limit = settings.RENDITION_MAX_BYTES
        if decoded_bytes(img) > limit:
            raise RenditionRefused(
                f"decoding {img.size[0]}×{img.size[1]} {img.mode} needs {decoded_bytes(img):,} "
                f"bytes; a rendition may use {limit:,} (RENDITION_MAX_BYTES)"
            )
        return img


def fit_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    """The size of an image scaled down (never up) to at most ``max_width`` pixels wide."""
    if width <= max_width:
        return width, height
    return max_width, max(1, round(height * max_width / width))


def crop_size(width: int, height: int, aspect: tuple[int, int]) -> tuple[int, int]:
    """The largest centred box of the given aspect ratio that fits in the image."""
    aspect_w, aspect_h = aspect
    if width * aspect_h > height * aspect_w:  # wider than the aspect: trim the sides
        return max(1, min(width, round(height * aspect_w / aspect_h))), height
    return width, max(1, min(height, round(width * aspect_h / aspect_w)))


def output_size(
    width: int, height: int, max_width: int, aspect: tuple[int, int] | None
) -> tuple[int, int]:
    """The size of a rendition: optionally cropped to ``aspect``, then fitted to the width."""
    if aspect:
        width, height = crop_size(width, height, aspect)
    return fit_size(width, height, max_width)


class FitWidth:
    """Scale down to at most ``width`` pixels wide, keeping the aspect ratio; never enlarge."""

    def __init__(self, width: int):
        self.width = width

    def process(self, img):
        size = fit_size(img.size[0], img.size[1], self.width)
        if size == img.size:
            return img
        return resolve_palette(img).resize(size, Image.Resampling.LANCZOS)


class StripMetadata:
    """Drop everything but the colour profile from a rendition.

    Uploads carry EXIF (camera serials, GPS positions) and comment segments; Pillow would
    copy a JPEG comment into the output. Readers only ever get renditions, so this is where
    an uploader's location stops.
    """

    def process(self, img):
        icc = img.info.get("icc_profile")
        img.info = {"icc_profile": icc} if icc else {}
        if hasattr(img, "_exif"):
            img._exif = None
        return img


#: The focal point (percent across, percent down) of the image being rendered, set by the
#: rendition task from the library image (images/tasks.py); None keeps the centre.
_focal_point: ContextVar[tuple[int, int] | None] = ContextVar("focal_point", default=None)


@contextmanager
def focal_point(point: tuple[int, int] | None):
    """Crops made inside the block keep ``point`` in view (see ``crop_box``)."""
    token = _focal_point.set(point)
    try:
        yield
    finally:
        _focal_point.reset(token)


def crop_box(
    width: int, height: int, aspect: tuple[int, int], focal: tuple[int, int] | None = None
) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) box of ``aspect`` to keep: centred on the focal point
    as far as the image allows, or on the image's centre without one."""
    crop_w, crop_h = crop_size(width, height, aspect)
    if focal is None:
        left, top = (width - crop_w) // 2, (height - crop_h) // 2
    else:
        centre_x, centre_y = width * focal[0] / 100, height * focal[1] / 100
        left = min(max(0, round(centre_x - crop_w / 2)), width - crop_w)
        top = min(max(0, round(centre_y - crop_h / 2)), height - crop_h)
    return left, top, left + crop_w, top + crop_h


class CropToAspect:
    """Crop the image to an aspect ratio such as (3, 2) or (1, 1), around the focal point
    of the image being rendered (its centre when it has none)."""

    def __init__(self, aspect: tuple[int, int]):
        self.aspect = tuple(aspect)

    def process(self, img):
        box = crop_box(img.size[0], img.size[1], self.aspect, _focal_point.get())
        if box == (0, 0, *img.size):
            return img
        return img.crop(box)


def make_spec(width: int, fmt: str, aspect: tuple[int, int] | None = None) -> type[ImageSpec]:
    """An imagekit spec class for one rendition."""
    processors = [DecodeBudget(width, aspect), Transpose()]
    if aspect:
        processors.append(CropToAspect(aspect))
    processors.append(FitWidth(width))
    processors.append(StripMetadata())
    image_format, options = FORMATS[fmt]
    crop = f"Crop{aspect[0]}x{aspect[1]}" if aspect else ""
    name = f"Width{width}{fmt.title()}{crop}Spec"
    return type(
        name,
        (ImageSpec,),
        {"processors": processors, "format": image_format, "options": dict(options)},
    )


class FillAroundFocalPoint:
    """Fill exactly ``width``×``height``: crop to that shape around the focal point of the
    image being rendered (``CropToAspect``), then resize. pilkit's ``ResizeToFill`` always
    keeps the centre, which cuts off a subject near an edge."""

    #: Its output is exactly ``width``×``height`` (images/sharing.py ``rendition_size``).
    fills = True

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.size = (width, height)

    def process(self, img):
        img = CropToAspect(self.size).process(img)
        if img.size == self.size:
            return img
        return resolve_palette(img).resize(self.size, Image.Resampling.LANCZOS)


class OpenGraphSpec(ImageSpec):
    """The 1200×630 JPEG link previews use (Open Graph, X cards); filled, and cropped
    around the library image's focal point like every other crop."""

    processors = [
        DecodeBudget(OG_IMAGE_WIDTH, fill=(OG_IMAGE_WIDTH, OG_IMAGE_HEIGHT)),
        Transpose(),
        FillAroundFocalPoint(OG_IMAGE_WIDTH, OG_IMAGE_HEIGHT),
        StripMetadata(),
    ]
    format = "JPEG"
    options = {"quality": 85, "optimize": True, "progressive": True}


def unsaved_rendition(file, max_width: int) -> tuple[str, int, int] | None:
    """A new upload not saved anywhere, as a ``data:`` URL JPEG at most ``max_width`` wide,
    for the preview of the form that carries it: ``(src, width, height)``, or None when it
    cannot be read or would take more than a rendition may to decode.

    Made with the renditions' own processors (bounded decode, orientation, no metadata), in
    memory: nothing is written to storage for a preview.
    """
    import base64
    import io

    processors = [DecodeBudget(max_width), Transpose(), FitWidth(max_width), StripMetadata()]
    try:
        file.seek(0)
        with Image.open(file) as source:
            img = source
            for processor in processors:
                img = processor.process(img)
            img = img.convert("RGB")
            buffer = io.BytesIO()
            img.save(buffer, format="JPEG", quality=80)
    except (RenditionRefused, OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        file.seek(0)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/jpeg;base64,{encoded}", img.size[0], img.size[1]


@dataclass(frozen=True)
class Family:
    """One kind of picture, made at several widths in WebP and JPEG."""

    name: str
    widths: tuple[int, ...]
    aspect: tuple[int, int] | None = None
    fallback_width: int | None = None  # the JPEG in ``src``; the largest width when None

    def field_name(self, width: int, fmt: str) -> str:
        return f"{self.name}_{width}_{fmt}"

    def fields(self, source: str) -> dict[str, ImageSpecField]:
        return {
            self.field_name(width, fmt): ImageSpecField(
                source=source, spec=make_spec(width, fmt, self.aspect)
            )
            for width in self.widths
            for fmt in FORMATS
        }


LEAD = Family("lead", widths=(640, 1024, 1600), fallback_width=1024)
CARD = Family("card", widths=(400, 800), aspect=(3, 2), fallback_width=400)
PORTRAIT = Family("portrait", widths=(96, 192, 384), aspect=(1, 1), fallback_width=192)
COVER = Family("cover", widths=(160, 320, 640), fallback_width=320)


#: (model, source field) of every image with renditions, filled by ``attach()``.
SOURCES: list[tuple[type[models.Model], str]] = []
#: Those of SOURCES whose renditions are queued only when needed (``attach(queue=False)``).
ON_DEMAND: set[tuple[type[models.Model], str]] = set()


def rendered_field(source: str) -> str:
    """The column naming the file whose renditions are all made (``<source>_rendered``)."""
    return f"{source}_rendered"


def attach(
    model: type[models.Model], source: str, *families: Family, og: bool = False, queue: bool = True
) -> None:
    """Add the rendition fields of ``families`` (and ``og_image``) for an image field, and
    queue their making after each save that brings a new image (images/tasks.py).

    ImageSpecFields are not database columns, so this needs no migration; the model declares
    ``<source>_rendered`` itself. With ``queue=False`` nothing is queued on save: the caller
    queues the renditions when they are needed (library images, images/library.py).
    """
    for family in families:
        for name, field in family.fields(source).items():
            model.add_to_class(name, field)
    if og:
        model.add_to_class("og_image", ImageSpecField(source=source, spec=OpenGraphSpec))
    SOURCES.append((model, source))
    if not queue:
        ON_DEMAND.add((model, source))
        return

    def queue_after_save(sender, instance, raw=False, using=None, **kwargs):
        if raw:  # loaddata
            return
        from images.tasks import queue_renditions

        queue_renditions(instance, source, using=using or "default")

    post_save.connect(
        queue_after_save,
        sender=model,
        weak=False,
        dispatch_uid=f"images.renditions:{model._meta.label}.{source}",
    )


def is_ready(instance: models.Model, source: str) -> bool:
    """Whether every rendition of the instance's current image has been made."""
    image = getattr(instance, source)
    return bool(image) and getattr(instance, rendered_field(source), None) == image.name


def rendition_files(instance: models.Model, source: str) -> list:
    """The imagekit cache files of every rendition of ``instance.<source>``."""
    from imagekit.models.fields import ImageSpecFileDescriptor

    return [
        getattr(instance, attname)
        for attname, descriptor in vars(type(instance)).items()
        if isinstance(descriptor, ImageSpecFileDescriptor)
        and descriptor.source_field_name == source
    ]


@dataclass(frozen=True)
class Picture:
    """What a ``<picture>`` element needs; every size is known without opening a file."""

    webp_srcset: str
    jpeg_srcset: str
    src: str
    width: int
    height: int
    candidates: tuple[tuple[int, int], ...]  # (width, height) of each srcset entry


# Thread-safe: gunicorn's gthread workers share it.
_memo = BoundedLRU(lambda: 20_000)

# Settings that change what a rendition's URL looks like.
_URL_SETTINGS = frozenset({"MEDIA_URL", "STORAGES", "IMAGEKIT_CACHEFILE_DIR"})


def _forget_on_settings_change(setting, **kwargs) -> None:
    if setting in _URL_SETTINGS or setting.startswith("AWS_"):
        _memo.clear()


setting_changed.connect(_forget_on_settings_change, dispatch_uid="images.renditions.memo")


def picture(instance: models.Model, source: str, family: Family) -> Picture | None:
    """The renditions of ``instance.<source>`` in ``family``, or None without an image.

    Only widths the upload can fill are offered; a smaller upload stops the list at its own
    width, so the reader never downloads an enlarged copy. Whether the files exist yet is
    ``is_ready()``'s question: the sizes are known either way, and a placeholder uses them.
    """
    image = getattr(instance, source)
    width = getattr(instance, f"{source}_width", None)
    height = getattr(instance, f"{source}_height", None)
    if not image or not width or not height:
        return None
    key = (family, image.name, width, height)
    remembered = _memo.get(key)
    if remembered is None:
        remembered = _picture(instance, family, width, height)
        _memo.put(key, remembered)
    return remembered


def _picture(instance: models.Model, family: Family, width: int, height: int) -> Picture:
    chosen: list[tuple[int, tuple[int, int]]] = []
    for max_width in family.widths:
        size = output_size(width, height, max_width, family.aspect)
        if chosen and chosen[-1][1][0] >= size[0]:
            continue
        chosen.append((max_width, size))

    def srcset(fmt: str) -> str:
        return ", ".join(
            f"{getattr(instance, family.field_name(max_width, fmt)).url} {size[0]}w"
            for max_width, size in chosen
        )

    limit = family.fallback_width or family.widths[-1]
    fallback = [item for item in chosen if item[0] <= limit][-1:] or chosen[:1]
    fallback_width, fallback_size = fallback[0]
    return Picture(
        webp_srcset=srcset("webp"),
        jpeg_srcset=srcset("jpeg"),
        src=getattr(instance, family.field_name(fallback_width, "jpeg")).url,
        width=fallback_size[0],
        height=fallback_size[1],
        candidates=tuple(size for _, size in chosen),
    )


def absolute_media_url(url: str) -> str:
    """A media URL as an absolute address for other sites (share links, previews).

    Local storage gives ``/media/…`` (prefixed with ``SITE_URL``); object storage already
    gives ``https://…``.
    """
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"https:{url}"
    return f"{settings.SITE_URL}{url}"
