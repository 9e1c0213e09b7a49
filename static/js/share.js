/*
 * The article page's "Copy link" button. The share links are plain <a> elements and work
 * without JavaScript; this only reveals and wires the button, which needs a script to work.
 * navigator.clipboard needs a secure context, so a hidden-textarea copy is the fallback.
 */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(field);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      });
    }
    return fallbackCopy(text);
  }

  function setUp(section) {
    var button = section.querySelector("[data-share-url]");
    var status = section.querySelector("[role=status]");
    if (!button || !status) {
      return;
    }
    var item = button.closest("[hidden]");
    if (item) {
      item.hidden = false;
    }
    var timer = null;
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-share-url");
      copy(url).then(
        function () {
          status.textContent = "Link copied";
          button.classList.add("is-done");
        },
        function () {
          status.textContent = "Copy failed. The link is " + url;
        }
      ).then(function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          status.textContent = "";
          button.classList.remove("is-done");
        }, 6000);
      });
    });
  }

  document.querySelectorAll(".share").forEach(setUp);
})();
