"""The rules that translate WordPress values into ours. Pure functions: no database.

Status (WordPress → us):

============  =========================================================================
publish       published, at ``post_date_gmt``
future        published with a future publication time, i.e. scheduled
draft         draft (publication time kept only when WordPress had one chosen)
pending       in review
private       unpublished (it was never public)
trash         not imported (an article imported before is unpublished by ``--update``)
auto-draft    not imported
============  =========================================================================

A password-protected post was public only to readers who had the password, so it is
imported unpublished when it was published; a password-protected draft, pending or
scheduled post keeps its status (it was never public either way). The password itself is
not imported, and the report says so for each.

A "future" post whose time has passed (WordPress's "missed schedule": its cron never ran)
is published at that time, as WordPress publishes it when it notices, and noted.
"""

from __future__ import annotations

import hashlib
import json
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.encoding import escape_uri_path
from django.utils.text import slugify

from articles.legacy import (
    LEGACY_QUERY_PARAMS,
    front_path,
    legacy_query_key,
)
from articles.models import Article

from .attribution import Attribution, valid_source_url
from .links import site_relative
from .parser import WPAuthor, WPItem, WXRExport
from .text import clean_text

Status = Article.Status


# --- times -------------------------------------------------------------------------------------


def parse_wp_datetime(value: str | None, tz: tzinfo) -> datetime | None:
    """A WordPress ``YYYY-MM-DD HH:MM:SS`` in ``tz``; None for empty or ``0000-00-00…``."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        naive = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=tz)


def item_time(gmt: str, local: str, tz: tzinfo) -> datetime | None:
    """The GMT time when WordPress recorded one, else the local time in the site's zone."""
    return parse_wp_datetime(gmt, UTC) or parse_wp_datetime(local, tz)


def get_timezone(name: str) -> tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone {name!r}.") from exc


# --- status ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostPlan:
    """What becomes of a post: its status and times, or why it is skipped."""

    status: str = ""
    published_at: datetime | None = None
    updated_at: datetime | None = None
    skip: str = ""  # the reason it is not imported, when it is not
    notes: tuple[str, ...] = ()


SKIPPED_STATUSES = {
    "trash": "in the WordPress trash",
    "auto-draft": "an auto-draft WordPress made, never saved by anyone",
    "inherit": "a revision, not a post",
}


def plan_post(item: WPItem, tz: tzinfo, now: datetime) -> PostPlan:
    """Map a post's WordPress status and dates to ours (see the module docstring)."""
    status = item.status or "draft"
    if status in SKIPPED_STATUSES:
        return PostPlan(skip=SKIPPED_STATUSES[status])
    date = item_time(item.post_date_gmt, item.post_date, tz)
    chosen_date = parse_wp_datetime(item.post_date_gmt, UTC)  # set once a date is chosen
    modified = item_time(item.post_modified_gmt, item.post_modified, tz)
    notes: list[str] = []
    if status in ("publish", "future"):
        ours, published_at = Status.PUBLISHED, date or now
        if date is None:
            notes.append("it had no publication date; the time of the import was used")
    elif status == "private":
        ours, published_at = Status.UNPUBLISHED, date
        notes.append("it was private in WordPress and is unpublished here")
    elif status == "pending":
        ours, published_at = Status.REVIEW, chosen_date
    elif status == "draft":
        ours, published_at = Status.DRAFT, chosen_date
    else:
        ours, published_at = Status.DRAFT, chosen_date
        notes.append(f"its WordPress status “{status}” is unknown; it was imported as a draft")
    if status == "future" and date is not None and date <= now:
        notes.append(
            "it was scheduled in WordPress for a time that has passed; it is published at that time"
        )
    if item.password:
        if ours == Status.PUBLISHED:
            notes.append("it was password-protected in WordPress and is unpublished here")
            ours = Status.UNPUBLISHED
        else:
            notes.append("it was password-protected in WordPress; the password is not kept")
    return PostPlan(status=ours, published_at=published_at, updated_at=modified, notes=tuple(notes))


# --- people ------------------------------------------------------------------------------------


# What WordPress's sanitize_user() leaves in a login (strict mode), and its column's length.
_WP_LOGIN = re.compile(r"[A-Za-z0-9 _.@-]{1,60}")


def valid_login(login: str) -> bool:
    """Whether ``login`` is one WordPress could have stored.

    Anything else means a hand-edited or damaged export: the author is still imported
    (under the name readers saw), but never linked to one of our accounts on its word.
    """
    return bool(_WP_LOGIN.fullmatch(login or ""))


def author_nicename(login: str) -> str:
    """The nicename WordPress derives from a login, as used in ``/author/<nicename>/``."""
    text = unquote(login or "").lower().replace(".", "-").replace("@", "")
    text = re.sub(r"[^a-z0-9 _-]", "", text)
    text = re.sub(r"[\s-]+", "-", text).strip("-")
    return text[:50]


def author_name(author: WPAuthor) -> str:
    """The name readers saw: the display name unless it is the login or an e-mail address."""
    display = clean_text(author.display_name)
    full = clean_text(f"{author.first_name} {author.last_name}")
    if display and display != author.login and "@" not in display:
        return display
    return full or display.split("@")[0] or author.login


# --- slugs -------------------------------------------------------------------------------------


def slug_candidate(*values: str) -> str:
    """The first value that gives an ASCII slug (WordPress slugs may be percent-encoded)."""
    for value in values:
        slug = slugify(unquote(value or ""))
        if slug:
            return slug
    return ""


# --- attribution from custom fields -------------------------------------------------------------

# Custom fields read for "originally published at", in order of preference. A name field
# holding a URL is read as the URL. The canonical-URL fields (ours and Yoast SEO's) count only
# when they point at another site: a canonical URL on the old site is not an attribution.
SOURCE_NAME_KEYS = ("source_name", "original_source", "original_publication")
SOURCE_URL_KEYS = ("source_url", "original_url", "original_source_url")
CANONICAL_URL_KEYS = ("canonical_url", "_yoast_wpseo_canonical")


def host_name(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def attribution_from_meta(item: WPItem, site_hosts: frozenset[str]) -> Attribution | None:
    name = url = ""
    for key in SOURCE_NAME_KEYS:
        value = item.meta_value(key).strip()
        if value and value.lower().startswith(("http://", "https://")):
            url = url or valid_source_url(value)
        elif value:
            name = name or clean_text(value)
    for key in SOURCE_URL_KEYS:
        url = url or valid_source_url(item.meta_value(key))
    for key in CANONICAL_URL_KEYS:
        value = valid_source_url(item.meta_value(key))
        if value and (urlsplit(value).hostname or "").lower() not in site_hosts:
            url = url or value
    if url and (urlsplit(url).hostname or "").lower() in site_hosts:
        url = ""
    if url and not name:
        name = host_name(url)
    if not name:
        return None
    return Attribution(name=name[:200], url=url)


def seo_fields(item: WPItem) -> dict[str, str]:
    """Yoast SEO's title and description, when they are plain text (no %%variables%%)."""
    fields = {}
    for key, ours, limit in (
        ("_yoast_wpseo_title", "seo_title", 200),
        ("_yoast_wpseo_metadesc", "seo_description", 300),
    ):
        value = clean_text(item.meta_value(key))
        if value and "%%" not in value:
            fields[ours] = value[:limit]
    return fields


# --- addresses ---------------------------------------------------------------------------------


def site_hosts(export: WXRExport) -> frozenset[str]:
    """The old site's host names, with and without ``www.``."""
    hosts = set()
    for url in (export.base_site_url, export.base_blog_url, export.link):
        host = (urlsplit(url or "").hostname or "").lower()
        if host:
            hosts.update({host, host.removeprefix("www."), f"www.{host.removeprefix('www.')}"})
    return frozenset(hosts)


def blog_path(export: WXRExport) -> str:
    """The blog's base path on its host: '' at the root, '/news' for example.com/news."""
    url = export.base_blog_url or export.link or export.base_site_url
    return unquote(urlsplit(url or "").path).rstrip("/")


def path_key(path: str) -> str:
    """A path as ``Redirect.old_path`` must hold it to match ``request.get_full_path()``."""
    return escape_uri_path(unquote(path))


def old_paths(url: str, hosts: frozenset[str], base: str = "") -> list[str]:
    """The redirect key for an old address: its path, or its ``?p=…`` query key.

    The blog's front page itself (``/``, ``/news/``) is never one: it is not the post's.
    """
    relative = site_relative(url, hosts) if "://" in (url or "") else url
    if not relative:
        return []
    parts = urlsplit(relative)
    path = unquote(parts.path or "/")
    front = front_path(path)
    if front is not None:
        query = parse_qs(parts.query)
        for param in LEGACY_QUERY_PARAMS:
            if query.get(param):
                return [legacy_query_key(front, param, query[param][0])]
    if path.rstrip("/") in ("", base) or path == f"{base}/index.php":
        return []
    return [path_key(path)]


def archive_path(base: str, *segments: str) -> str:
    """``/category/news/local/``-style archive paths under the blog's base path."""
    inner = "/".join(unquote(segment).strip("/") for segment in segments if segment)
    return path_key(f"{base}/{inner}/")


def usable_old_path(path: str) -> str:
    """Why an old path cannot be a redirect, or '' when it can.

    Length is no reason: a path too long for ``Redirect.old_path`` is stored under
    ``articles.legacy.redirect_key``, which the legacy middleware looks up.
    """
    if not path.startswith("/"):
        return "it is not a path"
    return ""


# --- change detection --------------------------------------------------------------------------

FINGERPRINT_META = (
    "_thumbnail_id",
    "_yoast_wpseo_title",
    "_yoast_wpseo_metadesc",
    "_yoast_wpseo_primary_category",
    *SOURCE_NAME_KEYS,
    *SOURCE_URL_KEYS,
    *CANONICAL_URL_KEYS,
)


def fingerprint(item: WPItem) -> str:
    """A hash of everything we import from a post, to notice changes the date may miss."""
    data = [
        item.title,
        item.content,
        item.excerpt,
        item.status,
        item.password,
        item.post_name,
        item.post_date,
        item.post_date_gmt,
        item.creator,
        [(term.domain, term.slug, term.name) for term in item.terms],
        [(key, item.meta.get(key, [])) for key in FINGERPRINT_META],
    ]
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()
