// Välfärdsjämföraren's widget loader, for the kommun's own page (no dependencies).
// It sizes our frames to their content: a message is believed only when it comes from our
// origin (where this script was loaded from) and from the window of one of our frames.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var ours = new URL(script.src).origin;
  var MIN = 150, MAX = 10000;
  function ourFrames() {
    return Array.prototype.filter.call(document.querySelectorAll("iframe[data-valfardsjamforaren]"), function (f) {
      try { return new URL(f.src, location.href).origin === ours; } catch (e) { return false; }
    });
  }
  // Frames that loaded before this script missed nothing: ask each for its height now, and
  // again when one (re)loads.
  function hello(frame) {
    try { frame.contentWindow.postMessage({ type: "valfardsjamforaren:hello" }, ours); } catch (e) { /* not ready */ }
  }
  ourFrames().forEach(function (frame) {
    hello(frame);
    frame.addEventListener("load", function () { hello(frame); });
  });
  window.addEventListener("message", function (event) {
    if (event.origin !== ours) return;
    var data = event.data;
    if (!data || data.type !== "valfardsjamforaren:height") return;
    var height = Math.max(MIN, Math.min(MAX, Math.ceil(Number(data.height) || 0)));
    ourFrames().forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        frame.style.height = height + "px";
        frame.setAttribute("data-resized", String(height));
      }
    });
  });
})();
