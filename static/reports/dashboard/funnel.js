/* The lifecycle funnel (reports.dashboard.funnel): projects per stage as bars, in the lifecycle's
   order from the top, each labelled with the days its projects have spent there. A bar opens the
   project list filtered by that stage and plan year. */
(function () {
  "use strict";
  var SHADES = ["#9ec5fe", "#6ea8fe", "#3d8bfd", "#0d6efd", "#0a58ca", "#198754", "#157347",
                "#146c43", "#0f5132", "#6c757d"];

  window.PortalDashboard.register("funnel", function (data, tools) {
    var wall = tools.wall();
    function waited(stage, template) {
      if (stage.average === null) return "";
      return (template || data.labels.waited).replace("{average}", stage.average).replace("{longest}", stage.longest);
    }
    return tools.base({
      legend: { show: false },
      tooltip: {
        renderMode: "richText", confine: true, trigger: "item",
        formatter: function (params) {
          var stage = data.stages[params.dataIndex];
          var text = stage.name + "\n" + data.labels.projects + "：" + stage.value;
          var days = waited(stage);
          return days ? text + "\n" + days : text;
        },
      },
      // Room on the right for the longest bar's label (its count and days; shorter on the wall).
      grid: { left: 8, right: wall ? "34%" : 180, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: data.stages.map(function (s) { return s.name; }),
        axisLabel: { width: 120, overflow: "truncate" },
      },
      series: [{
        name: data.labels.projects, type: "bar", barMaxWidth: 24, cursor: "pointer",
        label: {
          show: true, position: "right", fontSize: wall ? 13 : 11,
          formatter: function (params) {
            var stage = data.stages[params.dataIndex];
            var days = waited(stage, wall ? data.labels.waited_short : null);
            return days ? stage.value + "（" + days + "）" : String(stage.value);
          },
        },
        data: data.stages.map(function (stage, index) {
          return { value: stage.value, url: stage.url, itemStyle: { color: SHADES[index % SHADES.length] } };
        }),
      }],
    });
  });
})();
