"""Article revisions (django-reversion): what goes into one, reading one back, comparing two.

A revision of an article holds the article row, its bylines and its tag links. Restoring
takes the *content* back (text, image, section, bylines, tags) and leaves the workflow
fields alone — status, publication time, address — so restoring a published article's
earlier text keeps it published at the same URL.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from .models import Article, Byline, Section

# Fields a restore brings back, in the order the comparison shows them.
CONTENT_FIELDS = [
    "headline",
    "dek",
    "section",
    "body",
    "excerpt",
    "featured_image",
    "featured_image_alt",
    "featured_image_caption",
    "featured_image_credit",
    "source_name",
    "source_url",
    "permission_note",
    "seo_title",
    "seo_description",
]
IMAGE_DIMENSIONS = ["featured_image_width", "featured_image_height"]
BLOCK_END = re.compile(
    r"(</(?:p|h[1-6]|li|blockquote|figure|figcaption|ul|ol|pre|table|tr)>|<br\s*/?>|<hr\s*/?>)",
    re.IGNORECASE,
)


def add_article(article: Article) -> None:
    """Put the article as it is now, with bylines and tag links, into the open revision.

    The admin and the services call this after everything is saved, so the revision holds
    the final state even though reversion first saw the article before its inlines and tags.
    """
    reversion.add_to_revision(article)
    for byline in article.bylines.all():
        reversion.add_to_revision(byline)
    for item in _tagged_items(article):
        reversion.add_to_revision(item)


def _tagged_items(article: Article):
    content_type = ContentType.objects.get_for_model(Article)
    return TaggedItem.objects.filter(content_type=content_type, object_id=article.pk)


def versions_of(article: Article):
    """The article's versions, newest first, with who saved each and why."""
    return Version.objects.get_for_object(article).select_related("revision__user")


@dataclass(frozen=True)
class LastChange:
    by: str
    at: datetime | None
    comment: str = ""


def user_label(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def last_change(article: Article) -> LastChange:
    """Who saved the article last, and when (for the "someone else saved it" message)."""
    version = versions_of(article).first()
    if version is not None:
        revision = version.revision
        return LastChange(user_label(revision.user), revision.date_created, revision.comment)
    change = article.status_changes.select_related("by").first()
    if change is not None:
        return LastChange(user_label(change.by), change.at, change.get_action_display())
    return LastChange("someone", article.modified_at)


@dataclass
class Snapshot:
    """An article's content as one version recorded it, ready to show or compare."""

    version: Version
    fields: dict
    bylines: list[dict] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)

    @property
    def revision(self):
        return self.version.revision

    def display(self) -> dict[str, str]:
        """Each compared field as text a person reads."""
        values = {}
        for name in CONTENT_FIELDS:
            value = self.fields.get(name)
            if name == "section":
                section = Section.objects.filter(pk=self.fields.get("section_id")).first()
                value = section.name if section else ""
            elif name == "featured_image":
                value = getattr(value, "name", value) or ""
            values[name] = "" if value is None else str(value)
        values["bylines"] = "\n".join(self.byline_labels())
        values["tags"] = ", ".join(self.tag_names())
        return values

    def byline_labels(self) -> list[str]:
        from authors.models import Author

        names = dict(
            Author.objects.filter(pk__in=[b["author_id"] for b in self.bylines]).values_list(
                "pk", "name"
            )
        )
        roles = dict(Byline.Role.choices)
        return [
            f"{roles.get(b['role'], b['role'])} {names.get(b['author_id'], '(deleted author)')}"
            for b in self.bylines
        ]

    def tag_names(self) -> list[str]:
        return sorted(Tag.objects.filter(pk__in=self.tag_ids).values_list("name", flat=True))


def snapshot(version: Version) -> Snapshot:
    """Read an article version and the bylines and tags saved in the same revision."""
    article_fields = version.field_dict
    article_id = version.object_id
    bylines = []
    tag_ids = []
    siblings = version.revision.version_set.all()
    byline_type = ContentType.objects.get_for_model(Byline)
    tag_type = ContentType.objects.get_for_model(TaggedItem)
    article_type = ContentType.objects.get_for_model(Article)
    for sibling in siblings:
        if sibling.content_type_id == byline_type.pk:
            data = sibling.field_dict
            if str(data.get("article_id")) == str(article_id):
                bylines.append(data)
        elif sibling.content_type_id == tag_type.pk:
            data = sibling.field_dict
            if str(data.get("object_id")) == str(article_id) and (
                data.get("content_type_id") == article_type.pk
            ):
                tag_ids.append(data["tag_id"])
    bylines.sort(key=lambda b: (b.get("position", 0), b.get("id", 0)))
    return Snapshot(version=version, fields=article_fields, bylines=bylines, tag_ids=tag_ids)


def apply_snapshot(article: Article, snap: Snapshot) -> list[str]:
    """Copy the snapshot's content onto ``article`` (unsaved); return what could not be.

    Bylines and tags are written to the database at once, so call this inside the
    transaction that then saves the article.
    """
    skipped = []
    for name in CONTENT_FIELDS:
        key = "section_id" if name == "section" else name
        if key not in snap.fields:
            continue
        value = snap.fields[key]
        if name == "section":
            if Section.objects.filter(pk=value).exists():
                article.section_id = value
            else:
                skipped.append("the section (it was deleted)")
        elif name == "featured_image":
            image_name = getattr(value, "name", value) or ""
            if image_name and not article.featured_image.storage.exists(image_name):
                skipped.append("the featured image (the file is gone)")
                continue
            # Set the name, not the file: assigning a file would open it to measure it.
            article.featured_image.name = image_name
            for dimension in IMAGE_DIMENSIONS:
                setattr(article, dimension, snap.fields.get(dimension))
        else:
            setattr(article, name, value if value is not None else "")

    from authors.models import Author

    existing_authors = set(
        Author.objects.filter(pk__in=[b["author_id"] for b in snap.bylines]).values_list(
            "pk", flat=True
        )
    )
    article.bylines.all().delete()
    for position, data in enumerate(snap.bylines):
        if data["author_id"] not in existing_authors:
            skipped.append("a byline whose author was deleted")
            continue
        Byline.objects.create(
            article=article,
            author_id=data["author_id"],
            role=data.get("role") or Byline.Role.BY,
            position=data.get("position", position),
        )
    tags = list(Tag.objects.filter(pk__in=snap.tag_ids))
    if len(tags) < len(snap.tag_ids):
        skipped.append("tags that were deleted")
    article.tags.set(tags)
    return skipped


# --- Comparing ----------------------------------------------------------------------------

FIELD_LABELS = {
    "headline": "Headline",
    "dek": "Standfirst",
    "section": "Section",
    "bylines": "Bylines",
    "tags": "Tags",
    "body": "Body",
    "excerpt": "Excerpt",
    "featured_image": "Featured image",
    "featured_image_alt": "Alt text",
    "featured_image_caption": "Caption",
    "featured_image_credit": "Credit",
    "source_name": "Originally published at",
    "source_url": "Original URL",
    "permission_note": "Permission note",
    "seo_title": "SEO title",
    "seo_description": "SEO description",
}


BLOCK_FIELDS = {"body", "bylines", "excerpt"}


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: SafeString


def _words(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def inline_diff(old: str, new: str) -> SafeString:
    """Word-level differences as escaped text with ``<del>`` and ``<ins>`` marks."""
    a, b = _words(old), _words(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(parts))  # every part above is escaped


def _lines(text: str) -> list[str]:
    """Split HTML (or plain text) into lines at block ends, so a diff reads paragraph-wise."""
    text = BLOCK_END.sub(lambda m: m.group(1) + "\n", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def block_diff(old: str, new: str) -> SafeString:
    """Line-by-line differences; changed lines also show their word-level changes."""
    a, b = _lines(old), _lines(new)
    rows = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(format_html('<div class="diff-line">{}</div>', line) for line in a[i1:i2])
        else:
            rows.extend(_replaced_lines(a[i1:i2], b[j1:j2]))
    return mark_safe("".join(rows))  # every row above is escaped


def _replaced_lines(old: list[str], new: list[str]) -> list[SafeString]:
    """Pair lines that are edits of each other; the rest were removed or added."""
    rows = []
    i = j = 0
    while i < len(old) and j < len(new):
        if difflib.SequenceMatcher(None, old[i], new[j]).ratio() >= 0.5:
            rows.append(
                format_html(
                    '<div class="diff-line diff-changed">{}</div>', inline_diff(old[i], new[j])
                )
            )
            i, j = i + 1, j + 1
        elif len(old) - i > len(new) - j:
            rows.append(_removed(old[i]))
            i += 1
        else:
            rows.append(_added(new[j]))
            j += 1
    rows.extend(_removed(line) for line in old[i:])
    rows.extend(_added(line) for line in new[j:])
    return rows


def _removed(line: str) -> SafeString:
    return format_html('<div class="diff-line diff-removed"><del>{}</del></div>', line)


def _added(line: str) -> SafeString:
    return format_html('<div class="diff-line diff-added"><ins>{}</ins></div>', line)


def compare(old: Snapshot, new: Snapshot) -> list[FieldDiff]:
    """Every compared field, from ``old`` to ``new``, changed ones marked."""
    before, after = old.display(), new.display()
    diffs = []
    for name, label in FIELD_LABELS.items():
        x, y = before.get(name, ""), after.get(name, "")
        differ = block_diff if name in BLOCK_FIELDS else inline_diff
        html = differ(x, y)
        diffs.append(FieldDiff(name=name, label=label, changed=x != y, html=html))
    return diffs
