// The printable page opens the browser's print dialogue from its button.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-now");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
