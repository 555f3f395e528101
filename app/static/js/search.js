/* Search as you type, as an enhancement of the plain GET form.
 *
 * Without this script the form submits and the server renders the page. With it, the same
 * URL is fetched with the X-Partial header and the server answers with just the regions
 * that change (filters with their counts, sorting, results), which are swapped in place.
 * The address bar follows with history.replaceState and the new count is announced in
 * the page's polite live region.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-search-form]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams || !window.DOMParser) {
    return;
  }
  var REGIONS = ["search-errors", "search-place", "search-facets", "search-sort", "search-results"];
  var DELAY_MS = 300;
  var status = document.querySelector("[data-search-status]");
  var panel = document.querySelector("[data-filter-panel]");
  var timer = null;
  var controller = null;
  var latest = 0;

  // The filters start closed on small screens; beside the results there is room to show them.
  if (panel && window.matchMedia && window.matchMedia("(min-width: 52rem)").matches) {
    panel.open = true;
  }

  function queryString() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || value.trim() === "") return;
      if (name === "sortera" && value === "namn") return; // the default
      params.append(name, value.trim());
    });
    return params.toString();
  }

  function swapRegion(id, fresh) {
    var current = document.getElementById(id);
    if (!current || !fresh || current.innerHTML === fresh.innerHTML) return;
    var active = document.activeElement;
    var focusId = active && current.contains(active) ? active.id : null;
    current.innerHTML = fresh.innerHTML;
    if (focusId) {
      var again = document.getElementById(focusId);
      if (again) again.focus();
    }
  }

  function update() {
    var qs = queryString();
    var url = form.getAttribute("action") + (qs ? "?" + qs : "");
    var request = ++latest;
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    var results = document.getElementById("search-results");
    if (results) results.setAttribute("aria-busy", "true");
    fetch(url, {
      headers: { "X-Partial": "1" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text().then(function (html) {
          return { html: html, url: response.url || url };
        });
      })
      .then(function (answer) {
        if (request !== latest) return; // a newer search has been started
        var doc = new DOMParser().parseFromString(answer.html, "text/html");
        REGIONS.forEach(function (id) {
          swapRegion(id, doc.getElementById(id));
        });
        var count = doc.querySelector("[data-filter-count]");
        var shown = document.querySelector("[data-filter-count]");
        if (count && shown) shown.textContent = count.textContent;
        // A redirect (e.g. to the last page) is the address to keep.
        var kept = new URL(answer.url, window.location.href);
        window.history.replaceState(null, "", kept.pathname + kept.search);
        // Announce what went wrong first (the error summary), otherwise the new count.
        var heading = doc.querySelector(".error-summary") || doc.querySelector("[data-result-count]");
        if (status && heading) status.textContent = heading.textContent.replace(/\s+/g, " ").trim();
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        // Something went wrong in between: let the browser load the page the plain way.
        window.location.assign(url);
      })
      .then(function () {
        if (request === latest && results) results.removeAttribute("aria-busy");
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, DELAY_MS);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    update();
  });

  // Controls outside the <form> element belong to it through their form attribute, so
  // listen on the document and ask each control which form it belongs to.
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el && el.form === form && el.type === "search") later();
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el || el.form !== form || el.type === "search") return;
    // A half-typed postal code is not worth a search; a complete one or an empty field is.
    var digits = el.name === "postnummer" ? el.value.replace(/\s/g, "").length : 0;
    if (digits !== 0 && digits !== 5) return;
    window.clearTimeout(timer);
    update();
  });
})();
