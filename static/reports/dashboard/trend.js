/* The year's trend (reports.dashboard.trend): compounds started and completed per month, cumulative,
   against the quota and the time-curve. */
(function () {
  "use strict";
  window.PortalDashboard.register("trend", function (data, tools) {
    var c = tools.colors;
    var series = [
      { name: data.labels.started, type: "line", data: data.started, itemStyle: { color: c.started }, symbolSize: 7 },
      { name: data.labels.completed, type: "line", data: data.completed, itemStyle: { color: c.completed }, symbolSize: 7 },
    ];
    if (data.quota) {
      series.push({ name: data.labels.curve, type: "line", data: data.curve, itemStyle: { color: c.curve },
                    lineStyle: { type: "dashed" }, symbol: "none" });
      series.push({ name: data.labels.quota, type: "line", data: data.months.map(function () { return data.quota; }),
                    itemStyle: { color: c.quota }, lineStyle: { type: "dotted" }, symbol: "none" });
    }
    return tools.base({
      tooltip: { renderMode: "richText", confine: true, trigger: "axis" },
      // Room on the right for the last month's label (the axis runs to the edge).
      grid: { left: 8, right: 28, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
  });
})();
