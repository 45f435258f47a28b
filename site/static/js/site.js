/* 蓟州终身学习网 — progressive enhancement only: every page works without this file.
 *
 * Error summaries (includes/form_errors.html) get the focus when a form comes back with errors.
 *
 * 读一读 (read aloud): a button marked data-read-aloud="<selector>" is rendered hidden and shown here
 * only when the browser can speak (speechSynthesis). It reads the target's text in the page language,
 * a little slower than default, and a second press stops it. Long texts are split at sentence ends
 * because some Android voices stop after about 15 seconds of a single utterance. */
(function () {
  "use strict";
  // A form came back with errors: move focus to its summary so it is read out first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();

(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  function chunks(text) {
    // Split after each sentence end, keeping the punctuation (no look-behind: old Safari lacks it).
    var pieces = text.replace(/\s+/g, " ").split(/([。！？!?；;])/);
    var out = [], current = "";
    for (var i = 0; i < pieces.length; i += 2) {
      var part = pieces[i] + (pieces[i + 1] || "");
      if ((current + part).length > 180 && current) { out.push(current); current = ""; }
      current += part;
    }
    if (current.trim()) out.push(current);
    return out;
  }

  function readableText(target) {
    var copy = target.cloneNode(true);
    copy.querySelectorAll("[data-read-skip], button, form, script, style").forEach(function (el) { el.remove(); });
    // Definition lists read as "类别：农业技术。" rather than two words run together.
    copy.querySelectorAll("dt").forEach(function (dt) { dt.textContent = dt.textContent + "："; });
    copy.querySelectorAll("dd, h1, h2, h3, p, li").forEach(function (el) { el.textContent = el.textContent + "。"; });
    return copy.textContent;
  }

  document.querySelectorAll("[data-read-aloud]").forEach(function (button) {
    var target = document.querySelector(button.getAttribute("data-read-aloud"));
    if (!target) return;
    var label = button.textContent;
    var stopLabel = button.getAttribute("data-stop-label") || label;

    function reset() {
      button.setAttribute("aria-pressed", "false");
      button.textContent = label;
    }

    button.hidden = false;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") { synth.cancel(); reset(); return; }
      synth.cancel();
      var lang = document.documentElement.lang || "zh-CN";
      var parts = chunks(readableText(target));
      parts.forEach(function (text, index) {
        var utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = lang;
        utterance.rate = 0.9;
        if (index === parts.length - 1) { utterance.onend = reset; utterance.onerror = reset; }
        synth.speak(utterance);
      });
      button.setAttribute("aria-pressed", "true");
      button.textContent = stopLabel;
    });
    window.addEventListener("pagehide", function () { synth.cancel(); });
  });
})();
