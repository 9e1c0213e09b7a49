"""Revisions of edited content (django-reversion): what goes into one, reading one back,
comparing two, restoring one.

A revision holds the item's row plus the related rows its model names
(``revision_related``: an article's bylines and tag links). Restoring takes the *content*
back — the model's ``revision_fields`` and its related rows — and leaves the workflow
fields alone (status, publication time, address), so restoring a published item's earlier
text keeps it published at the same URL.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from reversion.models import Version

BLOCK_END = re.compile(
    r"(</(?:p|h[1-6]|li|blockquote|figure|figcaption|ul|ol|pre|table|tr)>|<br\s*/?>|<hr\s*/?>)",
    re.IGNORECASE,
)


def add_to_revision(obj) -> None:
    """Put the item as it is now, with its related rows, into the open revision.

    The admin and the services call this after everything is saved, so the revision holds
    the final state even though reversion first saw the item before its inlines and tags.
    """
    reversion.add_to_revision(obj)
    for row in obj.revision_related():
        reversion.add_to_revision(row)


def versions_of(obj):
    """The item's versions, newest first, with who saved each and why."""
    return Version.objects.get_for_object(obj).select_related("revision__user")


@dataclass(frozen=True)
class LastChange:
    by: str
    at: datetime | None
    comment: str = ""


def user_label(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def last_change(obj) -> LastChange:
    """Who saved the item last, and when (for the "someone else saved it" message)."""
    version = versions_of(obj).first()
    if version is not None:
        revision = version.revision
        return LastChange(user_label(revision.user), revision.date_created, revision.comment)
    change = obj.status_changes.select_related("by").first()
    if change is not None:
        return LastChange(user_label(change.by), change.at, change.get_action_display())
    return LastChange("someone", obj.modified_at)


@dataclass
class Snapshot:
    """An item's content as one version recorded it, ready to show, compare or restore."""

    version: Version
    model: type
    fields: dict
    related: dict = field(default_factory=dict)

    @property
    def revision(self):
        return self.version.revision

    def display(self) -> dict[str, str]:
        """Each compared field as text a person reads."""
        values = {}
        for name in self.model.revision_fields:
            model_field = self.model._meta.get_field(name)
            if model_field.is_relation:
                related = model_field.related_model
                target = related._default_manager.filter(
                    pk=self.fields.get(model_field.attname)
                ).first()
                value = str(target) if target else ""
            else:
                value = self.fields.get(name)
                if isinstance(model_field, models.FileField):
                    value = getattr(value, "name", value) or ""
            values[name] = "" if value is None else str(value)
        values.update(self.model.revision_related_display(self.related))
        return values


def snapshot(version: Version) -> Snapshot:
    """Read a version and the related rows saved in the same revision."""
    model = version.content_type.model_class()
    siblings = list(version.revision.version_set.all())
    related = model.revision_related_data(version.object_id, siblings)
    return Snapshot(version=version, model=model, fields=version.field_dict, related=related)


def apply_snapshot(obj, snap: Snapshot) -> list[str]:
    """Copy the snapshot's content onto ``obj`` (unsaved); return what could not be.

    Related rows are written to the database at once, so call this inside the transaction
    that then saves the item.
    """
    skipped = []
    for name in type(obj).revision_fields:
        model_field = type(obj)._meta.get_field(name)
        key = model_field.attname
        if key not in snap.fields:
            continue
        value = snap.fields[key]
        if model_field.is_relation:
            if model_field.related_model._default_manager.filter(pk=value).exists():
                setattr(obj, key, value)
            else:
                skipped.append(f"the {model_field.verbose_name} (it was deleted)")
        elif isinstance(model_field, models.FileField):
            file_name = getattr(value, "name", value) or ""
            if file_name and not getattr(obj, name).storage.exists(file_name):
                skipped.append(f"the {model_field.verbose_name} (the file is gone)")
                continue
            # Set the name, not the file: assigning a file would open it to measure it.
            getattr(obj, name).name = file_name
            for dimension in [
                getattr(model_field, "width_field", None),
                getattr(model_field, "height_field", None),
            ]:
                if dimension:
                    setattr(obj, dimension, snap.fields.get(dimension))
        else:
            setattr(obj, name, value if value is not None else "")
    skipped += obj.revision_restore_related(snap.related)
    return skipped


# --- Comparing ----------------------------------------------------------------------------


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


TOKEN = re.compile(r"<[^>]*>|[^<\s]+|\s+")
MEDIA_TAG = re.compile(r"^<(img|hr)\b", re.IGNORECASE)


def _marked(tokens: list[str], mark: str, *, keep_tags: bool) -> list[str]:
    """Wrap runs of text in ``<ins>``/``<del>``; tags are kept (inserted) or dropped
    (deleted), so the result has exactly the newer version's structure."""
    out, run = [], []

    def flush():
        if "".join(run).strip():
            out.append(f"<{mark}>{''.join(run)}</{mark}>")
        elif run:
            out.append("".join(run))
        run.clear()

    for token in tokens:
        if not token.startswith("<"):
            run.append(token)
            continue
        flush()
        if MEDIA_TAG.match(token):
            out.append(
                f'<{mark} class="diff-media">{token}</{mark}>'
                if keep_tags
                else f'<{mark} class="diff-media">[image removed]</{mark}>'
            )
        elif keep_tags:
            out.append(token)
    flush()
    return out


def rendered_diff(old: str, new: str) -> SafeString:
    """Rich text compared as readers see it: the newer version rendered, with removed words
    in ``<del>`` and added ones in ``<ins>`` — not the HTML source.

    Both sides are sanitised first (as on every save), so the result holds only the tags
    the sanitiser allows plus the marks added here.
    """
    from newsroom.sanitize import sanitize_html

    a = TOKEN.findall(sanitize_html(old or ""))
    b = TOKEN.findall(sanitize_html(new or ""))
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.extend(b[j1:j2])
            continue
        if op in {"delete", "replace"}:
            parts.extend(_marked(a[i1:i2], "del", keep_tags=False))
        if op in {"insert", "replace"}:
            parts.extend(_marked(b[j1:j2], "ins", keep_tags=True))
    html = "".join(parts)
    return format_html('<div class="diff-rendered">{}</div>', mark_safe(html))  # sanitised


def field_labels(model) -> dict[str, str]:
    """Compared names and their labels, in the order the model's ``revision_labels`` or
    ``revision_fields`` give them (labels from the fields' verbose names)."""
    order = getattr(model, "revision_compare_order", None) or model.revision_fields
    labels = {}
    extra = getattr(model, "revision_related_labels", {})
    for name in order:
        if name in extra:
            labels[name] = extra[name]
        else:
            labels[name] = capfirst(str(model._meta.get_field(name).verbose_name))
    return labels


def compare(old: Snapshot, new: Snapshot) -> list[FieldDiff]:
    """Every compared field, from ``old`` to ``new``, changed ones marked."""
    before, after = old.display(), new.display()
    diffs = []
    for name, label in field_labels(new.model).items():
        x, y = before.get(name, ""), after.get(name, "")
        if name in getattr(new.model, "revision_html_fields", ()):
            differ = rendered_diff
        elif name in new.model.revision_block_fields:
            differ = block_diff
        else:
            differ = inline_diff
        diffs.append(FieldDiff(name=name, label=label, changed=x != y, html=differ(x, y)))
    return diffs
