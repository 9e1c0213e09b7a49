"""Posts → articles, with their bylines, tags, featured image and old addresses.

- A post's status and times follow ``mapping.plan_post`` (the table in mapping.py); how
  they are written is ``workflow.py``'s business. A trashed post is not imported, and one
  imported before is unpublished by ``--update``.
- A post imported before is left alone unless ``--update`` is given and its WordPress
  modification time or its content (``mapping.fingerprint``) changed; then every imported
  field is written again, but its slug stays, so its address does not change. A post whose
  article was deleted here is not imported again.
- The body is converted by ``content.convert_content``; a closing "originally published
  at" sentence, or the custom fields that say so, become the source fields. Yoast SEO's
  title and description are kept when they are plain text.
- Bylines come from ``authors.Authors.post_authors``, the section and tags from
  ``taxonomy``; the featured image is the attachment named by ``_thumbnail_id``.
- An imported slug is kept short enough that the article's address fits a redirect
  (``slug_limit``), so no old address is lost for want of room.
- Each post is one transaction (``ImportRun.attempt``) holding the article, its bylines,
  tags, revision, redirects (the permalink and ``/?p=ID``) and ledger entry.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import Truncator

from articles.legacy import REDIRECT_PATH_MAX_LENGTH
from articles.models import Article, Byline
from imports.models import ImportedItem
from newsroom.slugs import unique_slug

from . import mapping, workflow
from .attribution import extract_attribution
from .authors import Authors
from .content import ConversionContext, convert_content
from .items import ContentItems
from .media import Media
from .parser import WPItem
from .run import ImportRun, item_ref
from .taxonomy import Taxonomy
from .text import clean_text

Kind = ImportedItem.Kind


class Posts(ContentItems):
    def __init__(self, run: ImportRun, *, authors: Authors, taxonomy: Taxonomy, media: Media):
        super().__init__(run)
        self.authors = authors
        self.taxonomy = taxonomy
        self.media = media

    def import_posts(self, posts: list[WPItem]) -> None:
        total = len(posts)
        for index, item in enumerate(posts, start=1):
            self.run.attempt("articles", item_ref(item), lambda i=item: self.import_item(i))
            if self.run.progress is not None:
                self.run.progress(index, total)

    # The hooks of items.ContentItems, which imports a post as it imports a page.
    kind, section, noun, model = Kind.POST, "articles", "post", Article

    def fingerprint(self, item: WPItem) -> str:
        return mapping.fingerprint(item)

    def fill(self, obj, item: WPItem, plan, ref: str) -> list[str]:
        return self.fill_article(obj, item, plan, ref)

    def redirect(self, item: WPItem, obj, ref: str) -> None:
        self.post_redirects(item, obj, ref)

    def unchanged(self, item: WPItem, obj, ref: str) -> None:
        self.meet_references(item, ref)
        self.post_redirects(item, obj, ref)

    def meet_references(self, item: WPItem, ref: str) -> None:
        """Look up the authors, section and tags an unchanged post names (made again only if
        deleted here since).

        A record first met in a post (a creator missing from the users, an undeclared tag)
        was counted as created by the run that made it; a later run counts it as unchanged
        here, so both runs account for the same totals.
        """
        self.authors.post_authors(item, ref)
        self.taxonomy.post_section(item)
        self.taxonomy.post_tags(item)

    @staticmethod
    def slug_limit() -> int:
        """The longest slug whose article address still fits a redirect's ``new_path``.

        WordPress allows 200-character slugs, and so does ``Article.slug``, but then
        ``/articles/<slug>/`` is too long to redirect to and the post would lose every old
        address, ``/?p=ID`` included. Room is left for ``unique_slug``'s ``-2``…``-999``.
        """
        address = len(reverse("articles:detail", kwargs={"slug": "x"})) - 1
        return REDIRECT_PATH_MAX_LENGTH - address - 4

    def fill_article(self, article: Article, item: WPItem, plan, ref: str) -> list[str]:
        """Set every imported field, save, and write bylines and tags. Returns notes."""
        notes = list(plan.notes)
        context = ConversionContext(
            media=self.media.lookup, site_hosts=self.hosts, post_id=item.wp_id
        )
        body = convert_content(item.content, context)
        body, closing = extract_attribution(body)
        attribution = mapping.attribution_from_meta(item, self.hosts) or closing
        notes += context.notes
        headline = clean_text(item.title)
        if not headline:
            headline = f"Untitled (WordPress post {item.wp_id})"
            notes.append("it had no title")
        elif len(headline) > 200:
            notes.append("its title was shortened to 200 characters")
        creating = article.pk is None
        article.headline = Truncator(headline).chars(200)
        article.body = body
        article.excerpt = clean_text(item.excerpt)
        article.section = self.taxonomy.post_section(item)
        article.source_name = attribution.name if attribution else ""
        article.source_url = attribution.url if attribution else ""
        seo = mapping.seo_fields(item)
        article.seo_title = seo.get("seo_title", "")
        article.seo_description = seo.get("seo_description", "")
        notes += self.media.set_featured_image(
            article,
            item,
            words={
                "alt": "featured_image_alt",
                "caption": "featured_image_caption",
                "credit": "featured_image_credit",
            },
        )
        if creating:
            article.slug = unique_slug(
                article,
                mapping.slug_candidate(item.post_name, headline)[: self.slug_limit()],
                fallback=f"post-{item.wp_id}",
            )
        workflow.save_content(article)
        authors = self.authors.post_authors(item, ref)
        if not creating:
            article.bylines.all().delete()
        for position, author in enumerate(authors):
            Byline.objects.create(article=article, author=author, position=position)
        article.tags.set(self.taxonomy.post_tags(item))
        workflow.adopt_state(article, plan, wp_id=item.wp_id)
        workflow.add_to_revision(article)
        return notes

    def post_redirects(self, item: WPItem, article: Article, ref: str) -> None:
        paths = mapping.old_paths(item.link, self.hosts, self.base)
        paths.append(self.redirects.query_key("p", item.wp_id))
        self.redirects.redirect_all(paths, article, ref)
