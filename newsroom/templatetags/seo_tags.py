"""Template side of the page metadata (logic in newsroom/page_meta.py and each app's
``share_meta()``).

``{% page_meta as meta %}`` in ``includes/_meta.html`` prints the head's description,
canonical link, Open Graph and X card tags, feed links and JSON-LD; ``{% seo_title %}`` gives
the text of ``<title>``.
"""

from django import template

from newsroom import page_meta as meta_builder
from newsroom import seo, structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context) -> meta_builder.PageMeta:
    return meta_builder.build_page_meta(context)


@register.simple_tag(takes_context=True)
def seo_title(context) -> str:
    return meta_builder.page_title(context)


@register.filter(is_safe=True)
def json_ld(data: dict):
    """``<script type="application/ld+json">`` with json_script's escaping of < > &."""
    return structured_data.script(data)


@register.filter
def xml_text(value) -> str:
    """Text with the control characters XML 1.0 cannot hold removed (feeds, sitemaps)."""
    return seo.xml_text(value)


@register.simple_tag
def news_language() -> str:
    return seo.news_language()
