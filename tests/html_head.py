"""Read what machines read from a page's <head>: meta tags, links, JSON-LD, the title."""

from __future__ import annotations

import json
from collections import defaultdict
from html.parser import HTMLParser


class Head(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = defaultdict(list)
        self.links: list[dict[str, str]] = []
        self.json_ld_raw: list[str] = []
        self.script_count = 0
        self.title = ""
        self._in = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key].append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self.script_count += 1
            self._in = "ld" if attrs.get("type") == "application/ld+json" else "script"
            if self._in == "ld":
                self.json_ld_raw.append("")
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        if tag in {"script", "title"}:
            self._in = ""

    def handle_data(self, data):
        if self._in == "ld":
            self.json_ld_raw[-1] += data
        elif self._in == "title":
            self.title += data

    def one(self, key: str) -> str:
        """The content of the single meta tag ``key`` (fails if absent or repeated)."""
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values!r}"
        return values[0]

    def link(self, rel: str, type_: str | None = None) -> list[str]:
        return [
            link["href"]
            for link in self.links
            if rel in link.get("rel", "").split() and (type_ is None or link.get("type") == type_)
        ]

    @property
    def json_ld(self) -> list[dict]:
        return [json.loads(raw) for raw in self.json_ld_raw]

    def node(self, type_: str) -> dict:
        found = [data for data in self.json_ld if data.get("@type") == type_]
        assert len(found) == 1, f"{type_}: {[d.get('@type') for d in self.json_ld]}"
        return found[0]


def head_of(response) -> Head:
    assert response.status_code == 200, response.status_code
    return Head(response.content.decode())
