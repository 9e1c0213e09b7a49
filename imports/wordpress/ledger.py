"""The ledger: what each WordPress record became here (``imports.ImportedItem``).

- **Keyed by WordPress's identifiers.** Each imported record is remembered under the site's
  address and its WordPress key (post ID, user login, term slug, attachment ID, file path),
  so a second run finds what the first one made even after an editor renamed a slug here,
  and creates nothing twice.
- **Adopt, don't duplicate.** A first run adopts an existing author, section or tag with the
  same name instead of making a second one, but never one this site's import already stands
  for (``adoptable``).

The ledger is read once per run (and again after a rolled-back record) rather than once per
lookup; objects found through it are cached until the next read.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from imports.models import ImportedItem


class Ledger:
    """This site's ``ImportedItem`` rows, and the objects they stand for."""

    def __init__(self, source: str):
        self.source = source
        self.records: dict[tuple[str, str], ImportedItem] = {}
        # Objects by (kind, WordPress key), found through ``self.records``. Only a cache:
        # emptied (and the records read again) when a transaction rolls back.
        self.cache: dict[tuple[str, str], models.Model] = {}

    def load(self) -> None:
        self.cache.clear()
        self.records = {
            (record.kind, record.external_id): record
            for record in ImportedItem.objects.filter(source=self.source)
        }

    def record(self, kind: str, key) -> ImportedItem | None:
        return self.records.get((kind, str(key)))

    def remember(self, kind: str, key, obj: models.Model | None = None, **fields) -> None:
        defaults = dict(fields)
        if obj is not None:
            defaults["content_type"] = ContentType.objects.get_for_model(obj)
            defaults["object_id"] = obj.pk
            self.cache[(kind, str(key))] = obj
        record, _ = ImportedItem.objects.update_or_create(
            source=self.source, kind=kind, external_id=str(key), defaults=defaults
        )
        self.records[(kind, str(key))] = record

    def known(self, kind: str, key) -> models.Model | None:
        """The object imported before for this WordPress key, if it still exists."""
        cache_key = (kind, str(key))
        if cache_key in self.cache:
            return self.cache[cache_key]
        record = self.record(kind, key)
        obj = record.content_object if record is not None else None
        if obj is not None:
            self.cache[cache_key] = obj
        return obj

    def claimed_ids(self, model: type[models.Model]) -> set[int]:
        """Objects of ``model`` this site's import already stands for (not to be adopted)."""
        content_type = ContentType.objects.get_for_model(model)
        return {
            record.object_id
            for record in self.records.values()
            if record.content_type_id == content_type.pk
        }

    def adoptable(self, queryset) -> models.Model | None:
        """The one existing, unclaimed object matching ``queryset``, if exactly one."""
        claimed = self.claimed_ids(queryset.model)
        candidates = [obj for obj in queryset[:5] if obj.pk not in claimed]
        return candidates[0] if len(candidates) == 1 else None
