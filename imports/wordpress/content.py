"""WordPress post content → the clean HTML our article bodies hold.

WordPress stores classic-editor posts as text in which a blank line means a new paragraph
and a single line break means ``<br>``, with shortcodes (``[caption]``, ``[gallery]``,
``[embed]``…) that only WordPress can render. Block-editor posts are real HTML between
``<!-- wp:… -->`` comments. Both go through the same steps:

1. shortcodes are rendered to plain HTML (a caption becomes ``<figure>``/``<figcaption>``,
   a gallery becomes figures, a video becomes a link), or removed with their text kept;
   embeds — ``[embed]``, block-editor embed blocks, a URL alone on its line — become
   privacy-friendly cards (``embeds``); each one is noted in the report;
2. paragraphs are made from blank lines wherever text is not already inside a block element;
3. the result goes through the site's one sanitiser (``newsroom.sanitize.sanitize_html``), so
   scripts, event handlers, ``javascript:`` links and styles are gone;
4. links and images are pointed at their new homes: images from the old uploads folder at
   our stored copies (with alt text from the media library when the post had none), links to
   the old site made relative so the redirects the import creates answer them.

Each step has its module: ``shortcodes`` (1), ``paragraphs`` (2, and the tidying after 3),
``links`` (4), with ``uploads`` finding our copies of old files and ``text`` cleaning plain
text. A closing "This article was originally published at <a>…</a>." sentence is recognised
by ``attribution.extract_attribution`` and turned into the article's source fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsroom.sanitize import sanitize_html

from .embeds import render_embeds
from .links import rewrite_links
from .paragraphs import autop, tidy
from .shortcodes import render_shortcodes
from .uploads import MediaLookup


@dataclass
class ConversionContext:
    """What converting one post needs from the import, and the notes it leaves."""

    media: MediaLookup = field(default_factory=MediaLookup)
    site_hosts: frozenset[str] = frozenset()
    post_id: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


def convert_content(raw: str | None, context: ConversionContext) -> str:
    """WordPress post content → sanitised HTML for ``Article.body``."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = render_embeds(render_shortcodes(text, context), context)
    html = tidy(sanitize_html(autop(text)))
    return rewrite_links(html, context)
