// gradflow's report: hover or arrow keys over a chart show a layer's numbers (and read them out);
// a finding's layer link highlights its column. Nothing is fetched; the page works without this.
(function () {
  "use strict";
  var tip = document.getElementById("tip");

  function place(col) {
    var r = col.querySelector(".hit").getBoundingClientRect();
    tip.hidden = false;
    var x = r.left + r.width / 2 + window.scrollX + 12;
    var maxX = window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8;
    tip.style.left = Math.max(window.scrollX + 4, Math.min(x, maxX)) + "px";
    tip.style.top = (r.top + window.scrollY + 8) + "px";
  }

  function select(chart, i, announce) {
    var cols = chart.querySelectorAll("g.col");
    if (!cols.length) { return; }
    i = Math.max(0, Math.min(cols.length - 1, i));
    var section = chart.closest("section");
    section.querySelectorAll("g.col.current, tr.current").forEach(function (e) { e.classList.remove("current"); });
    var col = cols[i];
    col.classList.add("current");
    var row = section.querySelector("tr[data-col=\"" + i + "\"]");
    if (row) { row.classList.add("current"); }
    chart.dataset.current = String(i);
    tip.textContent = col.getAttribute("data-tip");
    place(col);
    if (announce) {
      var live = chart.parentNode.querySelector(".live");
      if (live) { live.textContent = "Layer " + (i + 1) + " of " + cols.length + ": " + col.getAttribute("data-tip"); }
    }
  }

  function clear(chart) {
    tip.hidden = true;
    chart.closest("section").querySelectorAll("g.col.current").forEach(function (e) { e.classList.remove("current"); });
  }

  document.querySelectorAll(".chart").forEach(function (chart) {
    var cols = chart.querySelectorAll("g.col");
    cols.forEach(function (col, i) {
      col.addEventListener("mouseenter", function () { select(chart, i, false); });
    });
    chart.addEventListener("mouseleave", function () { if (document.activeElement !== chart) { clear(chart); } });
    chart.addEventListener("focus", function () { select(chart, Number(chart.dataset.current || 0), true); });
    chart.addEventListener("blur", function () { clear(chart); });
    chart.addEventListener("keydown", function (e) {
      var i = Number(chart.dataset.current || 0);
      var page = Math.max(1, Math.round(cols.length / 10));
      var next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, PageDown: i + page,
        PageUp: i - page, Home: 0, End: cols.length - 1 }[e.key];
      if (next !== undefined) {
        e.preventDefault();
        select(chart, next, true);
      } else if (e.key === "Escape") {
        clear(chart);
      }
    });
  });

  document.querySelectorAll("a.layer-link[data-col]").forEach(function (a) {
    a.addEventListener("click", function () {
      var chart = a.closest("section").querySelector(".chart");
      if (chart) { select(chart, Number(a.getAttribute("data-col")), false); }
    });
  });

  window.addEventListener("resize", function () { tip.hidden = true; });
  document.documentElement.setAttribute("data-ready", "true");
})();
