"""RSS 2.0 and Atom feeds: the whole site, each section, each author and each tag.

Only live articles (``Article.objects.live()``), newest first, at most ``FEED_ITEMS``.
``FEED_FULL_CONTENT`` puts the whole article in ``content:encoded`` / Atom ``content``;
the summary is always there. Every URL is absolute from ``SITE_URL``.

Feeds must stay well-formed whatever editors paste: the generators below strip the control
characters XML 1.0 cannot hold (Django's writer would otherwise raise on them).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag, TaggedItem

from authors.models import Author
from images.renditions import is_ready
from newsroom import seo
from newsroom.sitemaps import path_prefix, url_path

from .models import Article, Byline, Section
from .sharing import article_description, article_image, article_modified_at

MEDIA_NS = "http://search.yahoo.com/mrss/"
IMAGE_SIZE_CACHE_SECONDS = 60 * 60 * 24 * 7
_RELATIVE_URL_ATTR = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')

logger = logging.getLogger("newsroom.feeds")


def _clean(value):
    """Strip XML-invalid characters from every string in a feed value, however nested."""
    if isinstance(value, str):
        return seo.xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


class _CleanFeedMixin:
    """Feed generator that cleans the feed's and every item's text before writing it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_clean(args), **_clean(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_clean(args), **_clean(kwargs))

    def write(self, outfile, encoding):
        """Write the XML into memory, then into the response at once: the SAX writer's
        two thousand small writes each cost a response ``write()`` otherwise."""
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())

    def _add_media(self, handler, item):
        image = item.get("image")
        if not image:
            return
        attrs = {"url": image["url"], "medium": "image"}
        if image.get("type"):
            attrs["type"] = image["type"]
        if image.get("width") and image.get("height"):
            attrs["width"] = str(image["width"])
            attrs["height"] = str(image["height"])
        # No media:description for the alt text: feedparser-based readers take it for the
        # entry's content when the feed carries summaries only.
        handler.addQuickElement("media:content", None, attrs)


class NewsroomRssFeed(_CleanFeedMixin, Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per author, ``content:encoded`` and Media RSS."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item.get("authors", ()):
            handler.addQuickElement("dc:creator", author["name"])
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        self._add_media(handler, item)


class NewsroomAtomFeed(_CleanFeedMixin, Atom1Feed):
    """Atom with one ``author`` per byline, full ``content`` and Media RSS."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["url"])
            handler.endElement("author")
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        self._add_media(handler, item)


def absolutize_html(html: str) -> str:
    """Root-relative ``href``/``src`` in article HTML made absolute: feed readers show the
    body away from our site, where ``/media/…`` would lead nowhere."""
    return _RELATIVE_URL_ATTR.sub(lambda m: f'{m.group(1)}{settings.SITE_URL}{m.group(2)}"', html)


def _size_cache_key(name: str) -> str:
    return "feeds:image-size:" + hashlib.sha256(name.encode()).hexdigest()


def attach_image_sizes(articles: list[Article]) -> None:
    """Set ``feed_image_size`` (bytes) on each article with a featured image.

    An enclosure must state its length. Asking storage for every item on every request
    would be one stat (or, on S3, one HTTP request) per item, so sizes are kept in the cache
    under the file's name (a replaced image gets a new name) and fetched in one round trip.
    """
    named = [a for a in articles if is_ready(a, "featured_image")]
    files = {a.pk: a.og_image for a in named}  # the enclosure is a rendition, never the upload
    keys = {a.pk: _size_cache_key(files[a.pk].name) for a in named}
    try:
        cached = cache.get_many(list(keys.values())) if keys else {}
    except Exception:
        # The cache is away (Redis restarting): feeds render from storage meanwhile.
        logger.warning("Cache unavailable; feed image sizes read from storage", exc_info=True)
        cached = {}
    fresh = {}
    for article in named:
        key = keys[article.pk]
        size = cached.get(key)
        if size is None:
            rendition = files[article.pk]
            try:
                size = rendition.storage.size(rendition.name)
            except (OSError, NotImplementedError, ValueError):
                size = None  # a missing file: no enclosure rather than a broken feed
            else:
                fresh[key] = size
        article.feed_image_size = size
    if fresh:
        try:
            cache.set_many(fresh, IMAGE_SIZE_CACHE_SECONDS)
        except Exception:
            logger.warning("Could not remember feed image sizes", exc_info=True)


def attach_feed_values(articles: list[Article]) -> None:
    """Set ``feed_tags`` (names) and ``feed_authors`` (name and absolute URL, byline order,
    each person once) on each article: one query each for the whole list."""
    pks = [article.pk for article in articles]
    tags: dict[int, list[str]] = {pk: [] for pk in pks}
    if pks:
        content_type = ContentType.objects.get_for_model(Article)
        for object_id, name in (
            TaggedItem.objects.filter(content_type=content_type, object_id__in=pks)
            .order_by("pk")
            .values_list("object_id", "tag__name")
        ):
            tags[object_id].append(name)
    authors: dict[int, list[dict]] = {pk: [] for pk in pks}
    seen: set[tuple[int, int]] = set()
    prefix = path_prefix("authors:detail")
    for article_id, author_id, name, slug in (
        Byline.objects.filter(article_id__in=pks)
        .order_by("article_id", "position", "pk")
        .values_list("article_id", "author_id", "author__name", "author__slug")
        if pks
        else ()
    ):
        if (article_id, author_id) in seen:  # one person may hold two byline roles
            continue
        seen.add((article_id, author_id))
        url = seo.absolute_url(url_path(prefix, slug))
        authors[article_id].append({"name": name, "url": url})
    for article in articles:
        article.feed_tags = tags[article.pk]
        article.feed_authors = authors[article.pk]


class LatestArticlesFeed(Feed):
    """RSS 2.0 feed of the whole site; subclasses narrow it to a section, author or tag."""

    feed_type = NewsroomRssFeed
    route = "articles:feed"

    def get_object(self, request, *args, **kwargs):
        return None

    # Feed-level values --------------------------------------------------------------
    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return settings.SITE_DESCRIPTION

    def subtitle(self, obj):  # Atom's name for the description
        return self.description(obj)

    def page_path(self, obj) -> str:
        return reverse("articles:home")

    def link(self, obj):
        return seo.absolute_url(self.page_path(obj))

    def route_kwargs(self, obj) -> dict:
        return {}

    def feed_url(self, obj):
        return seo.absolute_url(reverse(self.route, kwargs=self.route_kwargs(obj)))

    def author_name(self, obj):
        # Atom needs an author for every entry; the publication stands in for unsigned items.
        return settings.SITE_NAME

    # Items -------------------------------------------------------------------------
    def articles(self, obj):
        return Article.objects.live()

    def items(self, obj):
        """The newest ``FEED_ITEMS`` live articles, with their tags and bylines as plain
        values: three queries, and no model instance or per-item queryset for them (taggit's
        prefetch builds a queryset per article; that and the bylines' instances were a third
        of a full-content feed's time)."""
        articles = list(
            self.articles(obj)
            .defer("search_vector")
            .order_by("-published_at", "-pk")[: settings.FEED_ITEMS]
        )
        attach_feed_values(articles)
        attach_image_sizes(articles)
        return articles

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return escape(article_description(item))

    def item_link(self, item):
        return seo.absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        """A tag: URI from the site's host and the row's creation day: stable when the
        headline, slug or publication time changes, unique across articles."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"tag:{host},{item.created_at:%Y-%m-%d}:article:{item.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return article_modified_at(item)

    def item_categories(self, item):
        return item.feed_tags

    def item_enclosures(self, item):
        size = getattr(item, "feed_image_size", None)
        if not is_ready(item, "featured_image") or size is None:
            return []
        return [
            Enclosure(
                url=seo.absolute_url(item.og_image.url), length=str(size), mime_type="image/jpeg"
            )
        ]

    def item_extra_kwargs(self, item):
        image = article_image(item)
        return {
            "authors": item.feed_authors,
            "content": absolutize_html(item.body) if settings.FEED_FULL_CONTENT else "",
            "image": (
                {
                    "url": image.url,
                    "type": image.mime_type,
                    "width": image.width,
                    "height": image.height,
                }
                if image
                else None
            ),
        }


class SectionFeed(LatestArticlesFeed):
    route = "articles:section-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {settings.SITE_NAME}"

    def description(self, obj):
        return obj.description or f"The latest {obj.name} from {settings.SITE_NAME}."

    def page_path(self, obj):
        return obj.get_absolute_url()

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    def articles(self, obj):
        return Article.objects.live().filter(section=obj)


class AuthorFeed(LatestArticlesFeed):
    """An author's articles; like the author page, only for authors with live work."""

    route = "articles:author-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author.objects.with_live_articles(), slug=slug)

    def title(self, obj):
        return f"{obj.name} · {settings.SITE_NAME}"

    def description(self, obj):
        return obj.short_bio or f"Articles by {obj.name} for {settings.SITE_NAME}."

    def page_path(self, obj):
        return obj.get_absolute_url()

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    def articles(self, obj):
        # Exists, not a join: two byline roles must not list the article twice.
        credited = Byline.objects.filter(article=OuterRef("pk"), author=obj)
        return Article.objects.live().filter(Exists(credited))


class TagFeed(LatestArticlesFeed):
    """A tag's articles; like the tag page, 404 for a tag with nothing live."""

    route = "articles:tag-feed"

    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        if not Article.objects.live().filter(tags=tag).exists():
            raise Tag.DoesNotExist
        return tag

    def title(self, obj):
        return f"Tagged “{obj.name}” · {settings.SITE_NAME}"

    def description(self, obj):
        return f"Articles tagged “{obj.name}” from {settings.SITE_NAME}."

    def page_path(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def route_kwargs(self, obj):
        return {"slug": obj.slug}

    def articles(self, obj):
        return Article.objects.live().filter(tags=obj)


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = NewsroomAtomFeed
    route = "articles:feed-atom"


class SectionAtomFeed(SectionFeed):
    feed_type = NewsroomAtomFeed
    route = "articles:section-feed-atom"


class AuthorAtomFeed(AuthorFeed):
    feed_type = NewsroomAtomFeed
    route = "articles:author-feed-atom"


class TagAtomFeed(TagFeed):
    feed_type = NewsroomAtomFeed
    route = "articles:tag-feed-atom"
