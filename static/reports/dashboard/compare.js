/* Areas compared (reports.dashboard.compare): districts by rate with the last ones marked, streets
   by compounds started and completed, a street's projects by percent done. A bar opens its area's
   dashboard or its project's page. */
(function () {
  "use strict";
  function sorted(bars, key) {
    return bars.slice().sort(function (a, b) { return (b[key] || 0) - (a[key] || 0); });
  }

  window.PortalDashboard.register("compare", function (data, tools, state) {
    var c = tools.colors;
    var bars = sorted(data.bars, state.sort);
    var names = bars.map(function (bar) {
      return bar.last ? bar.name + "（" + data.labels.last + "）" : bar.name;
    });
    function series(key, color, label) {
      return {
        name: label, type: "bar", barMaxWidth: 28, itemStyle: { color: color },
        label: { show: bars.length <= 16, position: "right", fontSize: 11 },
        data: bars.map(function (bar) {
          // The last ones (末位) in red; the legend keeps the series' own colour.
          return bar.last ? { value: bar[key], url: bar.url, itemStyle: { color: c.last } } : { value: bar[key], url: bar.url };
        }),
      };
    }
    var list;
    if (data.mode === "rates") {
      list = state.sort === "investment"
        ? [series("investment", c.curve, data.labels.investment)]
        : [series("start_rate", c.started, data.labels.start_rate),
           series("completion_rate", c.completed, data.labels.completion_rate)];
    } else if (data.mode === "counts") {
      list = [series("started", c.started, data.labels.started), series("completed", c.completed, data.labels.completed)];
    } else {
      list = [series("percent", c.completed, data.labels.percent)];
    }
    return tools.base({
      tooltip: { renderMode: "richText", confine: true, trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", max: data.mode === "counts" || state.sort === "investment" ? null : 100 },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
      series: list,
    });
  });
})();
