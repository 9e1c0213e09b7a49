"""Validators for what editors upload and type: images and their alt text.

An upload is decoded with Pillow before it is accepted, so a renamed text file, an SVG or a
decompression bomb is refused with a message the editor can act on.
"""

import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP"}
MAX_FRAMES_CHECKED = 1000


def validate_image_file(upload) -> None:
    """Accept only a real JPEG, PNG, GIF or WebP within the size and pixel limits."""
    if getattr(upload, "_committed", False):
        # A file already in storage was checked when it was uploaded. Model validation
        # sees it again on every save of its object, by then often closed (Django closes
        # it after measuring the image for width_field/height_field).
        return
    max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
    max_pixels = settings.MAX_IMAGE_PIXELS
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(max)s.",
            code="file_too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it; we refuse either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
        with image:
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    "%(format)s images are not accepted; upload a JPEG, PNG, GIF or WebP.",
                    code="bad_format",
                    params={"format": image.format or "This kind of"},
                )
            frames = getattr(image, "n_frames", 1)
            for index in range(min(frames, MAX_FRAMES_CHECKED)):
                if index:
                    image.seek(index)
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        "This image is %(w)s×%(h)s pixels; the limit is %(max)s pixels "
                        "in all. Resize it and upload it again.",
                        code="too_many_pixels",
                        params={"w": width, "h": height, "max": f"{max_pixels:,}"},
                    )
            if frames > MAX_FRAMES_CHECKED:
                raise ValidationError("This animation has too many frames.", code="frames")
            image.seek(0)
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "This image has far too many pixels (the limit is %(max)s in all). Resize it and "
            "upload it again.",
            code="too_many_pixels",
            params={"max": f"{max_pixels:,}"},
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP.",
            code="not_an_image",
        ) from None
    finally:
        if position is not None:
            upload.seek(position)


_FILENAME_RE = re.compile(r"\.(jpe?g|png|gif|webp|avif|heic|tiff?|bmp|svg)\s*$", re.IGNORECASE)
_CAMERA_NAME_RE = re.compile(r"^(img|dsc|dscn|pxl|photo|image|screenshot)[\s_-]*\d", re.IGNORECASE)
_PLACEHOLDERS = {"image", "photo", "picture", "img", "alt", "featured image", "thumbnail"}
# One "word" of letters, digits, "_" and "-" with at least one digit and one separator is a
# name a camera, a phone or a photo site gave the file (Flickr's "29440323458_e31a08e3ad_b",
# "20240612_142233", a UUID), not words a person wrote.
_GENERATED_NAME_RE = re.compile(r"(?=[\w-]*\d)(?=[\w-]*[_-])[\w-]+")


def validate_alt_text(value: str) -> None:
    """Refuse alt text that describes nothing: file names, digits, placeholders."""
    text = (value or "").strip()
    if not text:
        return
    if (
        _FILENAME_RE.search(text)
        or _CAMERA_NAME_RE.match(text)
        or _GENERATED_NAME_RE.fullmatch(text)
    ):
        raise ValidationError(
            "Alt text looks like a file name. Describe what the image shows for readers "
            "who cannot see it.",
            code="alt_filename",
        )
    if re.fullmatch(r"[\d\W_]+", text):
        raise ValidationError(
            "Alt text cannot be only digits or punctuation. Describe what the image shows.",
            code="alt_digits",
        )
    if text.lower() in _PLACEHOLDERS:
        raise ValidationError(
            "“%(value)s” does not describe the image. Say what it shows.",
            code="alt_placeholder",
            params={"value": text},
        )


def alt_text_problems(alt: str, *, is_decorative: bool = False, what: str = "the image") -> list:
    """Why ``alt`` cannot go out on a published page (empty list: it can).

    The publish-time rule for every image, featured or in a body: real words, unless the
    image is explicitly marked decorative (then it is printed with ``alt=""``).
    """
    if is_decorative:
        return []
    text = (alt or "").strip()
    if not text:
        return [
            f"Describe {what} in its alt text before it goes out (or mark it decorative in "
            "the image library): readers who cannot see the image rely on it."
        ]
    try:
        validate_alt_text(text)
    except ValidationError as error:
        return list(error.messages)
    return []
