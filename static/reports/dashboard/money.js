/* Money by source (reports.dashboard.money): per funding source, grouped bars of what is planned,
   received, disbursed and idle, in 万元. A bar opens the funding ledger of its source. */
(function () {
  "use strict";
  window.PortalDashboard.register("money", function (data, tools) {
    var c = tools.colors;
    var colors = { planned: c.quota, received: c.started, released: c.completed, idle: c.idle };
    var many = data.sources.length > 4;
    return tools.base({
      tooltip: { renderMode: "richText", confine: true, trigger: "axis", axisPointer: { type: "shadow" },
        valueFormatter: function (value) { return value == null ? "—" : value.toLocaleString("zh-CN") + " " + data.unit; } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: tools.wall() ? 70 : 48, bottom: 8, containLabel: true },
      xAxis: {
        type: "category", data: data.sources,
        axisLabel: { interval: 0, rotate: many ? 30 : 0, width: many ? 90 : 120, overflow: "truncate" },
      },
      yAxis: { type: "value", name: data.unit, nameTextStyle: { align: "left" } },
      series: data.series.map(function (line) {
        return {
          name: line.name, type: "bar", barMaxWidth: 22,
          itemStyle: { color: colors[line.key] },
          data: line.values.map(function (value, i) { return { value: value, url: data.urls[i] || null }; }),
        };
      }),
    });
  });
})();
