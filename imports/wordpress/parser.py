"""Read a WordPress eXtended RSS (WXR) export into plain data classes.

Safety: the XML is parsed with defusedxml, which refuses a document type declaration, entity
definitions and external references, so a hostile file can neither expand entities into
gigabytes nor make us read local files or the network. A WordPress export never has a
DOCTYPE, so refusing one costs nothing.

Robustness: real exports often carry control characters that XML forbids (pasted from word
processors) and sometimes stray whitespace before the XML declaration (a plugin echoing a
blank line). Both are removed while reading, and the number of removed characters is
reported. The file is read as a stream and each ``<item>`` is dropped from the tree once
read, so a large export does not need several times its size in memory.

Namespaces differ between WXR 1.0, 1.1 and 1.2, and WordPress.com (and WordPress's own
theme unit test data) write them with ``https://``; tags are normalised to ``wp:``,
``content:``, ``excerpt:`` and ``dc:`` prefixes whatever the version and scheme. As
WordPress's own importer does, any ``<major>.<minor>`` version is read; one newer than 1.2 is
read with a warning.

WordPress's importer also reads exports in which a CDATA section holds an unescaped ``]]>``
(its test file "crazy-cdata"): strict XML ends the section there and refuses the rest. When
the streaming read fails, the file is read once more with each such section re-escaped
(``_repair_cdata``) — taking, as WordPress does, everything up to the last ``]]>`` before the
element's closing tag — and the warning says how many sections were repaired.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}
_VERSION = re.compile(r"\d+\.\d+")
# Bytes below 0x20 other than tab, newline and carriage return are not allowed in XML 1.0.
# In UTF-8 they never occur inside a multi-byte character, so removing them byte-wise is safe.
_FORBIDDEN_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))
_LEADING_JUNK = re.compile(rb"^[\s\xef\xbb\xbf]+")

NAMESPACE_PREFIXES = [
    # Checked in order, on the URI without its scheme: the excerpt namespace starts like
    # the wp one.
    ("wordpress.org/export/", "/excerpt/", "excerpt"),
    ("wordpress.org/export/", "", "wp"),
    ("purl.org/rss/1.0/modules/content/", "", "content"),
    ("purl.org/dc/elements/1.1/", "", "dc"),
    ("wellformedweb.org/CommentAPI/", "", "wfw"),
]


class WXRError(Exception):
    """The file is not a WordPress export we can read safely."""


class _NotWellFormed(WXRError):
    """Strict XML refused the file; it may still be an export WordPress reads."""


@dataclass
class WPAuthor:
    """A WordPress user (``<wp:author>``)."""

    wp_id: str
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    nicename: str = ""  # only some exporters include it
    description: str = ""  # only some exporters include it


@dataclass
class WPTerm:
    """A category, tag or other taxonomy term declared at the top of the export."""

    taxonomy: str  # "category", "post_tag", "author" (Co-Authors Plus), …
    term_id: str
    slug: str
    name: str
    parent: str = ""  # the parent's slug
    description: str = ""


@dataclass
class WPItemTerm:
    """A term an item is filed under (``<category domain=… nicename=…>name</category>``)."""

    domain: str
    slug: str
    name: str


@dataclass
class WPComment:
    """A comment on an item (``<wp:comment>``): kept only to be written out, never imported."""

    comment_id: str
    author: str = ""
    author_url: str = ""
    date_gmt: str = ""
    date: str = ""
    content: str = ""
    approved: str = ""  # "1", "0" (held for moderation), "spam", "trash"
    comment_type: str = ""  # "", "comment", "pingback", "trackback"
    parent: str = ""


@dataclass
class WPItem:
    """One ``<item>``: a post, page, attachment, menu item, guest author or custom type."""

    wp_id: int
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_name: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified: str = ""
    post_modified_gmt: str = ""
    post_parent: int = 0
    password: str = ""
    attachment_url: str = ""
    terms: list[WPItemTerm] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    comments: list[WPComment] = field(default_factory=list)

    @property
    def comment_count(self) -> int:
        return len(self.comments)

    def meta_value(self, key: str) -> str:
        """The first value stored under ``key`` (WordPress allows several), or ''."""
        values = self.meta.get(key)
        return values[0] if values else ""

    def terms_in(self, domain: str) -> list[WPItemTerm]:
        return [term for term in self.terms if term.domain == domain]


@dataclass
class WXRExport:
    """Everything read from one export file."""

    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    authors: list[WPAuthor] = field(default_factory=list)
    terms: list[WPTerm] = field(default_factory=list)
    items: list[WPItem] = field(default_factory=list)
    removed_characters: int = 0
    warnings: list[str] = field(default_factory=list)

    def terms_of(self, taxonomy: str) -> list[WPTerm]:
        return [term for term in self.terms if term.taxonomy == taxonomy]


class _CleaningReader(io.RawIOBase):
    """A binary stream that drops bytes XML forbids and junk before the declaration."""

    def __init__(self, raw):
        self.raw = raw
        self.removed = 0
        self.started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            chunk = self.raw.read(len(buffer))
            if not chunk:
                return 0
            if not self.started:
                chunk = _LEADING_JUNK.sub(b"", chunk)
                if not chunk:
                    continue
                self.started = True
            cleaned = chunk.translate(None, _FORBIDDEN_BYTES)
            self.removed += len(chunk) - len(cleaned)
            if cleaned:
                buffer[: len(cleaned)] = cleaned
                return len(cleaned)


def _local(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}post_id`` → ``wp:post_id``."""
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    uri = uri.removeprefix("https://").removeprefix("http://")
    for start, contains, prefix in NAMESPACE_PREFIXES:
        if uri.startswith(start) and contains in uri:
            return f"{prefix}:{name}"
    return tag


def _text(element, name: str, *, strip: bool = True) -> str:
    """The text of ``element``'s first child called ``name`` ('' when there is none)."""
    for child in element:
        if _local(child.tag) == name:
            text = child.text or ""
            return text.strip() if strip else text
    return ""


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value.strip())
    except (TypeError, ValueError):
        return default


# Records whose fields are one element each: the dataclass field → its element name.
# ``content`` keeps its whitespace (it is HTML with meaningful line breaks).
_RECORD_FIELDS = {
    WPComment: {
        "comment_id": "wp:comment_id",
        "author": "wp:comment_author",
        "author_url": "wp:comment_author_url",
        "date_gmt": "wp:comment_date_gmt",
        "date": "wp:comment_date",
        "content": "wp:comment_content",
        "approved": "wp:comment_approved",
        "comment_type": "wp:comment_type",
        "parent": "wp:comment_parent",
    },
    WPAuthor: {
        "wp_id": "wp:author_id",
        "login": "wp:author_login",
        "email": "wp:author_email",
        "display_name": "wp:author_display_name",
        "first_name": "wp:author_first_name",
        "last_name": "wp:author_last_name",
        "nicename": "wp:author_nicename",
        "description": "wp:author_description",
    },
}
_UNSTRIPPED = {"wp:comment_content"}


def _record(kind: type[WPComment] | type[WPAuthor], element):
    """A ``<wp:comment>`` or ``<wp:author>`` read through its row of ``_RECORD_FIELDS``."""
    return kind(
        **{
            field_name: _text(element, name, strip=name not in _UNSTRIPPED)
            for field_name, name in _RECORD_FIELDS[kind].items()
        }
    )


# The element names of each kind of term: WXR spells the same fields differently for
# categories (<wp:category>), tags (<wp:tag>) and other taxonomies (<wp:term>).
_TERM_FIELDS = {
    "category": ("wp:category_nicename", "wp:cat_name", "wp:category_parent", "wp:category"),
    "tag": ("wp:tag_slug", "wp:tag_name", None, "wp:tag"),
    "term": ("wp:term_slug", "wp:term_name", "wp:term_parent", "wp:term"),
}
_FIXED_TAXONOMY = {"category": "category", "tag": "post_tag"}


def _term_of(kind: str, element) -> WPTerm:
    slug, name, parent, prefix = _TERM_FIELDS[kind]
    taxonomy = _FIXED_TAXONOMY.get(kind) or _text(element, "wp:term_taxonomy")
    fields = {
        "taxonomy": taxonomy,
        "term_id": _text(element, "wp:term_id"),
        "slug": _text(element, slug),
        "name": _text(element, name),
        "description": _text(element, f"{prefix}_description"),
    }
    if parent:
        fields["parent"] = _text(element, parent)
    return WPTerm(**fields)


def _item(element) -> WPItem | None:
    post_id = _int(_text(element, "wp:post_id"), -1)
    if post_id < 0:
        return None
    item = WPItem(
        wp_id=post_id,
        post_type=_text(element, "wp:post_type") or "post",
        status=_text(element, "wp:status"),
        title=_text(element, "title"),
        link=_text(element, "link"),
        guid=_text(element, "guid"),
        creator=_text(element, "dc:creator"),
        content=_text(element, "content:encoded", strip=False),
        excerpt=_text(element, "excerpt:encoded", strip=False),
        post_name=_text(element, "wp:post_name"),
        post_date=_text(element, "wp:post_date"),
        post_date_gmt=_text(element, "wp:post_date_gmt"),
        post_modified=_text(element, "wp:post_modified"),
        post_modified_gmt=_text(element, "wp:post_modified_gmt"),
        post_parent=_int(_text(element, "wp:post_parent")),
        password=_text(element, "wp:post_password"),
        attachment_url=_text(element, "wp:attachment_url"),
    )
    for child in element:
        name = _local(child.tag)
        if name == "category":
            item.terms.append(
                WPItemTerm(
                    domain=child.get("domain", ""),
                    slug=child.get("nicename", ""),
                    name=(child.text or "").strip(),
                )
            )
        elif name == "wp:postmeta":
            key = _text(child, "wp:meta_key")
            if key:
                item.meta.setdefault(key, []).append(_text(child, "wp:meta_value"))
        elif name == "wp:comment":
            item.comments.append(_record(WPComment, child))
    return item


_CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "description": "description",
    "language": "language",
    "wp:wxr_version": "wxr_version",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
}


def _events(source) -> Iterator[tuple[str, object]]:
    try:
        yield from iterparse(
            source,
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException as exc:
        raise WXRError(
            f"The file was refused for safety ({exc.__class__.__name__}): WordPress exports "
            "declare no document type, entities or external references."
        ) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise _NotWellFormed(
            f"The file is not well-formed XML (line {line}, column {column})."
        ) from exc


# A CDATA section that is an element's whole content, up to the last "]]>" before the
# element's closing tag (as WordPress's importer reads it).
_CDATA_ELEMENT = re.compile(
    rb"(<(?P<tag>[A-Za-z_][\w:.-]*)(?:\s[^<>]*)?>)<!\[CDATA\[(?P<body>.*?)\]\]>(</(?P=tag)>)",
    re.DOTALL,
)
_ESCAPED_END = b"]]]]><![CDATA[>"


def _repair_cdata(data: bytes) -> tuple[bytes, int]:
    """Re-escape every ``]]>`` inside an element's CDATA content; return the count repaired."""
    repaired = 0

    def replace(match: re.Match) -> bytes:
        nonlocal repaired
        body = match.group("body").replace(_ESCAPED_END, b"]]>")
        if b"]]>" not in body:
            return match.group(0)
        repaired += 1
        body = body.replace(b"]]>", _ESCAPED_END)
        return match.group(1) + b"<![CDATA[" + body + b"]]>" + match.group(4)

    return _CDATA_ELEMENT.sub(replace, data), repaired


def parse_wxr(source: str | Path | io.BufferedIOBase) -> WXRExport:
    """Read an export from a path or a binary file object.

    The file is streamed; only when strict XML refuses it is it read whole, once, to repair
    the unescaped ``]]>`` WordPress's own importer tolerates (see the module docstring).
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return parse_wxr(handle)
    start = source.tell() if source.seekable() else None
    try:
        return _read(source)
    except _NotWellFormed:
        if start is None:
            raise
        source.seek(start)
        data, repaired = _repair_cdata(source.read())
        if not repaired:
            raise
    export = _read(io.BytesIO(data))
    export.warnings.append(
        f"{repaired} CDATA section(s) held an unescaped “]]>”; they were read as WordPress "
        "reads them (up to the last “]]>” before the closing tag)."
    )
    return export


def _read(source) -> WXRExport:
    reader = _CleaningReader(source)
    export = WXRExport()
    path: list[str] = []
    channel = None
    for event, element in _events(io.BufferedReader(reader)):
        name = _local(element.tag)
        if event == "start":
            if not path and name != "rss":
                raise WXRError("This is not a WordPress export: its root element is not rss.")
            path.append(name)
            if path == ["rss", "channel"]:
                channel = element
            continue
        path.pop()
        if path != ["rss", "channel"]:
            continue
        if name == "item":
            item = _item(element)
            if item is None:
                export.warnings.append("An item without a post ID was ignored.")
            else:
                export.items.append(item)
        elif name == "wp:author":
            export.authors.append(_record(WPAuthor, element))
        elif name == "wp:category":
            export.terms.append(_term_of("category", element))
        elif name == "wp:tag":
            export.terms.append(_term_of("tag", element))
        elif name == "wp:term":
            export.terms.append(_term_of("term", element))
        elif name in _CHANNEL_FIELDS:
            setattr(export, _CHANNEL_FIELDS[name], (element.text or "").strip())
        channel.remove(element)  # read: drop it, so memory stays flat on a large export
    if channel is None:
        raise WXRError("This is not a WordPress export: it has no channel.")
    if not export.wxr_version:
        raise WXRError("This is not a WordPress export: it has no wp:wxr_version.")
    if not _VERSION.fullmatch(export.wxr_version):
        raise WXRError(
            f"This is not a WordPress export: its WXR version {export.wxr_version!r} is not a "
            "version number."
        )
    if export.wxr_version not in SUPPORTED_VERSIONS:
        export.warnings.append(
            f"WXR version {export.wxr_version} is not one this was written for (1.0–1.2)."
        )
    export.removed_characters = reader.removed
    if reader.removed:
        export.warnings.append(
            f"{reader.removed} control character(s) that XML does not allow were removed."
        )
    return export
