// Dashboard and big screen: draw every chart from its JSON option (json_script), keep
// charts sized to their boxes, and on the big screen fetch the page again every minute.
(function () {
  "use strict";

  function drawCharts(root) {
    if (!window.echarts) { return; }
    var theme = document.body.getAttribute("data-chart-theme") || null;
    root.querySelectorAll("[data-dashboard-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-dashboard-chart"));
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      if (theme === "dark") { option.backgroundColor = "transparent"; }
      var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element, theme);
      chart.setOption(option, true);
      element.setAttribute("data-chart-drawn", "true");
    });
  }

  function resizeCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart-drawn]").forEach(function (element) {
      var chart = window.echarts.getInstanceByDom(element);
      if (chart) { chart.resize(); }
    });
  }

  function disposeCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart-drawn]").forEach(function (element) {
      var chart = window.echarts.getInstanceByDom(element);
      if (chart) { chart.dispose(); }
    });
  }

  // The big screen: replace its body with a fresh copy of the same page; on a failed
  // fetch (network, server restarting) keep showing the last figures and try again later.
  function scheduleRefresh() {
    var body = document.querySelector("[data-refresh-seconds]");
    if (!body) { return; }
    var seconds = parseInt(body.getAttribute("data-refresh-seconds"), 10) || 60;
    window.setTimeout(function () {
      window.fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-refresh-seconds]");
          if (fresh) {
            disposeCharts(body);
            body.innerHTML = fresh.innerHTML;
            drawCharts(body);
          }
        })
        .catch(function () { /* keep the last figures on screen */ })
        .then(scheduleRefresh);
    }, seconds * 1000);
  }

  function tickClock() {
    var clock = document.getElementById("screen-clock");
    if (!clock) { return; }
    var now = new Date();
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    clock.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    scheduleRefresh();
    tickClock();
    window.setInterval(tickClock, 10000);
    // The custom period's dates only matter when "custom" is picked.
    var period = document.getElementById("db-period");
    if (period) {
      var toggle = function () {
        document.querySelectorAll("[data-custom-period]").forEach(function (field) {
          field.hidden = period.value !== "custom";
        });
      };
      period.addEventListener("change", toggle);
      toggle();
    }
  });
  window.addEventListener("resize", resizeCharts);
})();
