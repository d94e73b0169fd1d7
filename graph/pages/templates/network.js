/* The network page: draw the nodes and edges of #network-data with vis-network.
 * Data arrive as JSON (never as script), maps have no prototype, tooltips are built server-side
 * from escaped values. Edge labels show on hover, or for all edges once zoomed in; a search finds
 * a node by any of its names ignoring case and accents; in the site a click opens the node's page. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var SHOW_ALL_LABELS_AT = 1.6;  // zoom at which every edge is labelled
  var NAME_ALL_NODES_AT = 0.8;    // zoom at which every node is named; below, only the most central
  var NAMED_AT_FIT = data.namedAtFit;

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // vis-network keeps nodes in plain objects keyed by id: an entity called "constructor" would
  // find Object's constructor there (and overflow the stack). Ids get a prefix no prototype has.
  function key(id) { return "n:" + id; }
  var nodeLabels = new Map();
  data.nodes.forEach(function (node) {
    node.entity = node.id;
    nodeLabels.set(key(node.id), node.label);
    if (node.rank >= NAMED_AT_FIT) { node.label = undefined; }
    node.id = key(node.id);
    if (typeof node.title === "string") {
      var tip = document.createElement("div");
      tip.innerHTML = node.title;
      node.title = tip;
    }
  });
  var fullLabels = new Map();
  data.edges.forEach(function (edge, index) {
    edge.id = "e" + index;
    edge.from = key(edge.from);
    edge.to = key(edge.to);
    fullLabels.set(edge.id, edge.label || "");
    edge.label = undefined;
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"), { nodes: nodes, edges: edges }, data.options);
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    document.body.setAttribute("data-stabilized", "true");
  });

  var allShown = false;
  function showLabels(ids, show) {
    edges.update(ids.map(function (id) { return { id: id, label: show ? fullLabels.get(id) : undefined }; }));
  }
  network.on("hoverEdge", function (event) { if (!allShown) { showLabels([event.edge], true); } });
  network.on("blurEdge", function (event) { if (!allShown) { showLabels([event.edge], false); } });
  var allNamed = false;
  network.on("zoom", function () {
    var named = network.getScale() >= NAME_ALL_NODES_AT;
    if (named !== allNamed) {
      allNamed = named;
      nodes.update(nodes.get({ filter: function (n) { return n.rank >= NAMED_AT_FIT; } }).map(function (n) {
        return { id: n.id, label: named ? nodeLabels.get(n.id) : undefined };
      }));
    }
    var wanted = network.getScale() >= SHOW_ALL_LABELS_AT;
    if (wanted !== allShown) {
      allShown = wanted;
      showLabels(Array.from(fullLabels.keys()), wanted);
    }
  });

  var byName = new Map();
  data.names.forEach(function (pair) {
    var name = fold(pair[0]);
    if (!byName.has(name)) { byName.set(name, pair[1]); }
  });
  var search = document.getElementById("search");
  var status = document.getElementById("search-status");
  function find(text, loose) {
    var wanted = fold(text);
    if (!wanted) { return undefined; }
    if (byName.has(wanted)) { return byName.get(wanted); }
    if (!loose) { return undefined; }
    var found;
    byName.forEach(function (id, name) { if (found === undefined && name.indexOf(wanted) !== -1) { found = id; } });
    return found;
  }
  function go(loose) {
    var id = find(search.value, loose);
    if (id === undefined) {
      if (loose) { status.textContent = search.value ? "No node is called that." : ""; }
      return;
    }
    var node = nodes.get(key(id));
    status.textContent = "Found: " + (node && node.searchName ? node.searchName : id);
    network.selectNodes([key(id)]);
    network.focus(key(id), { scale: 1.3, animation: { duration: 400 } });
  }
  search.addEventListener("input", function () { go(false); });
  search.addEventListener("change", function () { go(true); });

  network.on("click", function (event) {
    if (event.nodes.length !== 1) { return; }
    var node = nodes.get(event.nodes[0]);
    if (node && typeof node.href === "string") { window.location.href = node.href; }
  });
  window.aidgraph = {
    network: network, nodes: nodes, edges: edges, find: find, key: key,
    selected: function () { return network.getSelectedNodes().map(function (id) { return nodes.get(id).entity; }); }
  };
})();
