"""Shared tools for the security tests: read HTML as a browser would, fill admin forms,
make hostile files."""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.contrib.auth.hashers import Argon2PasswordHasher
from PIL import Image

from newsroom.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES

# nh3 (ammonia) keeps these on every tag unless told otherwise; neither can run script.
GENERIC_ATTRIBUTES = {"lang", "title"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "xlink:href", "data", "poster"}
# Browsers drop ASCII whitespace and control characters inside a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in ``value`` (already entity-decoded), if any."""
    squeezed = _IGNORED_IN_SCHEME.sub("", value)
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", squeezed)
    return match.group(1).lower() if match else None


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    """Every element of a document with its attributes, and the text of scripts and titles."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag in {"script", "title", "style", "textarea"}:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self._open[-1].text += data

    def all(self, tag: str) -> list[Element]:
        return [element for element in self.elements if element.tag == tag]

    def meta(self, key: str) -> list[str]:
        return [
            element.attrs.get("content", "")
            for element in self.all("meta")
            if key in (element.attrs.get("property"), element.attrs.get("name"))
        ]

    @property
    def inline_scripts(self) -> list[Element]:
        """Scripts a browser would run from the page itself (not files, not data blocks)."""
        return [
            script
            for script in self.all("script")
            if "src" not in script.attrs
            and script.attrs.get("type", "").lower()
            not in {"application/ld+json", "application/json", "importmap"}
        ]

    @property
    def json_ld(self) -> list[str]:
        return [
            script.text
            for script in self.all("script")
            if script.attrs.get("type", "").lower() == "application/ld+json"
        ]


def assert_page_runs_no_injected_script(html: str) -> Page:
    """No inline script, no event handler, no script URL anywhere in the document."""
    page = Page(html)
    assert page.inline_scripts == [], [s.text[:80] for s in page.inline_scripts]
    for element in page.elements:
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name, value)
            if name in URL_ATTRIBUTES:
                assert url_scheme(value) not in {"javascript", "vbscript", "data"}, (
                    element.tag,
                    name,
                    value,
                )
    return page


def assert_sanitized(html: str) -> None:
    """Every tag and attribute of ``html`` is on the sanitiser's allowlist; URLs are safe."""
    page = Page(html)
    for element in page.elements:
        assert element.tag in ALLOWED_TAGS, element
        allowed = (
            set(ALLOWED_ATTRIBUTES.get(element.tag, ()))
            | GENERIC_ATTRIBUTES
            | ({"rel"} if element.tag == "a" else set())
        )
        for name, value in element.attrs.items():
            assert name in allowed, (element.tag, name, value)
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                assert scheme is None or scheme in ALLOWED_URL_SCHEMES, (element.tag, value)
    assert not re.search(r"<\s*/?\s*(script|style|iframe|svg|math)\b", html, re.IGNORECASE)


# --- Admin forms --------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of one form (by id), with their initial values."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._done = False
        self._select: str | None = None
        self._select_selected = False
        self._textarea: str | None = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._done and attrs.get("id") == self.form_id:
            self._in_form = True
            return
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_selected = name, False
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
            self._select_selected = True
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            values = self.data[self._textarea]
            values[-1] = values[-1].removeprefix("\n")  # as browsers do
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def admin_form_data(html: str, form_id: str = "article_form") -> dict:
    """POST data equal to what a browser would send for the admin form as rendered."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}


# --- Hostile files ---------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG that declares a huge canvas: decoding it would take gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 8, 9)  # a few real rows, then nothing
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def gif_with_huge_later_frame(width: int = 30_000, height: int = 30_000) -> bytes:
    """A small, valid two-frame GIF whose *second* frame then claims a huge canvas.

    A check that looks only at the first frame (or at the logical screen) lets it through.
    """
    frames = [Image.new("RGB", (16, 16), (255, 0, 0)), Image.new("RGB", (16, 16), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    data = buffer.getvalue()
    # Each frame: graphic control extension (8 bytes), then the image descriptor, whose
    # width and height sit at offsets 5..9.
    controls = [m.start() for m in re.finditer(re.escape(b"\x21\xf9\x04"), data)]
    descriptor = controls[1] + 8
    assert data[descriptor] == 0x2C
    return data[: descriptor + 5] + struct.pack("<HH", width, height) + data[descriptor + 9 :]


def jpeg_bytes(size=(800, 600), color=(200, 60, 40), exif=None) -> bytes:
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(buffer, format="JPEG", quality=90, **kwargs)
    return buffer.getvalue()


def png_bytes(size=(800, 600), color=(30, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF with a camera's GPS position (a source's home, say) and a camera model."""
    exif = Image.Exif()
    exif[0x0110] = "Reporter Phone 12"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 26.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    return exif


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(0x8825))


HTML_PAYLOAD = b"<html><body><script>alert(document.domain)</script></body></html>"


def jpeg_html_polyglot() -> bytes:
    """A real JPEG that is also an HTML page: markup in a comment segment and after the end."""
    data = jpeg_bytes((64, 64))
    comment = b"\xff\xfe" + struct.pack(">H", len(HTML_PAYLOAD) + 2) + HTML_PAYLOAD
    return data[:2] + comment + data[2:] + HTML_PAYLOAD


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with test-sized costs: the same algorithm and prefix, milliseconds per hash."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
