/*
 * The admin's change forms: nothing typed is lost.
 *
 * On every admin change form (templates/admin/change_form.html): leaving the page with
 * changes not saved asks first; submitting the form does not.
 *
 * On edited content (templates/admin/editorial/change_form.html, #desk-autosave): the form
 * is posted every few seconds while it changes, as the person's own copy kept on the server
 * (editorial/autosave.py), and a ping says the form is still open, which tells others who
 * is editing (a closed form stops pinging and is forgotten after
 * EDITORIAL_PRESENCE_SECONDS; nothing is sent as the page closes, so leaving with changes
 * relies on the leave warning). Loaded from a file, never inline: the admin's Content-Security-Policy allows
 * no inline script.
 */
(function () {
  "use strict";

  function findForm() {
    return document.querySelector('#content-main form[method="post"][id$="_form"]');
  }

  // The form's content as text, to compare: tokens and buttons (names starting "_") are not
  // content; a chosen file counts by its name and size.
  function serialize(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name.charAt(0) === "_") {
        return;
      }
      var text = typeof value === "string" ? value : "file:" + value.name + ":" + value.size;
      parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(text));
    });
    return parts.join("&");
  }

  function textFields(form) {
    var data = new FormData();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name.charAt(0) !== "_") {
        data.append(name, value);
      }
    });
    return data;
  }

  function newToken() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function start() {
    var form = findForm();
    if (!form) {
      return;
    }
    var config = document.getElementById("desk-autosave");
    var restored = config !== null && config.hasAttribute("data-restored");
    // A restored copy is not saved yet: the form counts as changed from the start.
    var baseline = restored ? null : serialize(form);
    var submitting = false;

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      // "Preview changes" opens a new tab; this page stays, and so does the warning.
      if (submitter && submitter.formTarget === "_blank") {
        return;
      }
      submitting = true;
    });

    window.addEventListener("beforeunload", function (event) {
      if (submitting || serialize(form) === baseline) {
        return;
      }
      event.preventDefault();
      event.returnValue = "";
    });

    if (config !== null) {
      startAutosave(form, config, function () {
        return submitting;
      });
    }
    var checklist = document.getElementById("desk-checklist");
    if (checklist !== null && checklist.dataset.url) {
      startChecklist(form, checklist);
    }
  }

  // The pre-publish checklist follows the form: shortly after typing stops, the open form
  // (text only) is posted to the checklist endpoint, which saves nothing, and the bar shows
  // its answer. A failed request leaves the last checklist shown.
  function startChecklist(form, box) {
    var url = box.dataset.url;
    var csrf = form.querySelector('[name="csrfmiddlewaretoken"]');
    var lastSent = serialize(form);
    var timer = null;
    var pending = null;

    function refresh() {
      timer = null;
      var current = serialize(form);
      if (current === lastSent) {
        return;
      }
      lastSent = current;
      var data = textFields(form);
      data.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        signal: pending.signal,
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (answer) {
          var details = box.querySelector("details");
          var open = details === null || details.open;
          box.innerHTML = answer.html;
          var fresh = box.querySelector("details");
          if (fresh) {
            fresh.open = open;
          }
        })
        .catch(function () {
          lastSent = null; // try again on the next change
        });
    }

    function schedule() {
      if (timer !== null) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(refresh, 600);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  function startAutosave(form, config, isSubmitting) {
    var url = config.dataset.url;
    var delay = Math.max(1, parseInt(config.dataset.seconds, 10) || 5) * 1000;
    var token = config.dataset.token || newToken();
    var status = document.getElementById("desk-autosave-status");
    var presence = document.getElementById("desk-presence");
    var csrf = form.querySelector('[name="csrfmiddlewaretoken"]');
    var isNew = /\/autosave\/$/.test(url) && !/\/\d+\/autosave\/$/.test(url);
    var lastSent = config.hasAttribute("data-restored") ? null : serialize(form);
    var timer = null;

    // Saving the form sends the token, so the server deletes this copy once it is saved.
    var tokenInput = document.createElement("input");
    tokenInput.type = "hidden";
    tokenInput.name = "_autosave_token";
    tokenInput.value = token;
    form.appendChild(tokenInput);

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function showOthers(others) {
      if (!presence || !others) {
        return;
      }
      presence.textContent = "";
      others.forEach(function (other) {
        var line = document.createElement("p");
        var who = document.createElement("strong");
        who.textContent = other.name;
        line.appendChild(who);
        var since = new Date(other.since);
        line.appendChild(
          document.createTextNode(
            " is editing this too, since " +
              since.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
              ". If you both save, the later save is refused until it is merged."
          )
        );
        presence.appendChild(line);
      });
      presence.hidden = others.length === 0;
    }

    function payload(action, withForm) {
      var data = withForm ? textFields(form) : new FormData();
      data.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
      data.append("_autosave_action", action);
      data.append("_autosave_token", token);
      return data;
    }

    function post(action, withForm) {
      return fetch(url, {
        method: "POST",
        body: payload(action, withForm),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      }).then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      });
    }

    function save() {
      timer = null;
      if (isSubmitting()) {
        return;
      }
      var current = serialize(form);
      if (current === lastSent) {
        return;
      }
      post("save", true)
        .then(function (answer) {
          lastSent = current;
          var at = new Date(answer.saved_at);
          say("Unsaved changes kept at " + at.toLocaleTimeString() + ".");
          showOthers(answer.others);
        })
        .catch(function () {
          say("Your changes could not be kept just now; they are still in this page.");
        });
    }

    function schedule() {
      if (timer === null) {
        timer = window.setTimeout(save, delay);
      }
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);

    if (!isNew) {
      // Still here: others opening the form see who is editing it.
      window.setInterval(function () {
        if (!isSubmitting()) {
          post("ping", false).then(function (answer) {
            showOthers(answer.others);
          }, function () {});
        }
      }, 30000);
    }
  }

  if (document.readyState === "complete") {
    start();
  } else {
    // After every widget (rich-text editor, autocomplete) has set its starting value.
    window.addEventListener("load", start);
  }
})();
