// The body editor checks spelling (issue 18): ProseMirror builds its editable element after
// the page loads, so mark every one as it appears. Scoped to the editors; nothing else.
(function () {
  "use strict";
  function mark(root) {
    root.querySelectorAll(".prose-editor .ProseMirror[contenteditable]").forEach(function (el) {
      if (el.getAttribute("spellcheck") !== "true") {
        el.setAttribute("spellcheck", "true");
      }
    });
  }
  function start() {
    mark(document);
    new MutationObserver(function () { mark(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
