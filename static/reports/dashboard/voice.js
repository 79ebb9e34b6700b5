/* Residents' voice (reports.dashboard.voice): two gauges, the support rate of the area's compounds
   against the city's threshold, and the satisfaction surveys' average score out of 5. */
(function () {
  "use strict";
  window.PortalDashboard.register("voice", function (data, tools) {
    var c = tools.colors;
    var big = tools.wall();
    /* Side by side in a wide box, one above the other in a narrow one (the wall's column). */
    var el = document.getElementById("dash-chart-voice");
    var w = el ? el.clientWidth : 600, h = el ? el.clientHeight : 260;
    var wide = w >= h * 1.4;
    var radius = wide ? Math.min(w * 0.21, h * 0.42) : Math.min(w * 0.42, h * 0.25);
    var roomy = radius >= 80, ring = Math.max(8, Math.min(14, radius * 0.14));
    var places = wide ? [["26%", "60%"], ["74%", "60%"]] : [["50%", "28%"], ["50%", "76%"]];
    function gauge(center, value, max, label, color, marks) {
      return {
        type: "gauge", center: center, radius: radius, min: 0, max: max,
        splitNumber: max === 5 ? 5 : 4, startAngle: 200, endAngle: -20,
        progress: { show: value != null, width: ring, itemStyle: { color: color } },
        axisLine: { lineStyle: { width: ring, color: marks } },
        axisTick: { show: false }, splitLine: { show: roomy, length: 8 },
        axisLabel: { show: roomy, distance: 18, fontSize: big ? 14 : 10 },
        pointer: { show: false },
        title: { offsetCenter: [0, "62%"], fontSize: big ? 16 : 12 },
        detail: {
          offsetCenter: [0, "10%"], fontSize: Math.round(Math.max(16, Math.min(big ? 30 : 22, radius * 0.3))), fontWeight: "bold",
          formatter: function (v) { return value == null ? data.labels.none : (max === 5 ? v.toFixed(2) : v.toFixed(2) + "%"); },
        },
        data: [{ value: value == null ? 0 : value, name: label }],
      };
    }
    /* The city's threshold as a red mark across the support gauge's ring. */
    var mark = {
      type: "gauge", center: places[0], radius: radius, min: 0, max: 100, startAngle: 200, endAngle: -20,
      axisLine: { show: false }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
      pointer: { show: data.threshold != null, icon: "rect", length: ring + 8, width: 4, offsetCenter: [0, -(radius - ring / 2 + 4)],
        itemStyle: { color: c.last } },
      detail: { show: false }, title: { show: false }, silent: false,
      data: [{ value: data.threshold || 0, name: data.labels.threshold }],
    };
    return tools.base({
      tooltip: { renderMode: "richText", confine: true, trigger: "item" },
      legend: { show: false },
      series: [
        gauge(places[0], data.support, 100, data.labels.support, c.started,
          [[1, "#cfe2ff"]]),
        gauge(places[1], data.score, 5, data.labels.score, c.completed, [[1, "#d1e7dd"]]),
        mark,
      ],
    });
  });
})();
