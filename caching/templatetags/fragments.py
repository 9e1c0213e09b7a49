"""``{% fragment "name" key… %}…{% endfragment %}``: a block stored under the cache tags of
what it read and shared by every page that shows it (caching/fragments.py says why).

The keys are whatever makes the block differ (an author's pk, a heading level); the tags
are recorded by the fragment cache itself. Inside the block, inclusion tags that run
queries run only when the fragment is rendered, so a page that finds the fragment stored
runs none of them.

    {% load fragments %}
    {% fragment "author-box" author.pk level %}
      {% include "includes/_author_box.html" %}
    {% endfragment %}
"""

from django import template
from django.utils.safestring import mark_safe

from caching import fragments
from caching import tags as cache_tags

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, keys):
        self.nodelist = nodelist
        self.name = name
        self.keys = keys

    def render(self, context):
        name = self.name.resolve(context)
        keys = [key.resolve(context) for key in self.keys]
        if not cache_tags.is_recording():
            # Rendered outside a recorded request: the objects the block is given are what it
            # can show without a query (its own queries are recorded as it renders).
            cache_tags.record_objects(context.flatten().values())
        html = fragments.get_or_build(
            context.get("request"), name, keys, lambda: str(self.nodelist.render(context))
        )
        return mark_safe(html)  # the block's own rendered, auto-escaped output


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
