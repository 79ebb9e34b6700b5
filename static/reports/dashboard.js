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
    if (big) option.backgroundColor = "transparent";  // the wall's cards show through
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
    // Drawn at twice the pixels at least, so a printed chart stays sharp when scaled to the page.
    var chart = window.echarts.init(el, wall() ? "dark" : null, {
      renderer: "canvas", devicePixelRatio: Math.max(2, window.devicePixelRatio || 1),
    });
    var state = { sort: (data.sorts || [])[0] };
    // "drawn" once the first rendering and its animation are over: bars are where they look.
    chart.on("finished", function () { el.dataset.drawn = "true"; });
    chart.setOption(builder(data, window.PortalDashboard, state));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    charts.push(chart);
    drawn[el.id] = { chart: chart, data: data, builder: builder, state: state };
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

  /* Printing: each chart redrawn at the height the print style sheet gives it and at most the
     width of an A4 portrait page less its margins (190 mm at 96 px an inch, dashboard.css @page),
     whatever the width of the window the page was printed from. */
  var PRINT_WIDTH = 718;
  function resizeForPrint() {
    charts.forEach(function (chart) {
      var el = chart.getDom();
      chart.resize({ width: Math.min(el.clientWidth || PRINT_WIDTH, PRINT_WIDTH), height: el.clientHeight || "auto" });
    });
  }
  function printChanged(event) { if (event.matches) resizeForPrint(); else resizeAll(); }

  /* The wall screen: a clock, and a reload every data-wall-refresh seconds once the server answers
     (a reload while it is down would leave an error page on the wall for good). */
  function wallClock(el) {
    var tick = function () {
      // The portal's time zone, not the screen computer's (the wall and the page say the same hour).
      var options = { hour12: false };
      if (el.dataset.timeZone) options.timeZone = el.dataset.timeZone;
      el.textContent = new Date().toLocaleTimeString("zh-CN", options);
    };
    tick();
    window.setInterval(tick, 1000);
  }

  function wallRefresh(seconds, ping) {
    var retry = 30000;
    var attempt = function () {
      window.fetch(ping, { cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.ok) window.location.reload();
          else window.setTimeout(attempt, retry);
        })
        .catch(function () { window.setTimeout(attempt, retry); });
    };
    window.setTimeout(attempt, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dash-chart[data-chart]").forEach(draw);
    window.addEventListener("resize", resizeAll);
    window.addEventListener("beforeprint", resizeForPrint);
    window.addEventListener("afterprint", resizeAll);
    if (window.matchMedia) window.matchMedia("print").addEventListener("change", printChanged);
    document.querySelectorAll("[data-wall-clock]").forEach(wallClock);
    var refresh = Number(document.body.dataset.wallRefresh || 0);
    if (refresh > 0) wallRefresh(refresh, document.body.dataset.wallPing || window.location.href);
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
