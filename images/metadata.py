"""Stored originals lose their location and device data (DESIGN invariant 8, issue 15 #1).

A photo from a phone carries EXIF (GPS position, camera make, model and serial, the time),
often XMP and IPTC blocks saying the same again, and comments. Renditions never had them
(``StripMetadata`` in images/renditions.py), but the original is kept too, and a source's or
a reporter's location must not sit in it for whoever gets the file next (a leak, a backup, a
bucket made public by mistake).

``clean_image()`` re-encodes an image without any of that: EXIF, XMP, IPTC (Photoshop APP13),
comments and text chunks are dropped; the EXIF orientation is applied to the pixels first, so
the picture stays the right way up without the tag; the colour (ICC) profile is kept, and so
are transparency and animation timing. An image that carries nothing to remove is left
byte-for-byte alone (no needless re-encoding). A JPEG that needs no rotation is re-encoded
with its own quantisation tables (``quality="keep"``), so it loses next to nothing.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

#: What Pillow reads from a file that is about how to show the pixels, not about who took
#: them or where: kept. Everything else in ``Image.info`` is dropped.
KEPT_INFO = {"icc_profile", "transparency", "dpi", "gamma", "duration", "loop", "background"}
#: What Pillow reports about the encoding itself: nothing to remove, no reason to re-encode.
HARMLESS_INFO = KEPT_INFO | {
    "jfif",
    "jfif_version",
    "jfif_unit",
    "jfif_density",
    "adobe",
    "adobe_transform",
    "progressive",
    "progression",
    "interlace",
    "aspect",
    "srgb",
    "chromaticity",
    "lossless",
    "version",
    "extension",
    "compression",
}
#: JPEG segments that carry metadata: APP1 (EXIF, XMP), APP13 (IPTC), COM.
_JPEG_METADATA_MARKERS = {"APP1", "APP13", "COM"}


#: PNG chunks that carry metadata: EXIF, text (XMP travels in iTXt), modification time.
_PNG_METADATA_CHUNKS = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}


def _png_chunk_types(file) -> set[bytes]:
    """The chunk types of a PNG, read from the chunk headers alone (nothing is inflated).

    Pillow's ``getexif()`` on a PNG decodes the whole image to look for an eXIf chunk after
    the pixels: 40 megapixels, seconds and hundreds of MB, for a question about a few bytes.
    """
    file.seek(8)  # the signature
    found = set()
    while True:
        header = file.read(8)
        if len(header) < 8:
            return found
        length, kind = int.from_bytes(header[:4], "big"), header[4:]
        found.add(kind)
        if kind == b"IEND":
            return found
        file.seek(length + 4, io.SEEK_CUR)  # the data and its CRC


def carries_metadata(image: Image.Image) -> bool:
    """Whether ``image`` (opened, not loaded) holds anything we remove."""
    if image.format == "PNG":
        return bool(_png_chunk_types(image.fp) & _PNG_METADATA_CHUNKS)
    if image.getexif():
        return True
    if set(image.info) - HARMLESS_INFO:
        return True  # XMP, IPTC ("photoshop"), comments, PNG text chunks, raw "exif"…
    applist = getattr(image, "applist", None) or []
    return any(marker in _JPEG_METADATA_MARKERS for marker, _ in applist)


def clean_image(file) -> bytes | None:
    """The image in ``file`` without location and device data, or None if it has none.

    ``file`` is read from the start and left at its start. The format does not change.
    """
    file.seek(0)
    try:
        with Image.open(file) as image:
            if not carries_metadata(image):
                return None
            return _reencode(image)
    finally:
        file.seek(0)


def _reencode(image: Image.Image) -> bytes:
    fmt = image.format
    kept = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    orientation = image.getexif().get(0x0112, 1)
    frames = getattr(image, "n_frames", 1)
    out = io.BytesIO()
    params: dict = {}
    if kept.get("icc_profile"):
        params["icc_profile"] = kept["icc_profile"]

    if frames > 1:  # animated GIF/WebP: every frame, same timing, no metadata
        image.info = kept
        image.save(out, format=fmt, save_all=True, **params)
        return out.getvalue()

    if fmt == "JPEG" and orientation in (None, 1):
        # Same pixels, same quantisation tables: re-encoding loses next to nothing.
        image.info = kept
        image.save(out, format="JPEG", quality="keep", **params)
        return out.getvalue()

    upright = ImageOps.exif_transpose(image) if orientation not in (None, 1) else image.copy()
    upright.info = kept
    if fmt == "JPEG":
        params.update(quality=95)
    elif fmt == "WEBP":
        params.update(lossless=bool(image.info.get("lossless")), quality=90)
    elif fmt == "PNG" and "transparency" in kept:
        params["transparency"] = kept["transparency"]
    upright.save(out, format=fmt, **params)
    return out.getvalue()
