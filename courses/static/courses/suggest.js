// Suggestions as you type on the search page. Without JavaScript the form works as a plain GET form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("search-suggestions");
  var status = document.getElementById("search-suggestions-status");
  var timer = null;
  var last = "";
  function clear() { list.innerHTML = ""; list.hidden = true; }
  function show(items) {
    clear();
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url; a.textContent = item.title;
      li.appendChild(a); list.appendChild(li);
    });
    list.hidden = items.length === 0;
    status.textContent = items.length ? items.length + " 条建议" : "";
  }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    clearTimeout(timer);
    if (q.length < 1) { clear(); return; }
    timer = setTimeout(function () {
      if (q === last) return;
      last = q;
      fetch(form.dataset.suggestUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) show(data.suggestions || []); })
        .catch(clear);
    }, 250);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
})();
