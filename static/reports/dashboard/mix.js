/* The item mix (reports.dashboard.mix): the estimated cost of the year's project items by catalogue
   category as a donut (categories with no estimate are in the table only), each slice naming its
   items; a slice opens the project list of the year filtered to projects with items of that
   category. The national indicators are tiles above it (a partial template). */
(function () {
  "use strict";
  var COLORS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"];

  window.PortalDashboard.register("mix", function (data, tools) {
    var wall = tools.wall();
    function figures(slice, template) {
      return (template || data.labels.slice).replace("{value}", slice.value).replace("{items}", slice.items);
    }
    var shown = data.slices.filter(function (slice) { return slice.value > 0; });
    return tools.base({
      color: COLORS,
      legend: { top: 0, type: "scroll" },
      tooltip: {
        renderMode: "richText", confine: true, trigger: "item",
        formatter: function (params) { return params.data.name + "\n" + figures(params.data); },
      },
      series: [{
        name: data.labels.estimated, type: "pie", radius: wall ? ["30%", "52%"] : ["38%", "64%"], center: ["50%", "56%"],
        cursor: "pointer", avoidLabelOverlap: true,
        label: {
          fontSize: wall ? 13 : 11,
          formatter: function (params) {
            return params.data.name + "\n" + figures(params.data, wall ? data.labels.slice_short : null);
          },
        },
        data: shown.map(function (slice) {
          return { name: slice.name, value: slice.value, items: slice.items, url: slice.url };
        }),
      }],
    });
  });
})();
