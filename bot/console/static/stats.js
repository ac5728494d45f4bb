// The statistics page's charts, drawn by Chart.js (served from static/vendor).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var month = document.getElementById("chart-month");
  if (month && window.Chart) {
    new Chart(month, {
      type: "bar",
      data: { labels: data.kinds.concat(data.classes.map(function (c) { return "投诉·" + c; })),
              datasets: [{ label: "件", data: data.requests.concat(data.by_class),
                           backgroundColor: data.kinds.map(function () { return "#3b82f6"; }).concat(data.classes.map(function () { return "#f59e0b"; })) }] },
      options: { plugins: { legend: { display: false } }, animation: false }
    });
  }
  var trend = document.getElementById("chart-trend");
  if (trend && window.Chart) {
    fetch(trend.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (t) {
      new Chart(trend, {
        type: "line",
        data: { labels: t.months, datasets: [
          { label: "4小时回复率%", data: t.report_back, yAxisID: "y" },
          { label: "24小时答复率%", data: t.answer, yAxisID: "y" },
          { label: "按时接单率%", data: t.claim, yAxisID: "y" },
          { label: "满意度", data: t.satisfaction, yAxisID: "y2", borderDash: [5, 4] }
        ] },
        options: { animation: false, spanGaps: true,
                   scales: { y: { min: 0, max: 100 }, y2: { position: "right", min: 0, max: 5, grid: { drawOnChartArea: false } } } }
      });
      trend.dataset.ready = "1";
    });
  }
})();
