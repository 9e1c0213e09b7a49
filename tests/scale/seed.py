"""Prepare a database for the multi-process tests: migrate it and add a small site.

Run as ``python -m tests.scale.seed`` with the app servers' environment (DATABASE_URL,
REDIS_URL, S3 settings…), so the uploads go where the servers will look for them. Prints
what the tests need to know as one line of JSON.
"""

import io
import json
import os
from datetime import timedelta


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone
    from PIL import Image

    from articles.models import Article, Byline, Section
    from authors.models import Author
    from images.tasks import make_renditions_now

    call_command("migrate", interactive=False, verbosity=0)

    get_user_model().objects.create_superuser(
        "chief", "chief@newsroom.example", os.environ["SEED_ADMIN_PASSWORD"]
    )
    section = Section.objects.create(name="Harbour")
    author = Author.objects.create(name="Mara Quist", short_bio="Mara covers the port.")

    live = Article.objects.create(
        headline="Cranes return to the east quay",
        body="<p>The cranes were repaired over the winter.</p>",
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=2),
    )
    Byline.objects.create(article=live, author=author)

    buffer = io.BytesIO()
    Image.new("RGB", (1400, 900), (30, 110, 160)).save(buffer, format="JPEG")
    draft = Article(
        headline="Ferry strike ends after nine days",
        body="<p>Crews accepted the offer on Thursday night.</p>",
        section=section,
        featured_image_alt="A blue ferry tied up at an empty pier",
    )
    draft.featured_image.save("ferry.jpg", ContentFile(buffer.getvalue()), save=False)
    draft.save()
    # Renditions are a background task (images/tasks.py); make them here, into the
    # configured storage, as the worker would.
    make_renditions_now(Article, draft.pk, "featured_image", draft.featured_image.name)
    Byline.objects.create(article=draft, author=author)
    draft.tags.add("ferries")

    print(
        json.dumps(
            {
                "live_url": live.get_absolute_url(),
                "live_pk": live.pk,
                "section_pk": section.pk,
                "live_headline": live.headline,
                "draft_pk": draft.pk,
                "draft_url": draft.get_absolute_url(),
                "draft_headline": draft.headline,
                # Originals are private: in the bucket under AWS_PRIVATE_LOCATION.
                "image_name": f"private/{draft.featured_image.name}",
                "rendition_name": draft.lead_640_jpeg.name,
            }
        )
    )


if __name__ == "__main__":
    main()
