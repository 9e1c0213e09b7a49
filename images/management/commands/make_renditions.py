"""``manage.py make_renditions``: queue the renditions of every image that is missing some.

For images whose renditions were never made (saved while no worker ran, or whose task gave up
after its retries), and with ``--verify`` for images marked made whose files have since gone
(a restored database without its media, a cleaned bucket). ``--now`` makes them in this
process instead of queueing them. Safe to run again: the task skips what exists.
"""

from django.core.management.base import BaseCommand

from images.renditions import ON_DEMAND, SOURCES, is_ready, rendered_field, rendition_files
from images.tasks import make_renditions, make_renditions_now
from newsroom.connections import refresh_connections


class Command(BaseCommand):
    help = "Queue (or, with --now, make) the renditions of every image that is missing some."

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Also check the files of images marked as rendered (one storage call each).",
        )
        parser.add_argument("--now", action="store_true", help="Make them here, not queued.")

    def handle(self, *, verify, now, **options):
        queued = 0
        for model, source in SOURCES:
            if (model, source) in ON_DEMAND:
                continue  # library images: made when a body shows one
            for instance in model._default_manager.exclude(**{source: ""}).iterator():
                refresh_connections()  # a long run survives a dropped connection
                if is_ready(instance, source):
                    if not verify or all(
                        f.storage.exists(f.name) for f in rendition_files(instance, source)
                    ):
                        continue
                    model._default_manager.filter(pk=instance.pk).update(
                        **{rendered_field(source): ""}
                    )
                name = getattr(instance, source).name
                if now:
                    make_renditions_now(model, instance.pk, source, name)
                else:
                    make_renditions.enqueue(
                        model=model._meta.label, pk=instance.pk, field=source, name=name
                    )
                queued += 1
                self.stdout.write(f"{model._meta.label} {instance.pk}: {name}")
        verb = "made" if now else "queued"
        self.stdout.write(f"Renditions {verb} for {queued} image(s).")
