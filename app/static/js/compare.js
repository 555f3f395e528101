/* Progressive enhancement for the comparison basket. Without this script every
   [data-compare-toggle] form posts and the page reloads; with it the form posts in the
   background (Accept: application/json), the button, the visible "✓ Tillagd i jämförelsen"
   line with its "Jämför nu (2)" link and the header's count update in place, and the
   change is announced to screen readers. */
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams || !window.FormData) return;

  var status = document.querySelector("[data-compare-status]");
  if (!status) {
    // Created at load, not on first use, so screen readers have registered it by then.
    status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("data-compare-status", "");
    document.body.appendChild(status);
  }

  function announce(text) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 100);
  }

  function updateHeader(data) {
    var count = document.querySelector("[data-basket-count]");
    var link = count ? count.closest("a") : null;
    if (!link && data.count > 0) {
      var row = document.querySelector(".site-header .header-row");
      if (!row) return;
      link = document.createElement("a");
      link.className = "basket-link";
      link.appendChild(document.createTextNode((data.basket_label || "") + " "));
      count = document.createElement("span");
      count.className = "count";
      count.setAttribute("data-basket-count", "");
      link.appendChild(count);
      row.insertBefore(link, row.querySelector("nav"));
    }
    if (!link) return;
    count.textContent = "(" + data.count + ")";
    // The server renders this link to the basket overview (/jamfor); keep it if present.
    if (!link.getAttribute("href")) link.href = data.compare_url;
    link.hidden = data.count === 0;
  }

  // The chosen providers of this page's kind ([data-compare-here] on the search page),
  // what "Jämför nu" compares; elsewhere the whole basket and the basket page.
  var hereBox = document.querySelector("[data-compare-here]");
  var here = hereBox
    ? hereBox.getAttribute("data-compare-here").split(" ").filter(function (s) { return s; })
    : null;

  function fill(template, n) {
    return (template || "").replace("{n}", String(n));
  }

  function updateStates(slug, data) {
    if (here) {
      here = here.filter(function (s) { return s !== slug; });
      if (data.in_basket) here.push(slug);
    }
    var count = here ? here.length : data.count;
    var url = hereBox ? hereBox.getAttribute("data-compare-start") : null;
    if (here && count >= 2) {
      url = hereBox.getAttribute("data-compare-url") + "?" +
        here.map(function (s) { return "id=" + encodeURIComponent(s); }).join("&");
    }
    var controls = document.querySelectorAll("[data-compare-control]");
    Array.prototype.forEach.call(controls, function (control) {
      var state = control.querySelector("[data-compare-state]");
      var action = control.querySelector('input[name="action"]');
      var now = control.querySelector("[data-compare-now]");
      if (!state || !action) return;
      var chosen = action.value === "remove";
      state.hidden = !chosen;
      var added = state.querySelector("[data-compare-added]");
      if (added) {
        added.textContent = fill(
          count === 1 ? state.getAttribute("data-added-one") : state.getAttribute("data-added-many"),
          count
        );
      }
      var more = state.querySelector("[data-compare-more]");
      if (more) more.hidden = count >= 2;
      if (now) {
        now.hidden = !chosen || count < 2;
        now.textContent = fill(state.getAttribute("data-compare-now-text"), count);
        if (url) now.href = url;
      }
    });
  }

  function updateForm(form, data) {
    var action = form.querySelector('input[name="action"]');
    var button = form.querySelector("button");
    if (action) action.value = data.in_basket ? "remove" : "add";
    if (!button) return;
    button.setAttribute("aria-pressed", data.in_basket ? "true" : "false");
    // Replace the visible words only; the visually hidden provider name stays.
    var first = button.firstChild;
    if (first && first.nodeType === Node.TEXT_NODE) first.nodeValue = data.button;
  }

  function showMessage(form, data) {
    var box = form.nextElementSibling;
    if (!box || !box.hasAttribute("data-compare-message")) {
      box = document.createElement("p");
      box.className = "compare-message";
      box.setAttribute("data-compare-message", "");
      form.parentNode.insertBefore(box, form.nextSibling);
    }
    box.textContent = data.message + " ";
    if (data.compare_url && data.basket_label) {
      var a = document.createElement("a");
      a.href = data.compare_url;
      a.textContent = data.basket_label;
      box.appendChild(a);
    }
  }

  function clearMessage(form) {
    var box = form.nextElementSibling;
    if (box && box.hasAttribute("data-compare-message")) box.parentNode.removeChild(box);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-compare-toggle]")) return;
    if (form.closest("[data-compare-plain]")) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    // Not form.action: the form has a field named "action", which shadows the property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        form.removeAttribute("aria-busy");
        if (result.ok) {
          updateForm(form, result.data);
          updateHeader(result.data);
          updateStates(form.getAttribute("data-slug"), result.data);
          clearMessage(form);
        } else {
          showMessage(form, result.data);
        }
        announce(result.data.message || "");
      })
      .catch(function () {
        // Anything unexpected: do what the page does without this script.
        form.removeAttribute("aria-busy");
        form.submit();
      });
  });

  var share = document.querySelector("[data-select-on-focus]");
  if (share) share.addEventListener("focus", function () { share.select(); });

  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
