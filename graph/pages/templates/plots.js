/* The site's Plotly pages: draw #figure-data and open an entity's page from a click.
 * A mark's customdata is [what it names, hover text]: what it names is an entity id (a Sankey
 * node, a timeline mark), a list of ids (a Sankey flow's pledges) or null (a node that is no one
 * entity). Ids the site has a page for open it (one) or are listed as links (several). */
(function () {
  "use strict";
  var holder = document.getElementById("figure");
  var data = JSON.parse(document.getElementById("figure-data").textContent);
  var pages = new Map(data.pages);
  var picked = document.getElementById("picked");

  function idsIn(named) {
    var ids = Array.isArray(named) ? named : [named];
    return ids.filter(function (id, index) {
      return typeof id === "string" && pages.has(id) && ids.indexOf(id) === index;
    });
  }
  function open(point) {
    var found = Array.isArray(point.customdata) ? idsIn(point.customdata[0]) : [];
    if (found.length === 1) {
      window.location.href = pages.get(found[0])[0];
    } else if (found.length > 1) {
      picked.replaceChildren();
      picked.appendChild(document.createTextNode("Open: "));
      found.forEach(function (id, index) {
        var link = document.createElement("a");
        link.href = pages.get(id)[0];
        link.textContent = pages.get(id)[1];
        picked.appendChild(link);
        if (index < found.length - 1) { picked.appendChild(document.createTextNode("; ")); }
      });
    }
  }
  Plotly.newPlot(holder, data.figure.data, data.figure.layout, data.config).then(function () {
    holder.on("plotly_click", function (event) {
      if (event && event.points && event.points.length) { open(event.points[0]); }
    });
    document.body.setAttribute("data-drawn", "true");
  });
  window.aidgraph = { open: open, pages: pages };
})();
