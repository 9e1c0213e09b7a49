// The image library in admin forms (images/forms.py, images/body.py):
// - the chooser's preview follows the chosen image;
// - a file dropped on, or pasted into, the upload zone is put in its file input (it goes
//   into the library when the form is saved, or when the form comes back with an error);
// - the body editor gets an "Insert image from the library" button.
"use strict";
(function () {
  function previewChooser(chooser) {
    const select = chooser.querySelector("select");
    const img = chooser.querySelector(".library-chooser__preview");
    if (!select || !img) return;
    const update = function () {
      const value = select.value;
      if (value) {
        img.src = chooser.dataset.previewTemplate.replace("/0/", "/" + encodeURIComponent(value) + "/");
        img.hidden = false;
      } else {
        img.removeAttribute("src");
        img.hidden = true;
      }
    };
    select.addEventListener("change", update);
    if (window.django && window.django.jQuery) window.django.jQuery(select).on("change", update);
  }

  function acceptFiles(zone, files) {
    const input = zone.querySelector("input[type=file]");
    const image = Array.from(files || []).find((file) => file.type.startsWith("image/"));
    if (!input || !image) return false;
    const transfer = new DataTransfer();
    transfer.items.add(image);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function showLocalPreview(zone) {
    const input = zone.querySelector("input[type=file]");
    const img = zone.querySelector(".library-drop__preview");
    if (!input || !img) return;
    input.addEventListener("change", function () {
      const file = input.files && input.files[0];
      if (!file) { img.hidden = true; return; }
      const reader = new FileReader(); // a data: URL, which the CSP allows for images
      reader.addEventListener("load", function () { img.src = reader.result; img.hidden = false; });
      reader.readAsDataURL(file);
    });
  }

  function dropZone(zone) {
    showLocalPreview(zone);
    zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("is-over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("is-over"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-over");
      acceptFiles(zone, event.dataTransfer && event.dataTransfer.files);
    });
    zone.addEventListener("paste", function (event) {
      if (acceptFiles(zone, event.clipboardData && event.clipboardData.files)) event.preventDefault();
    });
  }

  // A pasted image anywhere in the form outside a text field lands in the (first) zone.
  document.addEventListener("paste", function (event) {
    const target = event.target;
    if (target.closest && (target.closest(".library-drop") || target.closest("input, textarea, [contenteditable=true]"))) return;
    const zone = document.querySelector(".library-drop");
    if (zone && acceptFiles(zone, event.clipboardData && event.clipboardData.files)) event.preventDefault();
  });

  // --- the body editor: insert a library image ------------------------------------------
  const SEARCH_URL = "/admin/images/library/search/";

  function escapeHtml(text) {
    const span = document.createElement("span");
    span.textContent = text || "";
    return span.innerHTML;
  }

  function figureHtml(image) {
    const caption = image.caption ? "<figcaption>" + escapeHtml(image.caption) + "</figcaption>" : "";
    return '<figure><img src="' + escapeHtml(image.src) + '" alt="' + escapeHtml(image.alt) + '">' + caption + "</figure>";
  }

  function openChooser(editor) {
    const dialog = document.createElement("dialog");
    dialog.className = "library-dialog";
    dialog.setAttribute("aria-label", "Insert an image from the library");
    dialog.innerHTML =
      '<form method="dialog"><p><label>Search the image library <input type="search" name="q" class="vTextField"></label></p>' +
      '<ul class="library-dialog__results"></ul><p><button value="cancel" class="button">Cancel</button></p></form>';
    document.body.appendChild(dialog);
    const results = dialog.querySelector(".library-dialog__results");
    const search = dialog.querySelector("input[type=search]");
    let timer = null;
    function load() {
      fetch(SEARCH_URL + "?q=" + encodeURIComponent(search.value), { credentials: "same-origin" })
        .then((response) => response.json())
        .then(function (data) {
          results.textContent = "";
          if (!data.results.length) { results.innerHTML = "<li>No image matches.</li>"; return; }
          for (const image of data.results) {
            const item = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.dataset.imageId = image.id;
            button.innerHTML = '<img src="' + escapeHtml(image.src) + '" alt=""><span>' + escapeHtml(image.title) + "</span>";
            button.addEventListener("click", function () {
              editor.chain().focus().insertContent(figureHtml(image)).run();
              dialog.close();
            });
            item.appendChild(button);
            results.appendChild(item);
          }
        });
    }
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 250); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    load();
    dialog.showModal();
  }

  document.addEventListener("prose-editor:ready", function (event) {
    const editor = event.detail.editor;
    const textarea = event.detail.textarea;
    if (!textarea || textarea.name.replace(/^.*-/, "") !== "body") return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button library-insert";
    button.textContent = "Insert image from the library";
    button.addEventListener("click", function () { openChooser(editor); });
    const wrapper = textarea.closest(".prose-editor") || textarea.parentElement;
    wrapper.insertAdjacentElement("afterend", button);
  });

  // The chooser's select2 (images/forms.py LibraryChooser): the admin's autocomplete
  // settings, plus a small picture beside each search result (its "thumbnail").
  function resultWithThumbnail(result) {
    if (!result.id || !result.thumbnail) return result.text;
    const row = document.createElement("span");
    row.className = "library-result";
    const img = document.createElement("img");
    img.src = result.thumbnail;
    img.alt = "";
    img.width = 48;
    img.loading = "lazy";
    img.className = "library-result__thumbnail";
    row.appendChild(img);
    row.appendChild(document.createTextNode(result.text));
    return window.django.jQuery(row);
  }

  function startChooserSearch(element) {
    if (!window.django || !window.django.jQuery || !window.django.jQuery.fn.select2) return;
    window.django.jQuery(element).select2({
      ajax: {
        data: function (params) {
          return {
            term: params.term,
            page: params.page,
            app_label: element.dataset.appLabel,
            model_name: element.dataset.modelName,
            field_name: element.dataset.fieldName,
          };
        },
      },
      templateResult: resultWithThumbnail,
    });
  }

  function start() {
    document
      .querySelectorAll(".library-autocomplete:not([name*=__prefix__])")
      .forEach(startChooserSearch);
    document.querySelectorAll(".library-chooser").forEach(previewChooser);
    document.querySelectorAll(".library-drop").forEach(dropZone);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
