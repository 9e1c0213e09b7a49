"""Renditions as a background task: made after the save commits, outside the request.

Why: made inside the save (imagekit's optimistic strategy), one 40-megapixel 16-bit PNG kept
the save's transaction open for 22–28 s and ~450 MB; on SQLite every other editor's save and
sign-in failed with "database is locked" meanwhile (issue 15). And a rendition that failed
(an unwritable folder) left the article saved with pages linking to files that did not exist
(issue 21). Now:

- The save only queues ``make_renditions`` — after its transaction commits
  (``transaction.on_commit``), so the task sees the row and a rolled-back save queues nothing.
- The task is idempotent: it skips renditions already in storage and, when every one exists,
  records the file's name in ``<source>_rendered``. Pages show a sized placeholder until
  then (images/templatetags/pictures.py). A task for an image that has since been replaced
  does nothing: the new image has its own.
- A failure is retried: the task queues its next attempt (``RENDITION_RETRIES``, delays
  doubling from ``RENDITION_RETRY_SECONDS``) and fails; after the last attempt, or for a
  source too large to decode within ``RENDITION_MAX_BYTES``, it is logged and the page keeps
  its placeholder. ``manage.py make_renditions`` queues every image still missing some.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django_tasks import task

from images.library import focal_point_of
from images.renditions import (
    RenditionRefused,
    focal_point,
    is_ready,
    rendered_field,
    rendition_files,
)

logger = logging.getLogger("images.tasks")


def after_commit(callback: Callable[[], None], using: str) -> None:
    """Run ``callback`` once the current transaction commits (at once outside one).

    A seam for the test suite, whose tests run inside a transaction that never commits.
    """
    transaction.on_commit(callback, using=using, robust=True)


def queue_renditions(instance: models.Model, source: str, *, using: str = "default") -> None:
    """Queue the renditions of ``instance.<source>`` unless they are made already."""
    image = getattr(instance, source)
    if not image or is_ready(instance, source):
        return
    label, pk, name = instance._meta.label, instance.pk, image.name

    def enqueue() -> None:
        try:
            make_renditions.enqueue(model=label, pk=pk, field=source, name=name)
        except Exception:  # the save has committed; the page keeps its placeholder
            logger.exception("Could not queue the renditions of %s %s (%s)", label, pk, name)

    after_commit(enqueue, using)


def _retry(kwargs: dict, attempt: int) -> None:
    """Queue attempt ``attempt + 1``, after a delay where the backend can defer tasks."""
    delay = settings.RENDITION_RETRY_SECONDS * 2 ** (attempt - 1)
    again = make_renditions
    if again.get_backend().supports_defer and delay:
        again = again.using(run_after=timezone.now() + timedelta(seconds=delay))
    again.enqueue(**kwargs, attempt=attempt + 1)


@task()
def make_renditions(*, model: str, pk, field: str, name: str, attempt: int = 1) -> str:
    """Make every rendition of ``<model pk>.<field>`` while it is still the file ``name``."""
    kwargs = {"model": model, "pk": pk, "field": field, "name": name}
    try:
        return make_renditions_now(apps.get_model(model), pk, field, name)
    except RenditionRefused as refused:
        logger.error("No renditions for %s %s (%s): %s", model, pk, name, refused)
        return "refused"
    except Exception:
        if attempt <= settings.RENDITION_RETRIES:
            logger.warning(
                "Renditions of %s %s (%s) failed (attempt %s); trying again",
                model,
                pk,
                name,
                attempt,
                exc_info=True,
            )
            _retry(kwargs, attempt)
        else:
            logger.exception(
                "Renditions of %s %s (%s) failed %s times; the page keeps its placeholder",
                model,
                pk,
                name,
                attempt,
            )
        raise


def make_renditions_now(model: type[models.Model], pk, field: str, name: str) -> str:
    """The task's work, in this process: make the missing files, then mark them made."""
    instance = model._default_manager.filter(pk=pk).first()
    if instance is None or getattr(instance, field).name != name:
        return "replaced"  # deleted, or a newer image (with its own task) took its place
    if is_ready(instance, field):
        return "done"
    made = 0
    with focal_point(focal_point_of(instance)):
        for cachefile in rendition_files(instance, field):
            if not cachefile.storage.exists(cachefile.name):
                cachefile._generate()  # imagekit's writer, without its "generating" cache state
                cachefile.close()
                made += 1
    _mark_ready(model, pk, field, name)
    return f"made {made}"


def _mark_ready(model: type[models.Model], pk, field: str, name: str) -> None:
    """Record that ``name``'s renditions exist, unless the image changed meanwhile.

    A real ``save()`` (of this one column) so that whatever listens to saves — the page
    cache above all — sees the change, and the placeholder gives way to the picture.
    """
    with transaction.atomic(using=model._default_manager.db):
        instance = model._default_manager.select_for_update().filter(pk=pk).first()
        if instance is None or getattr(instance, field).name != name:
            return
        setattr(instance, rendered_field(field), name)
        instance.save(update_fields=[rendered_field(field)])
