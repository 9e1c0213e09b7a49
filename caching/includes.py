"""Edge includes: Varnish assembles Recent Articles into pages itself (ESI), so a publication
purges one small fragment at the edge instead of every article page.

Why it is built this way:

- **At the edge, a page is one object.** An article page shows Recent Articles, so its
  ``xkey`` carried the part's tags and every publication — and every edit of a story in the
  list — purged all 2,000 article pages from Varnish, each then fetched again from the app.
  Served to Varnish, a page now carries ``<esi:include>`` where an *edge part*
  (``fragments.register_part(..., edge=True)``) sits, and only its own and its other parts'
  tags; the part is its own edge object at ``/_parts/<token>/`` under its own tags.
- **Only for a cache that says it assembles.** Varnish sends ``Surrogate-Capability:
  varnish="ESI/1.0"`` on its backend requests (deploy/varnish.vcl, which drops the header
  from readers' requests). Anyone else — a browser, nginx alone, the tests' client — gets the
  page with the part inline, exactly as before. The app's page cache stores one copy; the
  include variant is cut from it when served (``PartRef`` says where each part sits).
- **A token, not parameters.** The part's name and arguments travel signed
  (``django.core.signing``): nobody can ask the app to render a part with arguments no page
  uses (a list of a million cards, say). A bad token is a 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from caching import assembly, cache, edge, fragments

SALT = "caching.includes"
CAPABILITY = "ESI/1.0"


def wanted(meta) -> bool:
    """Whether the request comes from an edge cache that assembles includes."""
    return settings.EDGE_INCLUDES and CAPABILITY in meta.get("HTTP_SURROGATE_CAPABILITY", "")


def part_url(name: str, args: Iterable[object]) -> str:
    # No timestamp (signing.dumps would add one): the same part must keep the same address,
    # or every render would make Varnish fetch and keep another copy.
    token = signing.Signer(salt=SALT).sign_object([name, list(args)], compress=True)
    return reverse("edge-part", kwargs={"token": token})


def has_edge_parts(parts: Iterable[assembly.PartRef]) -> bool:
    return any(fragments.is_edge_part(part.name) for part in parts)


def servable(meta, entry, stale: list[int]) -> bool:
    """Whether a stored page whose ``stale`` parts are all edge parts can go to the edge as
    it is: the edge's variant does not contain them (it includes their own URLs)."""
    return (
        bool(stale)
        and wanted(meta)
        and all(fragments.is_edge_part(entry.parts[index].name) for index in stale)
    )


def variant(
    content: bytes,
    parts: tuple[assembly.PartRef, ...],
    own_tags: Iterable[str],
    headers: Iterable[tuple[str, str]],
) -> tuple[bytes, list[tuple[str, str]]]:
    """The page as the edge gets it: each edge part replaced by an include of its own URL,
    and tags, ETag and length to match."""
    pieces: list[bytes] = []
    tags = set(own_tags)
    last = 0
    for part in parts:
        if not fragments.is_edge_part(part.name):
            tags |= part.tags
            continue
        pieces.append(content[last : part.start])
        src = part_url(part.name, part.args)
        pieces.append(f'<esi:include src="{src}"/>'.encode())
        last = part.end
    pieces.append(content[last:])
    body = b"".join(pieces)
    replaced = {"etag", "content-length", "surrogate-control"}
    replaced |= {name.lower() for name in cache.TAG_HEADERS}
    kept = [(name, value) for name, value in headers if name.lower() not in replaced]
    value = edge.header_value(tags)
    kept += [(name, value) for name in cache.TAG_HEADERS]
    digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
    kept += [
        ("ETag", f'"{digest}"'),
        ("Surrogate-Control", f'content="{CAPABILITY}"'),
        ("Content-Length", str(len(body))),
    ]
    return body, kept


def apply(request: HttpRequest, response, parts, own_tags) -> None:
    """Turn ``response`` into the edge's variant when the edge asked for one."""
    if not parts or not wanted(request.META) or not has_edge_parts(parts):
        return
    body, headers = variant(response.content, parts, own_tags, response.headers.items())
    for name in list(response.headers):
        del response.headers[name]
    response.content = body
    for name, value in headers:
        response.headers[name] = value


def part_view(request: HttpRequest, token: str) -> HttpResponse:
    """One edge part, rendered from its signed name and arguments (stored by the page cache
    and by Varnish under the tags its render read, like any page)."""
    try:
        name, args = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        raise Http404("No such part.") from None
    if not isinstance(name, str) or not fragments.is_edge_part(name):
        raise Http404("No such part.")
    html = fragments.part_builder(name)(*args)
    response = HttpResponse(html)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
