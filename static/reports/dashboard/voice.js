/* Residents' voice (reports.dashboard.voice): two gauges, the support rate of the area's compounds
   against the city's threshold, and the satisfaction surveys' average score out of 5. */
(function () {
  "use strict";
  window.PortalDashboard.register("voice", function (data, tools) {
    var c = tools.colors;
    var big = tools.wall();
    function gauge(center, value, max, label, color, marks) {
      return {
        type: "gauge", center: [center, "60%"], radius: "78%", min: 0, max: max,
        splitNumber: max === 5 ? 5 : 4, startAngle: 200, endAngle: -20,
        progress: { show: value != null, width: 14, itemStyle: { color: color } },
        axisLine: { lineStyle: { width: 14, color: marks } },
        axisTick: { show: false }, splitLine: { length: 8 },
        axisLabel: { distance: 18, fontSize: big ? 14 : 10 },
        pointer: { show: false },
        title: { offsetCenter: [0, "62%"], fontSize: big ? 16 : 12 },
        detail: {
          offsetCenter: [0, "10%"], fontSize: big ? 30 : 22, fontWeight: "bold",
          formatter: function (v) { return value == null ? data.labels.none : (max === 5 ? v.toFixed(2) : v.toFixed(2) + "%"); },
        },
        data: [{ value: value == null ? 0 : value, name: label }],
      };
    }
    /* The city's threshold as a red mark across the support gauge's ring. */
    var mark = {
      type: "gauge", center: ["26%", "60%"], radius: "78%", min: 0, max: 100, startAngle: 200, endAngle: -20,
      axisLine: { show: false }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
      pointer: { show: data.threshold != null, icon: "rect", length: "22%", width: 4, offsetCenter: [0, "-82%"],
        itemStyle: { color: c.last } },
      detail: { show: false }, title: { show: false }, silent: false,
      data: [{ value: data.threshold || 0, name: data.labels.threshold }],
    };
    return tools.base({
      tooltip: { renderMode: "richText", confine: true, trigger: "item" },
      legend: { show: false },
      series: [
        gauge("26%", data.support, 100, data.labels.support, c.started,
          [[1, "#cfe2ff"]]),
        gauge("74%", data.score, 5, data.labels.score, c.completed, [[1, "#d1e7dd"]]),
        mark,
      ],
    });
  });
})();
