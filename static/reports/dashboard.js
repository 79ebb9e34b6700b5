/* The dashboard's charts: each .dash-chart names a JSON block (Django's json_script, not run by the
   browser) whose "kind" picks a builder registered by static/reports/dashboard/<kind>.js. A builder
   turns the data into an ECharts option; a data item carrying a "url" is a link (a click opens it).

   Tooltips are drawn as rich text on the canvas: ECharts' HTML tooltips carry inline styles, which
   the portal's content security policy refuses. */
(function () {
  "use strict";
  var builders = {};
  var charts = [];
  var wall = function () { return document.body.classList.contains("dash-wall"); };

  function base(extra) {
    var big = wall();
    var option = {
      animation: !window.matchMedia("print").matches,
      textStyle: { fontSize: big ? 16 : 12 },
      tooltip: { renderMode: "richText", confine: true },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: big ? 16 : 12 } },
    };
    return Object.assign(option, extra || {});
  }

  window.PortalDashboard = {
    /* register("bars", function (data, tools, state) { return option; }): state.sort is the
       order a sort button asked for (the first of data.sorts to begin with). */
    register: function (kind, builder) { builders[kind] = builder; },
    base: base,
    wall: wall,
    colors: {
      started: "#0d6efd", completed: "#198754", quota: "#6c757d", curve: "#fd7e14",
      last: "#dc3545", idle: "#ffc107",
    },
  };

  var drawn = {};

  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var builder = builders[data.kind];
    if (!builder) return;
    var chart = window.echarts.init(el, wall() ? "dark" : null, { renderer: "canvas" });
    var state = { sort: (data.sorts || [])[0] };
    chart.setOption(builder(data, window.PortalDashboard, state));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    charts.push(chart);
    drawn[el.id] = { chart: chart, data: data, builder: builder, state: state };
    el.dataset.drawn = "true";
  }

  /* A sort button redraws its chart in the order it names (state.sort). */
  function sortBy(group, button) {
    var entry = drawn[group.dataset.dashSort];
    if (!entry) return;
    entry.state.sort = button.dataset.sort;
    entry.chart.setOption(entry.builder(entry.data, window.PortalDashboard, entry.state), true);
    group.querySelectorAll("[data-sort]").forEach(function (other) {
      other.classList.toggle("active", other === button);
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
  }

  function resizeAll() { charts.forEach(function (chart) { chart.resize(); }); }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dash-chart[data-chart]").forEach(draw);
    window.addEventListener("resize", resizeAll);
    window.addEventListener("beforeprint", resizeAll);
    window.addEventListener("afterprint", resizeAll);
    document.querySelectorAll("[data-dash-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        var tables = document.getElementById("dash-" + button.dataset.dashToggle + "-tables");
        var folded = tables.classList.toggle("dash-tables-folded");
        button.setAttribute("aria-expanded", folded ? "false" : "true");
      });
    });
    document.querySelectorAll("[data-dash-sort]").forEach(function (group) {
      group.querySelectorAll("[data-sort]").forEach(function (button) {
        button.addEventListener("click", function () { sortBy(group, button); });
      });
    });
    document.querySelectorAll("[data-print-page]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
