/* The dashboards' charts, drawn with Chart.js (from npm, served from static/vendor/chartjs).

   Each <canvas data-chart="kind" data-source="id"> reads its figures from the page's
   <script type="application/json" id="id"> block, rendered from the same report objects as the tables
   beside it. A hidden figure (a group smaller than the organization's minimum) is null there: it is never
   drawn as a number, only named by its text ("fewer than 5").

   Readable without colour: every series differs by its line style and point shape too, bands by their
   fill (shaded or hatched), and values and series are labelled on the chart itself. The page works without
   this script: every figure is in the tables. */
(function () {
  "use strict";

  var INK = "#1c2330";
  var MUTED = "#4f5b6d";
  var GRID = "#d5dbe4";
  var BLUE = "#1f5fbf";
  var ORANGE = "#b45309";
  var GREEN = "#1d6b3a";
  var PURPLE = "#6b3fa0";
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var PRINT_WIDTH = 640;
  var NARROW = 480; // below this width lines are named by the legend only: direct labels would crowd the plot
  var charts = [];

  function readData(canvas) {
    var node = document.getElementById(canvas.dataset.source || "");
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  function rgba(hex, alpha) {
    var value = parseInt(hex.slice(1), 16);
    return "rgba(" + (value >> 16) + "," + ((value >> 8) & 255) + "," + (value & 255) + "," + alpha + ")";
  }

  /* Diagonal hatching: tells a band or a bar apart from a shaded one without relying on colour. */
  function hatch(color) {
    var size = 8;
    var tile = document.createElement("canvas");
    tile.width = tile.height = size;
    var context = tile.getContext("2d");
    context.fillStyle = rgba(color, 0.08);
    context.fillRect(0, 0, size, size);
    context.strokeStyle = rgba(color, 0.75);
    context.lineWidth = 1.5;
    context.beginPath();
    context.moveTo(0, size);
    context.lineTo(size, 0);
    context.moveTo(-2, 2);
    context.lineTo(2, -2);
    context.moveTo(size - 2, size + 2);
    context.lineTo(size + 2, size - 2);
    context.stroke();
    return context.createPattern(tile, "repeat");
  }

  function percentText(value) {
    return value === null || value === undefined ? "" : String(value).replace("-", "\u2212") + "%";
  }

  /* Text at the end of each horizontal bar (or at the axis for a hidden figure): `texts[dataset][index]`. */
  var barLabels = {
    id: "mhBarLabels",
    afterDatasetsDraw: function (chart, args, options) {
      if (!options || !options.texts) return;
      var context = chart.ctx;
      var area = chart.chartArea;
      var base = chart.scales.x.getPixelForValue(0);
      context.save();
      context.font = "600 12px " + FONT;
      context.textBaseline = "middle";
      options.texts.forEach(function (texts, datasetIndex) {
        var meta = chart.getDatasetMeta(datasetIndex);
        if (meta.hidden) return;
        meta.data.forEach(function (bar, index) {
          var text = texts[index];
          if (!text) return;
          var value = chart.data.datasets[datasetIndex].data[index];
          var interval = options.intervals ? options.intervals[index] : null;
          var end = value === null || value === undefined ? base : bar.x;
          if (interval) end = Math.max(end, chart.scales.x.getPixelForValue(interval[1]));
          var width = context.measureText(text).width;
          var x = end + 6;
          context.fillStyle = value === null || value === undefined ? MUTED : INK;
          if (x + width > area.right) {
            // No room after the bar: write it inside, in white on the bar.
            x = Math.max(base + 4, bar.x - width - 6);
            context.fillStyle = "#fff";
          }
          context.fillText(text, x, bar.y);
        });
      });
      context.restore();
    },
  };

  /* 95% intervals as whiskers on horizontal bars: `intervals[index] = [lower, upper]`. */
  var whiskers = {
    id: "mhWhiskers",
    afterDatasetsDraw: function (chart, args, options) {
      if (!options || !options.intervals) return;
      var context = chart.ctx;
      var meta = chart.getDatasetMeta(0);
      context.save();
      context.strokeStyle = INK;
      context.lineWidth = 1.5;
      options.intervals.forEach(function (interval, index) {
        if (!interval || !meta.data[index]) return;
        var y = meta.data[index].y;
        var low = chart.scales.x.getPixelForValue(interval[0]);
        var high = chart.scales.x.getPixelForValue(interval[1]);
        context.beginPath();
        context.moveTo(low, y);
        context.lineTo(high, y);
        context.moveTo(low, y - 5);
        context.lineTo(low, y + 5);
        context.moveTo(high, y - 5);
        context.lineTo(high, y + 5);
        context.stroke();
      });
      context.restore();
    },
  };

  /* Each line named at its last point, so the reader need not match colours with the legend. Labels that
     would overlap are pushed apart. */
  var directLabels = {
    id: "mhDirectLabels",
    afterDatasetsDraw: function (chart) {
      if (chart.width < NARROW) return;
      var context = chart.ctx;
      var labels = [];
      chart.data.datasets.forEach(function (dataset, index) {
        if (!dataset.directLabel || chart.getDatasetMeta(index).hidden) return;
        var points = chart.getDatasetMeta(index).data;
        for (var i = dataset.data.length - 1; i >= 0; i -= 1) {
          var value = dataset.data[i];
          if (value !== null && value !== undefined && points[i] && !isNaN(points[i].y)) {
            labels.push({ text: dataset.directLabel, x: points[i].x, y: points[i].y, color: dataset.borderColor });
            break;
          }
        }
      });
      labels.sort(function (a, b) {
        return a.y - b.y;
      });
      for (var j = 1; j < labels.length; j += 1) {
        if (labels[j].y - labels[j - 1].y < 15) labels[j].y = labels[j - 1].y + 15;
      }
      // A label that would run over the plot's right edge goes past the axes on that side instead (the
      // check-in average has its own axis there), on the same line as its last point.
      var outside = chart.chartArea.right;
      Object.keys(chart.scales).forEach(function (id) {
        var scale = chart.scales[id];
        if (scale.position === "right") outside = Math.max(outside, scale.right);
      });
      context.save();
      context.font = "600 12px " + FONT;
      context.textBaseline = "middle";
      labels.forEach(function (label) {
        var x = label.x + 8;
        if (x + context.measureText(label.text).width > chart.chartArea.right - 4) x = Math.max(x, outside + 6);
        context.fillStyle = INK;
        context.fillText(label.text, x, label.y);
      });
      context.restore();
    },
  };

  function baseOptions(extra) {
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { labels: { usePointStyle: true, boxWidth: 10, boxHeight: 10, color: INK, font: { family: FONT, size: 13 } } } },
    };
    return Object.assign(options, extra || {});
  }

  /* Room on the right for the direct labels, when there is room for them at all. */
  function labelRoom(right) {
    return function (context) {
      return { right: context.chart.width < NARROW ? 8 : right };
    };
  }

  function axis(title, extra) {
    return Object.assign(
      {
        title: { display: !!title, text: title, color: INK, font: { family: FONT, size: 12, weight: "600" } },
        ticks: { color: INK, font: { family: FONT, size: 12 } },
        grid: { color: GRID },
      },
      extra || {}
    );
  }

  function funnel(canvas, data) {
    var values = data.funnel.values;
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.funnel.labels,
        datasets: [{ label: "Mentees", data: values, backgroundColor: BLUE, borderColor: BLUE, borderWidth: 1 }],
      },
      options: baseOptions({
        indexAxis: "y",
        layout: { padding: { right: 16 } },
        scales: { x: axis("People", { beginAtZero: true, grace: "15%" }), y: axis("", { grid: { display: false } }) },
        plugins: {
          legend: { display: false },
          mhBarLabels: { texts: [data.funnel.texts] },
          tooltip: { callbacks: { label: function (item) { return data.funnel.texts[item.dataIndex]; } } },
        },
      }),
      plugins: [barLabels],
    });
  }

  function hasValues(values) {
    return values.some(function (value) {
      return value !== null && value !== undefined;
    });
  }

  function trends(canvas, data) {
    var styles = [
      { color: BLUE, dash: [], point: "circle" },
      { color: ORANGE, dash: [7, 4], point: "triangle" },
      { color: GREEN, dash: [2, 3], point: "rect" },
    ];
    var datasets = [];
    data.trends.series.forEach(function (series, index) {
      if (!hasValues(series.values)) return;
      var style = styles[index % styles.length];
      datasets.push({
        label: series.label,
        directLabel: series.label,
        data: series.values,
        borderColor: style.color,
        backgroundColor: style.color,
        borderDash: style.dash,
        borderWidth: 2.5,
        pointStyle: style.point,
        pointRadius: 4.5,
        yAxisID: "y",
      });
    });
    var checkin = data.trends.checkin;
    var scales = { x: axis("Month"), y: axis("Count", { beginAtZero: true }) };
    if (hasValues(checkin.values)) {
      datasets.push({
        label: checkin.label + " (right axis)",
        directLabel: checkin.label,
        data: checkin.values,
        borderColor: PURPLE,
        backgroundColor: PURPLE,
        borderDash: [10, 3, 2, 3],
        borderWidth: 2.5,
        pointStyle: "rectRot",
        pointRadius: 5,
        yAxisID: "y2",
      });
      scales.y2 = axis("Check-in average (1 to 5)", { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false } });
    }
    return new Chart(canvas, {
      type: "line",
      data: { labels: data.trends.labels, datasets: datasets },
      options: baseOptions({
        spanGaps: false,
        layout: { padding: labelRoom(140) },
        interaction: { mode: "index", intersect: false },
        scales: scales,
      }),
      plugins: [directLabels],
    });
  }

  function column(points, index) {
    return points.map(function (point) {
      return point ? point[index] : null;
    });
  }

  function retention(canvas, data) {
    var curve = data.retention;
    var lows = [];
    [curve.participants, curve.comparison].forEach(function (points) {
      points.forEach(function (point) {
        if (point) lows.push(point[1]);
      });
    });
    var floor = Math.max(0, Math.floor((Math.min.apply(null, lows.concat([100])) - 5) / 10) * 10);
    var groups = [
      { label: "Participants", points: curve.participants, color: BLUE, dash: [], point: "circle", band: rgba(BLUE, 0.18) },
      { label: "Comparison group", points: curve.comparison, color: ORANGE, dash: [7, 4], point: "triangle", band: hatch(ORANGE) },
    ];
    var datasets = [];
    groups.forEach(function (group) {
      if (!hasValues(group.points)) return;
      datasets.push({
        label: group.label + " (upper bound)",
        data: column(group.points, 2),
        stepped: "before",
        borderWidth: 0,
        pointRadius: 0,
        fill: false,
        band: true,
        legend: false,
        order: 2,
      });
      datasets.push({
        label: group.label + ": 95% interval",
        data: column(group.points, 1),
        stepped: "before",
        borderWidth: 0,
        borderColor: group.color,
        backgroundColor: group.band,
        pointRadius: 0,
        pointStyle: "rect",
        fill: "-1",
        band: true,
        order: 2,
      });
    });
    groups.forEach(function (group) {
      if (!hasValues(group.points)) return;
      datasets.push({
        label: group.label,
        directLabel: group.label,
        data: column(group.points, 0),
        intervals: group.points,
        stepped: "before",
        borderColor: group.color,
        backgroundColor: group.color,
        borderDash: group.dash,
        borderWidth: 2.5,
        pointStyle: group.point,
        pointRadius: 5,
        fill: false,
        clip: false, // a point at 100% is drawn whole, not cut by the top of the plot
        order: 1,
      });
    });
    return new Chart(canvas, {
      type: "line",
      data: { labels: curve.months, datasets: datasets },
      options: baseOptions({
        layout: { padding: labelRoom(150) },
        interaction: { mode: "index", intersect: false },
        scales: {
          x: axis("Months since the match started"),
          y: axis("Still employed (%)", { min: floor, max: 100 }),
        },
        plugins: {
          legend: {
            labels: {
              usePointStyle: true,
              boxWidth: 10,
              boxHeight: 10,
              color: INK,
              font: { family: FONT, size: 13 },
              filter: function (item, chartData) {
                return chartData.datasets[item.datasetIndex].legend !== false;
              },
            },
          },
          tooltip: {
            filter: function (item) {
              return !item.dataset.band;
            },
            callbacks: {
              title: function (items) {
                return items.length ? "Month " + items[0].label : "";
              },
              label: function (item) {
                var point = item.dataset.intervals[item.dataIndex];
                if (!point) return item.dataset.label + ": hidden";
                return item.dataset.label + ": " + percentText(point[0]) + " [" + point[1] + " to " + point[2] + "]";
              },
            },
          },
        },
      }),
      plugins: [directLabels],
    });
  }

  function outcomes(canvas, data) {
    var values = data.outcomes.values;
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.outcomes.labels,
        datasets: [
          {
            label: "Agreeing",
            data: values.map(function (value) {
              return value ? value[0] : null;
            }),
            backgroundColor: rgba(BLUE, 0.85),
            borderColor: BLUE,
            borderWidth: 1,
          },
        ],
      },
      options: baseOptions({
        indexAxis: "y",
        scales: { x: axis("Agreeing (%), with 95% interval", { min: 0, max: 100 }), y: axis("", { grid: { display: false } }) },
        plugins: {
          legend: { display: false },
          mhWhiskers: {
            intervals: values.map(function (value) {
              return value ? [value[1], value[2]] : null;
            }),
          },
          mhBarLabels: {
            texts: [data.outcomes.texts],
            intervals: values.map(function (value) {
              return value ? [value[1], value[2]] : null;
            }),
          },
          tooltip: { callbacks: { label: function (item) { return data.outcomes.texts[item.dataIndex]; } } },
        },
      }),
      plugins: [whiskers, barLabels],
    });
  }

  function participation(canvas, data) {
    var code = canvas.dataset.attribute;
    var entry = (data.participation || []).filter(function (item) {
      return item.code === code;
    })[0];
    if (!entry) return null;
    // Room for two bars per group, however many groups the attribute has.
    canvas.parentNode.style.height = 90 + entry.groups.length * 46 + "px";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: entry.groups,
        datasets: [
          { label: "Participants", data: entry.participants, backgroundColor: BLUE, borderColor: BLUE, borderWidth: 1 },
          { label: "Organization", data: entry.organization, backgroundColor: hatch(ORANGE), borderColor: ORANGE, borderWidth: 1.5 },
        ],
      },
      options: baseOptions({
        indexAxis: "y",
        scales: { x: axis("Share of those who answered (%)", { min: 0, max: 100 }), y: axis("", { grid: { display: false } }) },
        plugins: {
          legend: { labels: { color: INK, font: { family: FONT, size: 13 } } },
          mhBarLabels: { texts: [entry.participantTexts, entry.organizationTexts] },
        },
      }),
      plugins: [barLabels],
    });
  }

  /* The skills-gap map: per skill, mentees wanting it (solid) against mentor places offering it (hatched). */
  function skillsGap(canvas, data) {
    var entry = data.skills;
    if (!entry || !entry.labels.length) return null;
    canvas.parentNode.style.height = 90 + entry.labels.length * 46 + "px";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: entry.labels,
        datasets: [
          { label: "Mentees wanting it", data: entry.mentees, backgroundColor: BLUE, borderColor: BLUE, borderWidth: 1 },
          { label: "Mentor places offering it", data: entry.places, backgroundColor: hatch(ORANGE), borderColor: ORANGE, borderWidth: 1.5 },
        ],
      },
      options: baseOptions({
        indexAxis: "y",
        scales: { x: axis("People or places", { min: 0, ticks: { color: INK, precision: 0 } }), y: axis("", { grid: { display: false } }) },
        plugins: {
          legend: { labels: { color: INK, font: { family: FONT, size: 13 } } },
          mhBarLabels: { texts: [entry.menteeTexts, entry.placeTexts] },
        },
      }),
      plugins: [barLabels],
    });
  }

  var KINDS = {
    funnel: funnel,
    trends: trends,
    retention: retention,
    outcomes: outcomes,
    participation: participation,
    "skills-gap": skillsGap,
  };

  function draw() {
    if (typeof window.Chart === "undefined") return; // the tables carry every figure
    Chart.defaults.font.family = FONT;
    Chart.defaults.color = INK;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.rendered === "true") return;
      var data = readData(canvas);
      var make = KINDS[canvas.dataset.chart];
      if (!data || !make) return;
      var chart = make(canvas, data);
      if (chart) {
        charts.push(chart);
        canvas.dataset.rendered = "true";
      }
    });
  }

  /* Printing: every table open, charts drawn at paper width (and back afterwards). */
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
    charts.forEach(function (chart) {
      chart.resize(PRINT_WIDTH, chart.canvas.parentNode.clientHeight || 300);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
    charts.forEach(function (chart) {
      chart.resize();
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  draw();
  // Figures a task prepared arrive later, swapped in by htmx (templates/analytics/_preparing.html): draw them then.
  document.addEventListener("htmx:afterSettle", draw);
})();
