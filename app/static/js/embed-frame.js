// Inside a widget's frame: tell the page that framed us how tall we are, so its loader
// (embed.js) can size the frame. Only to a site the kommun registered (data-parents), and
// only the one that framed us (its origin, from the referrer); never to '*'.
(function () {
  "use strict";
  if (window.parent === window) return;
  var allowed = (document.documentElement.getAttribute("data-parents") || "").split(" ").filter(Boolean);
  var parent = "";
  try { parent = document.referrer ? new URL(document.referrer).origin : ""; } catch (e) { return; }
  function matches(entry) {
    if (entry === parent) return true;
    var star = entry.indexOf("://*.");
    if (star < 0) return false;
    var scheme = entry.slice(0, star + 3), suffix = entry.slice(star + 4);
    return parent.indexOf(scheme) === 0 && parent.slice(scheme.length).endsWith(suffix);
  }
  // Our own pages (the builder's preview) may frame us too.
  if (!parent || (parent !== location.origin && !allowed.some(matches))) return;
  var last = 0;
  function post() {
    // The body's own height: the document's scrollHeight never drops below the frame's
    // height, so a widget that got shorter (a comparison after a long list) would not shrink.
    var body = document.body, style = getComputedStyle(body);
    var height = Math.ceil(body.getBoundingClientRect().height +
      parseFloat(style.marginTop) + parseFloat(style.marginBottom));
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "valfardsjamforaren:height", height: height }, parent);
  }
  // The page's loader may start after our first message (it loads async): it then asks,
  // and we answer to the same parent origin only.
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || event.origin !== parent) return;
    if (event.data && event.data.type === "valfardsjamforaren:hello") { last = 0; post(); }
  });
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(document.body);
  window.addEventListener("load", post);
  post();
})();
