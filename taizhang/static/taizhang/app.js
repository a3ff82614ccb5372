// Small behaviours without inline scripts (a Content-Security-Policy forbids them).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest && event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Charts: <div data-chart="ID"> takes its ECharts option from <script id="ID" type="application/json">.
function renderCharts(root) {
  if (!window.echarts) { return; }
  (root || document).querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) { return; }
    var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element);
    chart.setOption(JSON.parse(source.textContent));
    element.setAttribute("data-chart-ready", "true");
  });
}
document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
document.addEventListener("htmx:afterSwap", function (event) { renderCharts(event.target); });
window.addEventListener("resize", function () {
  if (!window.echarts) { return; }
  document.querySelectorAll("[data-chart-ready]").forEach(function (element) {
    var chart = window.echarts.getInstanceByDom(element);
    if (chart) { chart.resize(); }
  });
});
