// The body editor's embed card (newsroom/embeds.py): a privacy-friendly link card, shown in
// the editor as readers will see it, not as the bare address it was made from.
//
// - A stored card (<figure data-embed>) loads as one card: it is selected, moved or deleted
//   whole, and no longer taken apart into an image figure, a link and a caption.
// - A provider's address alone in a paragraph becomes a card: at once when it was pasted,
//   when the caret leaves the paragraph when it was typed (a half-typed address is left
//   alone). A link with words of its own stays a link, as on save.
// - The card is written as the server writes it; saving makes its words again anyway.
//
// Loaded by django-prose-editor's "configurable" preset when a field's configuration names
// EmbedCard (editorial/forms.py, DJANGO_PROSE_EDITOR_EXTENSIONS in settings), with the
// providers from newsroom.embeds.editor_providers(): one list for the editor and the server.
import { Node, pm } from "django-prose-editor/editor";

const { Plugin, PluginKey, TextSelection } = pm.state;

function parseUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch (error) {
    return null;
  }
}

export function providerFor(providers, address) {
  const url = parseUrl((address || "").trim());
  if (!url) return null;
  const host = url.hostname.toLowerCase();
  return (
    providers.find(function (provider) {
      return provider.hosts.some(function (known) {
        return host === known || host.endsWith("." + known);
      });
    }) || null
  );
}

// newsroom.embeds.display_url: "https://www.youtube.com/watch?v=x" → "youtube.com/watch?v=x".
export function displayUrl(address) {
  const url = parseUrl(address);
  if (!url) return address;
  const host = url.hostname.replace(/^www\./, "");
  const text = host + url.pathname.replace(/\/+$/, "") + url.search;
  return text.length <= 80 ? text : text.slice(0, 79) + "…";
}

// The address a paragraph holds alone (as text, or as a link to itself), or null.
function bareAddress(paragraph) {
  if (paragraph.type.name !== "paragraph" || paragraph.childCount === 0) return null;
  const text = paragraph.textContent.trim();
  if (!/^https?:\/\/\S+$/i.test(text)) return null;
  let plain = true;
  paragraph.forEach(function (child) {
    if (!child.isText) {
      plain = false;
      return;
    }
    child.marks.forEach(function (mark) {
      const href = mark.attrs && mark.attrs.href;
      if (mark.type.name !== "link" || (href || "").replace(/\/$/, "") !== text.replace(/\/$/, "")) {
        plain = false;
      }
    });
  });
  return plain ? text : null;
}

export const EmbedCard = Node.create({
  name: "embedCard",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { providers: [] };
  },

  addAttributes() {
    return { url: { default: null, rendered: false } };
  },

  parseHTML() {
    const providers = this.options.providers;
    return [
      {
        tag: "figure[data-embed]",
        priority: 100, // before the image figure, which would take the card apart
        getAttrs(element) {
          const link = element.querySelector("a[href]");
          const url = link && link.getAttribute("href");
          return url && providerFor(providers, url) ? { url: url } : false;
        },
      },
    ];
  },

  renderHTML({ node }) {
    const url = node.attrs.url;
    const provider = providerFor(this.options.providers, url);
    if (!provider) return ["p", ["a", { href: url }, url]];
    return [
      "figure",
      { "data-embed": provider.key },
      ["a", { href: url }, provider.verb + " on " + provider.name],
      ["figcaption", displayUrl(url)],
    ];
  },

  addProseMirrorPlugins() {
    const providers = this.options.providers;
    const type = this.type;
    return [
      new Plugin({
        key: new PluginKey("embedCards"),
        props: {
          handleDOMEvents: {
            // A click on the card's link chooses the card; it does not leave the form.
            click(view, event) {
              const target = event.target;
              if (target && target.closest && target.closest("figure[data-embed] a")) {
                event.preventDefault();
              }
              return false;
            },
          },
        },
        appendTransaction(transactions, oldState, state) {
          if (!transactions.some((tr) => tr.docChanged)) return null;
          const pasted = transactions.some(
            (tr) => tr.getMeta("paste") || tr.getMeta("uiEvent") === "paste",
          );
          const $caret = state.selection.$from;
          const caretBlock = $caret.depth >= 1 ? $caret.before(1) : -1;
          const found = [];
          state.doc.forEach(function (block, offset) {
            const url = bareAddress(block);
            if (!url || !providerFor(providers, url)) return;
            if (offset === caretBlock && !pasted) return; // still being typed
            found.push({ offset: offset, block: block, url: url });
          });
          if (!found.length) return null;
          const tr = state.tr;
          // From the last to the first, so earlier positions stay valid.
          for (const { offset, block, url } of found.reverse()) {
            const card = type.create({ url: url });
            tr.replaceWith(offset, offset + block.nodeSize, card);
            if (offset !== caretBlock) continue;
            // Pasted where the caret is: carry on writing below the card.
            const after = offset + card.nodeSize;
            const next = tr.doc.nodeAt(after);
            if (!next || !next.isTextblock) {
              tr.insert(after, state.schema.nodes.paragraph.create());
            }
            tr.setSelection(TextSelection.create(tr.doc, after + 1));
          }
          return tr;
        },
      }),
    ];
  },
});
