/* The map of compounds (reports.dashboard.map): each compound a point at its coordinates, coloured
   by the stage of this plan year's project holding it, over the outlines of the areas one level
   down, which the server draws from the compounds themselves (a GeoJSON registered here): no
   tiles, nothing fetched from the internet. A point opens its compound's page; an area's name opens
   its dashboard. Points arrive as short arrays [lon, lat, stage, area, name, id] and the compound
   page's URL once, so a province's tens of thousands of compounds stay a small page. */
(function () {
  "use strict";
  // Early stages in purples and blues, bidding and construction in warm colours, acceptance and
  // after in greens; compounds in no project of the year in grey, beneath the others.
  var STAGE_COLORS = {
    survey: "#9c27b0", design: "#ba68c8", declaration: "#03a9f4", review: "#1565c0",
    procurement: "#f9a825", construction: "#ef6c00", acceptance: "#7cb342", handover: "#2e7d32",
    audit: "#00897b", closed: "#00695c", none: "#9aa5b1",
  };
  var WALL_COLORS = { closed: "#4db6ac", none: "#6c757d" };
  // Areas' fills: light and see-through, each area its own hue, so outlines that overlap still read.
  var AREA_FILLS = [
    [147, 197, 253], [134, 239, 172], [253, 224, 71], [240, 171, 252], [253, 186, 116],
    [125, 211, 252], [196, 181, 253], [190, 242, 100], [252, 165, 165], [94, 234, 212],
  ];

  function fill(index, big) {
    var rgb = AREA_FILLS[index % AREA_FILLS.length];
    return "rgba(" + rgb.join(", ") + ", " + (big ? 0.14 : 0.22) + ")";
  }

  // The same hue, dark (light on the wall): an area's edge and name, so each name finds its outline.
  function ink(index, big) {
    var rgb = AREA_FILLS[index % AREA_FILLS.length].map(function (c) {
      return big ? Math.round(c + (255 - c) * 0.3) : Math.round(c * 0.45);
    });
    return "rgb(" + rgb.join(", ") + ")";
  }
  // Beyond this many points ECharts draws them in one pass (its "large" mode).
  var LARGE = 3000;

  function symbolSize(count, big) {
    if (count <= 600) return big ? 13 : 10;
    if (count <= 6000) return big ? 8 : 6;
    return big ? 4 : 3;
  }

  window.PortalDashboard.register("map", function (data, tools) {
    var big = tools.wall();
    window.echarts.registerMap(data.map, data.outlines);
    var areas = data.areas;
    var link = function (id) { return data.compound_url.replace(data.stand_in, String(id)); };
    var none = data.stages.length - 1;
    var planned = data.points.filter(function (p) { return p[2] !== none; }).length;
    // The year's compounds sized by their own number: a few of them among thousands still show.
    var size = symbolSize(planned, big);
    var small = Math.max(3, Math.min(Math.round(size * 0.8), symbolSize(data.points.length, big)));
    var latitudes = data.points.map(function (p) { return p[1]; });
    var middle = (Math.min.apply(null, latitudes) + Math.max.apply(null, latitudes)) / 2;

    var byStage = data.stages.map(function () { return []; });
    data.points.forEach(function (p) {
      byStage[p[2]].push({ value: [p[0], p[1]], name: p[4], url: link(p[5]), area: areas[p[3]].name });
    });
    var series = [];
    data.stages.forEach(function (stage, index) {
      if (!byStage[index].length) return;
      var color = (big && WALL_COLORS[stage.key]) || STAGE_COLORS[stage.key];
      var isPlanned = index !== none;
      series.push({
        name: stage.label, type: "scatter", coordinateSystem: "geo", geoIndex: 0,
        // Compounds in no project of the year smaller, so the year's work stands out.
        data: byStage[index], symbolSize: isPlanned ? size : small, z: isPlanned ? 4 : 3,
        large: byStage[index].length > LARGE, largeThreshold: LARGE,
        itemStyle: {
          color: color, opacity: isPlanned ? 0.95 : 0.7,
          borderColor: big ? "#111" : "#fff", borderWidth: (isPlanned ? size : small) > 4 ? 1 : 0,
        },
        emphasis: { scale: 1.8, itemStyle: { borderColor: big ? "#fff" : "#212529", borderWidth: 1.5 } },
        tooltip: {
          formatter: function (params) {
            return params.name + "\n" + params.seriesName + "\n" + params.data.area;
          },
        },
      });
    });
    // The areas' names, just above their outlines: a name opens that area's dashboard.
    series.push({
      id: "areas", type: "scatter", coordinateSystem: "geo", geoIndex: 0, z: 5,
      symbol: "rect", symbolSize: 1, itemStyle: { color: "transparent" },
      cursor: "pointer",
      label: {
        show: true, position: "top", distance: 2, formatter: "{b}", fontSize: big ? 18 : 13, fontWeight: 600,
        color: big ? "#e9ecef" : "#343a40", textBorderColor: big ? "#212529" : "#fff", textBorderWidth: 3,
      },
      labelLayout: { moveOverlap: "shiftY" },
      emphasis: { label: { color: big ? "#fff" : "#0d6efd" } },
      tooltip: {
        formatter: function (params) {
          return params.name + "\n" + params.data.count.toLocaleString("zh-CN") + " " + data.unit;
        },
      },
      // In the outlines' order (the server leaves out the same areas, those with no compound placed).
      data: areas.filter(function (area) { return area.at; }).map(function (area, index) {
        return { name: area.name, value: area.at, url: area.url, count: area.count, label: { color: ink(index, big) } };
      }),
    });

    var counts = {};
    data.stages.forEach(function (stage) { counts[stage.label] = stage.count; });
    return tools.base({
      tooltip: { renderMode: "richText", confine: true, trigger: "item" },
      legend: {
        // Beside the map on a desk or tablet; under it on the wall, where the map has a narrow column.
        orient: big ? "horizontal" : "vertical", left: big ? "center" : 4, top: big ? null : "middle",
        bottom: big ? 4 : null, itemGap: big ? 16 : 8,
        data: data.stages.filter(function (stage, index) { return byStage[index].length; })
          .map(function (stage) { return stage.label; }),
        formatter: function (name) { return name + "  " + counts[name].toLocaleString("zh-CN"); },
        textStyle: { fontSize: big ? 16 : 12 },
      },
      geo: {
        map: data.map, silent: true,
        // Degrees of longitude shrink towards the poles: keep the area's true shape.
        aspectScale: Math.cos(middle * Math.PI / 180), preserveAspect: "contain",
        // No zooming: the wheel and a finger scroll the page; an area's name zooms in (its dashboard).
        roam: false,
        left: big ? 16 : 200, right: 16, top: big ? 36 : 24, bottom: big ? 64 : 12,
        label: { show: false },
        regions: data.outlines.features.map(function (feature, index) {
          return {
            name: feature.properties.name,
            itemStyle: { areaColor: fill(index, big), borderColor: ink(index, big) },
          };
        }),
        itemStyle: {
          areaColor: big ? "rgba(148, 163, 184, 0.10)" : "#f1f5f9",
          borderColor: big ? "#64748b" : "#94a3b8", borderWidth: 1,
        },
      },
      series: series,
    });
  });
})();
