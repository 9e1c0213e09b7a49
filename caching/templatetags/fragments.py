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
        # The block is shared by every page with the same keys, so what it shows comes from
        # its keys' objects (``article`` of ``article.pk``, with the rows loaded on it) or
        # from its own queries, which are recorded as it renders: those objects' tags are
        # where its recording starts, not the page's.
        with cache_tags.handing(self._key_objects(context)):
            html = fragments.get_or_build(
                context.get("request"), name, keys, lambda: str(self.nodelist.render(context))
            )
        return mark_safe(html)  # the block's own rendered, auto-escaped output

    def _key_objects(self, context) -> list[object]:
        objects = []
        for key in self.keys:
            variable = key.var
            if isinstance(variable, template.Variable) and variable.lookups:
                try:
                    objects.append(template.Variable(variable.lookups[0]).resolve(context))
                except template.VariableDoesNotExist:
                    continue
        return objects


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
