/* The index page's search: every page by any of its names, ignoring case and accents.
 * The index (assets/search-index.js) is a script, so the search works from file:// too. */
(function () {
  "use strict";
  var LIMIT = 30;
  var input = document.getElementById("q");
  var list = document.getElementById("hits");
  var status = document.getElementById("hits-status");
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  var entries = (window.AIDGRAPH_SEARCH || []).map(function (e) {
    return { path: e[0], label: e[1], cls: e[2], names: [e[1]].concat(e[3]).map(fold), aliases: e[3] };
  });
  function rank(entry, key) {
    var best = 99;
    entry.names.forEach(function (name) {
      var at = name.indexOf(key);
      if (at === -1) { return; }
      var score = name === key ? 0 : at === 0 ? 1 : 2;
      if (score < best) { best = score; }
    });
    return best;
  }
  function show() {
    var key = fold(input.value);
    list.replaceChildren();
    if (!key) { status.textContent = ""; return; }
    var hits = [];
    entries.forEach(function (entry) {
      var score = rank(entry, key);
      if (score < 99) { hits.push([score, entry]); }
    });
    hits.sort(function (a, b) { return a[0] - b[0] || a[1].label.localeCompare(b[1].label); });
    hits.slice(0, LIMIT).forEach(function (hit) {
      var entry = hit[1];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry.path;
      link.textContent = entry.label;
      item.appendChild(link);
      var cls = document.createElement("span");
      cls.className = "cls";
      cls.textContent = " " + entry.cls + (entry.aliases.length ? " · also " + entry.aliases.join("; ") : "");
      item.appendChild(cls);
      list.appendChild(item);
    });
    status.textContent = hits.length === 0 ? "Nothing is called that." :
      hits.length + (hits.length === 1 ? " match" : " matches") + (hits.length > LIMIT ? ", the first " + LIMIT + " shown" : "");
  }
  input.addEventListener("input", show);
  show();
})();
