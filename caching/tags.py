"""Cache tags: what a rendered page or fragment read, recorded as it renders, and the tags a
change invalidates (Drupal's cache tags, Varnish's xkey, Fastly's surrogate keys).

Why it is built this way:

- **Recorded where it cannot be forgotten.** While a render is recorded (``recording()``),
  two hooks see every read of content: a ``post_init`` receiver notes each content object the
  ORM builds (``article:42``, ``author:7``, ``byline:9``…), and a wrapper around the SQL
  compiler notes what each query's *answer set* depends on. No view, template or inclusion tag
  lists its tags by hand, so a new one cannot forget them.
- **What a query depends on is read from the query** (the idea behind django-cacheops, written
  our own way): a query over a table depends on which rows belong to it (*membership*:
  ``articles:list``, or ``articles:list:section:2`` when it keeps only the rows whose
  ``section`` is 2) and on the columns it filters or orders by, or selects without building
  objects (``articles:list:field:published_at``). Changing a headline therefore invalidates
  the pages that show that article and the searches that filter on headlines, not every list.
- **What a change invalidates is decided from the rows, before and after.** A row that is
  public neither before nor after the change (a draft, an article in review, a byline of a
  draft) invalidates nothing. One that joins or leaves the public set invalidates its own tag
  and every membership tag it could be counted under (old and new values). One that stays
  public invalidates its own tag and the field tags of the columns that changed. Runs on the
  signals after the save and again after commit (caching/cache.py).
- **Models decide what is public** through ``is_live`` (editorial models); a row without it is
  as public as the ``is_live`` rows it points to (a byline, a correction, a tag link).
"""

from __future__ import annotations

import contextvars
import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db.models import Count, F, ForeignKey, Model
from django.db.models.expressions import Col, Exists, Star
from django.db.models.lookups import Exact, In
from django.db.models.sql import compiler as sql_compiler
from django.db.models.sql.subqueries import AggregateQuery, DeleteQuery, InsertQuery, UpdateQuery
from django.db.models.sql.where import AND, WhereNode

#: Carried by every stored page and fragment: invalidating it empties the caches at once
#: (``clear_caches``, bulk writes that send no signals).
ALL = "all"


class Recorder:
    """The tags one render has read so far; a fragment's recorder passes its tags up.

    A nested recorder (a fragment inside a page) starts with what its parent has read so
    far: the fragment may show objects the page loaded before it (an article card is given
    its article), and only those tags say when such an object changes.
    """

    __slots__ = ("tags", "parent")

    def __init__(self, parent: Recorder | None):
        handed = _pending_objects.get()
        if handed is not None:
            # A fragment told what it shows (``handing``): its keys' objects and the lists
            # loaded on them, not everything the page read before it — a shared fragment
            # that took the page's tags would be dropped, with every page showing it,
            # whenever any of them changed.
            tags, lists = handed
            self.tags: set[str] = {ALL, *tags}
            if parent is not None and lists:
                self.tags |= {tag for tag in parent.tags if _loaded_on(tag, lists)}
            _pending_objects.set(None)
        else:
            self.tags = set(parent.tags) if parent is not None else {ALL}
        self.parent = parent


_current: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "cache_tag_recorder", default=None
)


@contextmanager
def recording() -> Iterator[Recorder]:
    """Record the tags of everything read inside the block (nested blocks pass theirs up)."""
    parent = _current.get()
    recorder = Recorder(parent)
    token = _current.set(recorder)
    try:
        yield recorder
    finally:
        _current.reset(token)
        if parent is not None:
            parent.tags |= recorder.tags


@contextmanager
def isolated() -> Iterator[Recorder]:
    """Record a self-contained part of a page (caching/assembly.py): it starts from nothing
    and passes nothing up, since the page stores it separately under its own tags."""
    recorder = Recorder(None)
    token = _current.set(recorder)
    try:
        yield recorder
    finally:
        _current.reset(token)


def current() -> Recorder | None:
    return _current.get()


def record(tags: Iterable[str]) -> None:
    """Add tags to the render being recorded, if any (e.g. a stored fragment's tags)."""
    recorder = _current.get()
    if recorder is not None:
        recorder.tags.update(tags)


def _instances(values: Iterable[object]) -> Iterator[Model]:
    """The saved model instances among ``values``, lists and tuples opened."""
    for value in values:
        # type(), not isinstance(): a lazy object (SimpleLazyObject) is not evaluated.
        kind = type(value)
        if kind is list or kind is tuple:
            yield from _instances(value)
        elif issubclass(kind, Model) and value.pk is not None:
            yield value


def _loaded_lists(values: Iterable[object], depth: int = 2) -> set[tuple[str, str]]:
    """For each list prefetched on the model instances among ``values`` (an article's
    bylines, say): its list tag and the owner's pk. The query that loaded it recorded its
    tags in the page (``bylines:list:article:42``, ``bylines:list:field:position``); a
    fragment showing the list needs them too (a byline added, reordered)."""
    found: set[tuple[str, str]] = set()
    for value in _instances(values):
        kind = type(value)
        for name, rows in getattr(value, "_prefetched_objects_cache", {}).items():
            model = getattr(rows, "model", None)
            if model is None:
                continue
            found.add((list_tag(model), str(value.pk)))
            try:
                through = getattr(value._meta.get_field(name), "through", None)
            except Exception:
                through = None
            if through is None:
                relation = getattr(kind, name, None)
                through = getattr(getattr(relation, "rel", None), "through", None)
            if through is not None:
                found.add((list_tag(through), str(value.pk)))
            if depth:
                found |= _loaded_lists(list(rows), depth - 1)
        if depth:
            found |= _loaded_lists(list(value._state.fields_cache.values()), depth - 1)
    return found


def _loaded_on(tag: str, lists: set[tuple[str, str]]) -> bool:
    """Whether ``tag`` was recorded by the query of one of ``lists``: the whole list, a
    field of its rows, or the list narrowed to its owner (``…:article:42``)."""
    for prefix, owner in lists:
        if tag == prefix or (
            tag.startswith(prefix + ":")
            and (tag.startswith(prefix + ":field:") or tag.endswith(":" + owner))
        ):
            return True
    return False


def object_tags(values: Iterable[object], depth: int = 2) -> set[str]:
    """The tags of the model instances among ``values`` and of the rows cached on them
    (``select_related``, ``prefetch_related``)."""
    found: set[str] = set()
    for value in _instances(values):
        if is_content_model(type(value)):
            found.add(object_tag(type(value), value.pk))
        if depth:
            related = list(value._state.fields_cache.values())
            for rows in getattr(value, "_prefetched_objects_cache", {}).values():
                related.extend(rows)
            found |= object_tags(related, depth - 1)
    return found


@contextmanager
def handing(values: Iterable[object]) -> Iterator[None]:
    """Within the block, the next recording starts with the tags of the objects ``values``
    (and the rows cached on them, ``object_tags``) instead of its parent's: a fragment keyed
    by those objects shows them without a query, and nothing else the page read."""
    values = list(values)
    token = _pending_objects.set((object_tags(values), _loaded_lists(values)))
    try:
        yield
    finally:
        _pending_objects.reset(token)  # not consumed when a stored copy was used


_pending_objects: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "cache_tag_objects", default=None
)


def is_recording() -> bool:
    return _current.get() is not None


# --- names ----------------------------------------------------------------------------------

_content: dict[type, bool] = {}


def is_content_model(model: type) -> bool:
    """Whether rows of ``model`` can appear on a public page (settings decide)."""
    meta = getattr(model, "_meta", None)
    if meta is None:
        return False
    return (
        meta.app_label in settings.PAGE_CACHE_CONTENT_APPS
        and meta.label not in settings.PAGE_CACHE_IGNORED_MODELS
    )


def _concrete(model: type) -> type:
    return model._meta.concrete_model or model


def object_tag(model: type, pk: object) -> str:
    return f"{_concrete(model)._meta.model_name}:{pk}"


def list_tag(model: type) -> str:
    return f"{_concrete(model)._meta.model_name}s:list"


_TOKEN = re.compile(r"[\w.-]{1,64}", re.ASCII)


def refined_tag(model: type, field_name: str, value: object) -> str:
    """``articles:list:section:2``; a value that is not a short token (a name with spaces)
    is hashed, since tags travel space-separated in headers and are cache keys."""
    text = str(value)
    if not _TOKEN.fullmatch(text):
        text = "h" + hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{list_tag(model)}:{field_name}:{text}"


def leave_tag(model: type) -> str:
    """``articles:list:leave``: invalidated only when a public row leaves its lists
    (unpublished, deleted) — what a page that relies on a row *not* moving up reads."""
    return f"{list_tag(model)}:leave"


def field_tag(model: type, field_name: str) -> str:
    return f"{list_tag(model)}:field:{field_name}"


def refinable_fields(model: type) -> list:
    """Columns whose equality filters narrow a list's membership tag: keys and references."""
    meta = model._meta
    names = {gfk.fk_field for gfk in meta.private_fields if isinstance(gfk, GenericForeignKey)}
    return [
        field
        for field in meta.concrete_fields
        if field.primary_key or field.unique or isinstance(field, ForeignKey) or field.name in names
    ]


# --- recording reads ------------------------------------------------------------------------


def _on_post_init(sender, instance, **kwargs) -> None:
    recorder = _current.get()
    if recorder is None:
        return
    content = _content.get(sender)
    if content is None:
        content = _content[sender] = is_content_model(sender)
    if content and instance.pk is not None:
        recorder.tags.add(object_tag(sender, instance.pk))


def _cols(expression, found: list) -> bool:
    """Collect the columns an expression reads; False if it reads something unknown.

    Subqueries (``Exists``, ``Subquery``) are collected too, as queries (``alias_map``).
    """
    if hasattr(expression, "alias_map"):
        found.append(expression)
        return True
    if hasattr(getattr(expression, "query", None), "alias_map"):
        found.append(expression.query)
        return True
    if isinstance(expression, Col):
        found.append(expression)
        return True
    if isinstance(expression, F):
        return False
    if not hasattr(expression, "get_source_expressions"):
        return True  # a plain value
    sources = expression.get_source_expressions()
    if not sources and getattr(expression, "contains_column_references", False):
        return False
    return all(_cols(source, found) for source in sources if source is not None)


def _counts_rows(outer) -> bool:
    """Whether an aggregate over a subquery is a plain ``COUNT(*)`` of its rows."""
    inner = outer.inner_query
    if inner.distinct or inner.combinator or isinstance(inner.group_by, tuple):
        return False
    annotations = list(outer.annotations.values())
    return bool(annotations) and all(
        isinstance(annotation, Count)
        and not annotation.distinct
        and annotation.filter is None
        and all(
            isinstance(source, Star)
            for source in annotation.get_source_expressions()
            if source is not None
        )
        for annotation in annotations
    )


def query_tags(query, tags: set[str]) -> None:
    """Add to ``tags`` what the answer of ``query`` depends on (see the module docstring)."""
    if isinstance(query, AggregateQuery):
        # An aggregate over a subquery (a sliced or distinct count, Max of a column): the
        # outer expressions refer to the inner columns by name, so any change may move it —
        # unless it only counts the inner rows (a paginator's bounded count): then which
        # rows the inner query holds is all it depends on, and its own tags say that.
        outer, query = query, query.inner_query
        if (
            getattr(query, "model", None) is not None
            and is_content_model(query.model)
            and not _counts_rows(outer)
        ):
            tags.add(field_tag(query.model, "*"))
    base = getattr(query, "model", None)
    if base is None:
        return
    refined: dict[type, set[str]] = {}
    fields: set[str] = set()
    models: set[type] = {_concrete(base)}
    narrowed = False  # an EXISTS on a refined list of dependent rows (``_narrows``)
    tables = _table_models()
    for alias, join in query.alias_map.items():
        # Tables joined by filters or annotations (select_related joins are added later, as
        # the query compiles, and never change which rows a list holds).
        model = tables.get(join.table_name)
        if model is not None and query.alias_refcount.get(alias):
            models.add(model)

    def note_col(col) -> None:
        if hasattr(col, "alias_map"):
            query_tags(col, tags)  # a subquery
            return
        model = _concrete(col.target.model)
        if col.alias in query.alias_map:
            models.add(model)
        # else: a correlated subquery's reference to the outer query's row (``OuterRef``):
        # which rows the outer query holds is the outer query's tag, not this one's; only
        # the referenced column counts (an article page asking whether *its* article has
        # corrections must not depend on every article).
        if is_content_model(model):
            fields.add(field_tag(model, col.target.name))

    def walk(node, top: bool) -> None:
        nonlocal narrowed
        if isinstance(node, WhereNode):
            top = top and node.connector == AND and not node.negated
            for child in node.children:
                walk(child, top)
            return
        lhs = getattr(node, "lhs", None)
        rhs = getattr(node, "rhs", None)
        if lhs is None:  # raw SQL (extra(where=…)), NothingNode…
            fields.add(field_tag(base, "*"))
            return
        if (
            top
            and isinstance(node, Exact | In)
            and isinstance(lhs, Col)
            and not hasattr(rhs, "resolve_expression")
        ):
            target = lhs.target
            model = _concrete(target.model)
            if target in refinable_fields(model):
                values = rhs if isinstance(node, In) else [rhs]
                refined.setdefault(model, set()).update(
                    refined_tag(model, target.name, value) for value in values
                )
                models.add(model)
                return
        if (
            top
            and isinstance(node, Exact)
            and isinstance(lhs, Exists)
            and rhs is True
            and not getattr(lhs, "negated", False)
            and _narrows(lhs.query, base)
        ):
            narrowed = True  # its tags are collected below, as any subquery's
        if hasattr(rhs, "get_compiler") and hasattr(rhs, "alias_map"):
            query_tags(rhs, tags)  # a subquery
            rhs = None
        elif hasattr(rhs, "query") and hasattr(rhs.query, "alias_map"):
            query_tags(rhs.query, tags)
            rhs = None
        found: list[Col] = []
        known = _cols(lhs, found) and (rhs is None or _cols(rhs, found))
        for col in found:
            note_col(col)
        if not known or not found:
            fields.add(field_tag(base, "*"))

    walk(query.where, True)
    ordering = list(query.order_by) or (list(base._meta.ordering) if query.default_ordering else [])
    for expression in query.annotations.values():
        found = []
        if not _cols(expression, found):
            fields.add(field_tag(base, "*"))
        for col in found:
            note_col(col)
    for item in [*ordering, *query.values_select]:
        if isinstance(item, str):
            name = item.lstrip("-?")
            if "__" in name:
                _note_path(base, name, fields, models)
            elif name == "?":
                fields.add(field_tag(base, "*"))
            elif name != "pk":
                try:
                    fields.add(field_tag(base, base._meta.get_field(name).name))
                except Exception:
                    fields.add(field_tag(base, "*"))  # an annotation: its sources are unknown
        else:
            found = []
            if not _cols(item, found) or not found:
                fields.add(field_tag(base, "*"))
            for col in found:
                note_col(col)
    for model in models:
        if is_content_model(model):
            if narrowed and model is _concrete(base) and model not in refined:
                continue  # which rows it holds follows the refined list of the EXISTS
            tags.update(refined.get(model) or (list_tag(model),))
    if is_content_model(base):
        tags.update(fields)
    else:
        tags.update(tag for tag in fields if not tag.startswith(list_tag(base)))


def _narrows(subquery, base: type) -> bool:
    """Whether ``EXISTS(subquery)`` keeps only the ``base`` rows linked to a *refined* list of
    rows that depend on them (an author's page: the articles with a byline of this author).

    Such a list's tag (``bylines:list:author:7``) is invalidated whenever a row joins or leaves
    it — a byline added or removed, and, through ``dependent_tags``, its article published or
    withdrawn — so the outer list needs no ``articles:list`` of its own: without it, every
    publication dropped every author's page.
    """
    model = _concrete(getattr(subquery, "model", None) or base)
    where = getattr(subquery, "where", None)
    if (
        where is None
        or where.connector != AND
        or where.negated
        or not is_content_model(model)
        or hasattr(model, "is_live")
    ):
        return False
    correlated = narrowed = False
    for child in where.children:
        if not isinstance(child, Exact | In) or not isinstance(child.lhs, Col):
            continue
        target, rhs = child.lhs.target, child.rhs
        if (
            isinstance(target, ForeignKey)
            and _concrete(target.related_model) is _concrete(base)
            and isinstance(rhs, Col)
            and rhs.alias not in subquery.alias_map
            and rhs.target.primary_key
        ):
            correlated = True
        elif (
            not hasattr(rhs, "resolve_expression")
            and _concrete(target.model) is model
            and target in refinable_fields(model)
        ):
            narrowed = True
    return correlated and narrowed


def dependent_tags(row) -> set[str]:
    """Membership tags of the rows whose publicness follows ``row``'s (an article's bylines,
    corrections): they join or leave their lists when ``row`` is published or withdrawn."""
    tags: set[str] = set()
    if row is None or row.pk is None:
        return tags
    for relation in type(row)._meta.related_objects:
        model = relation.related_model
        if not relation.one_to_many or not is_content_model(model) or hasattr(model, "is_live"):
            continue
        for child in model._base_manager.filter(**{relation.field.name: row.pk}):
            tags |= membership_tags(child)
    return tags


def _note_path(base: type, path: str, fields: set[str], models: set[type]) -> None:
    """Tags for a value read across relations (``values_list("tag__name")``, ordering by
    ``author__name``): the column read on the last model and each relation crossed, so a
    renamed tag or author invalidates the list that printed the old name."""
    model = _concrete(base)
    parts = path.split("__")
    try:
        for index, part in enumerate(parts):
            field = model._meta.get_field(part)
            fields.add(field_tag(model, field.name))
            if index == len(parts) - 1 or not field.is_relation:
                break
            model = _concrete(field.related_model)
            models.add(model)
    except Exception:
        fields.add(field_tag(base, "*"))
        return
    if index != len(parts) - 1:  # a transform or lookup after a plain field (``name__lower``)
        fields.add(field_tag(model, "*"))


_tables: dict[str, type] = {}


def _table_models() -> dict[str, type]:
    if not _tables:
        from django.apps import apps

        _tables.update({model._meta.db_table: model for model in apps.get_models()})
    return _tables


_original_execute_sql = sql_compiler.SQLCompiler.execute_sql
_WRITES = (UpdateQuery, DeleteQuery, InsertQuery)


def _execute_sql(self, *args, **kwargs):
    recorder = _current.get()
    if recorder is not None and not isinstance(self.query, _WRITES):
        query_tags(self.query, recorder.tags)
    return _original_execute_sql(self, *args, **kwargs)


def install() -> None:
    """Hook the recorders into the ORM (once, from CachingConfig.ready)."""
    from django.db.models.signals import post_init

    post_init.connect(_on_post_init, dispatch_uid="caching.tags.post_init")
    if sql_compiler.SQLCompiler.execute_sql is not _execute_sql:
        sql_compiler.SQLCompiler.execute_sql = _execute_sql


# --- what a change invalidates --------------------------------------------------------------


def is_public(obj) -> bool:
    """Whether readers can see ``obj``: its own ``is_live``, or that of the rows it belongs to."""
    if obj is None:
        return False
    if hasattr(type(obj), "is_live"):
        return bool(obj.is_live)
    meta = obj._meta
    parents = [
        field.name
        for field in meta.concrete_fields
        if isinstance(field, ForeignKey) and hasattr(field.related_model, "is_live")
    ]
    parents += [gfk.name for gfk in meta.private_fields if isinstance(gfk, GenericForeignKey)]
    for name in parents:
        try:
            parent = getattr(obj, name)
        except Exception:
            continue  # the parent is gone (a cascade): count the row as public
        if parent is not None and hasattr(type(parent), "is_live") and not parent.is_live:
            return False
    return True


def membership_tags(obj) -> set[str]:
    """Every membership tag a row could be counted under, with its current values."""
    model = type(obj)
    tags = {list_tag(model)}
    for field in refinable_fields(model):
        value = getattr(obj, field.attname)
        if value is not None:
            tags.add(refined_tag(model, field.name, value))
    return tags


def change_tags(model: type, before, after) -> set[str]:
    """The tags a change of one row invalidates (``before``/``after`` None: created/deleted)."""
    was_public, is_public_now = is_public(before), is_public(after)
    if not (was_public or is_public_now):
        return set()
    row = after if after is not None else before
    tags = {object_tag(model, row.pk)}
    if was_public != is_public_now or before is None or after is None:
        for obj in (before, after):
            if obj is not None:
                tags |= membership_tags(obj)
        if was_public and not is_public_now:
            tags.add(leave_tag(model))
        tags |= dependent_tags(row)
        return tags
    refinable = {field.attname for field in refinable_fields(model)}
    changed = False
    for field in model._meta.concrete_fields:
        old, new = getattr(before, field.attname), getattr(after, field.attname)
        if old == new:
            continue
        changed = True
        tags.add(field_tag(model, field.name))
        if field.attname in refinable:
            tags.add(refined_tag(model, field.name, old))
            tags.add(refined_tag(model, field.name, new))
    if not changed:
        return set()
    tags.add(field_tag(model, "*"))
    return tags


def written_tags(
    created: Iterable[object] = (), updated: Iterable[object] = (), fields: Iterable[str] = ()
) -> set[str]:
    """Tags of rows written without signals (``bulk_create``, upserts), as ``change_tags``
    would give them: a new row joins its lists; an updated one changes ``fields``."""
    tags: set[str] = set()
    for row in created:
        tags |= membership_tags(row)
        if row.pk is not None:
            tags.add(object_tag(type(row), row.pk))
    fields = list(fields)
    for row in updated:
        model = type(row)
        if row.pk is not None:
            tags.add(object_tag(model, row.pk))
        tags.add(field_tag(model, "*"))
        tags.update(field_tag(model, name) for name in fields)
    return tags


def link_tags(through: type, instance, model: type, pk_set) -> set[str]:
    """Tags of a many-to-many change (``add``/``remove``/``clear`` send no row signals)."""
    if not is_public(instance):
        return set()
    tags = {list_tag(through), object_tag(type(instance), instance.pk)}
    meta = through._meta
    for field in meta.concrete_fields:
        if not isinstance(field, ForeignKey):
            continue
        if _concrete(field.related_model) is _concrete(type(instance)):
            tags.add(refined_tag(through, field.name, instance.pk))
        elif _concrete(field.related_model) is _concrete(model):
            for pk in pk_set or ():
                tags.add(refined_tag(through, field.name, pk))
                tags.add(object_tag(model, pk))
    for gfk in meta.private_fields:
        if isinstance(gfk, GenericForeignKey):
            tags.add(refined_tag(through, gfk.fk_field, instance.pk))
    return tags
