// Influence Warehouse site: draws each chart from the figure JSON in its page, filters tables,
// and searches the index. Builds DOM nodes with textContent only: no data becomes markup.
(function () {
  "use strict";

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function drawCharts() {
    var charts = document.querySelectorAll("div.chart[data-figure]");
    for (var i = 0; i < charts.length; i++) {
      var figure = json(charts[i].getAttribute("data-figure"));
      if (figure && window.Plotly) {
        window.Plotly.newPlot(charts[i], figure.data, figure.layout,
          { displaylogo: false, responsive: true });
      }
    }
  }

  function wireFilters() {
    var boxes = document.querySelectorAll("input.filter[data-target]");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].addEventListener("input", function (event) {
        var box = event.target;
        var words = box.value.toLowerCase().trim();
        var rows = document.querySelectorAll("#" + box.getAttribute("data-target") + " tbody tr");
        for (var j = 0; j < rows.length; j++) {
          var text = rows[j].textContent.toLowerCase();
          rows[j].hidden = words !== "" && text.indexOf(words) < 0;
        }
      });
    }
  }

  function wireSearch() {
    var box = document.getElementById("search");
    var list = document.getElementById("results");
    var index = json("search-index");
    if (!box || !list || !index) { return; }
    var limit = 60;
    function show() {
      var words = box.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      list.textContent = "";
      var shown = 0;
      for (var i = 0; i < index.length && shown < limit; i++) {
        var entry = index[i];
        var hay = entry.search;
        var hit = words.every(function (w) { return hay.indexOf(w) >= 0; });
        if (words.length === 0 && !entry.watched) { hit = false; }
        if (!hit) { continue; }
        var item = document.createElement("li");
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = entry.kind;
        var link = document.createElement("a");
        link.href = entry.href;
        link.textContent = entry.label;
        item.appendChild(kind);
        item.appendChild(link);
        if (entry.detail) {
          item.appendChild(document.createTextNode(" " + entry.detail));
        }
        if (entry.watched) {
          var mark = document.createElement("span");
          mark.className = "watched";
          mark.textContent = " watched";
          item.appendChild(mark);
        }
        list.appendChild(item);
        shown++;
      }
      document.getElementById("results-count").textContent =
        shown === limit ? "first " + limit + " matches" : shown + " match(es)";
    }
    box.addEventListener("input", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    wireFilters();
    wireSearch();
  });
})();
