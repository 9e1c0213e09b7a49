"""Every tag gets an address, even one whose name has nothing to slugify ("!!!", "…").

taggit keeps its own ``Tag`` model and slugifies the name on first save; a name without a
letter or digit slugifies to "", and the first such tag is stored with an empty slug that no
``/tags/<slug>/`` address can reach (later ones get "_1", "_2"…). Rather than swap in a custom
tag model (a migration of every tagged row), this fills in "tag", "tag-2"… just before the row
is written; taggit's own slugs are left alone.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from taggit.models import Tag

FALLBACK_SLUG = "tag"


def fallback_tag_slug(*, using: str | None = None) -> str:
    """The first of "tag", "tag-2", "tag-3"… that no tag has yet."""
    taken = set(
        Tag.objects.using(using)
        .filter(slug__startswith=FALLBACK_SLUG)
        .values_list("slug", flat=True)
    )
    candidate, n = FALLBACK_SLUG, 1
    while candidate in taken:
        n += 1
        candidate = f"{FALLBACK_SLUG}-{n}"
    return candidate


@receiver(pre_save, sender=Tag, dispatch_uid="tag_fallback_slug")
def tag_fallback_slug(sender, instance, raw=False, using=None, **kwargs):
    # taggit has already tried slugify(name) by now: an empty slug means there was nothing
    # to slugify, and its retry suffixes ("_1") on an empty base are no better.
    if not raw and not instance.slug:
        instance.slug = fallback_tag_slug(using=using)


def tag_url(tag) -> str:
    """The tag page's path, or "" for a slug the URL pattern cannot carry."""
    try:
        return reverse("articles:tag", kwargs={"slug": tag.slug})
    except NoReverseMatch:
        return ""
