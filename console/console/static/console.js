// The console's few lines of script: SLA countdowns, and live updates from /events (server-sent
// events): the board swaps in fresh columns, a request's page reloads when that request changed.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.due) - Date.now()) / 1000);
      var abs = Math.abs(left);
      var text = Math.floor(abs / 3600) + ":" + pad(Math.floor(abs / 60) % 60) + ":" + pad(abs % 60);
      el.textContent = left >= 0 ? text + " " + el.dataset.left : el.dataset.overdue + " " + text;
      el.classList.toggle("late", left < 0);
    });
  }

  var pending = null;

  function refreshBoard() {
    var columns = document.getElementById("columns");
    if (!columns || !window.htmx) { return; }
    // Several changes in a burst become one refresh.
    clearTimeout(pending);
    pending = setTimeout(function () {
      window.htmx.ajax("GET", columns.dataset.live, { target: "#columns", swap: "outerHTML" });
    }, 300);
  }

  function listen() {
    if (!window.EventSource) { return; }
    var request = document.getElementById("request");
    if (!document.getElementById("columns") && !request) { return; }
    var source = new EventSource("/events");
    source.addEventListener("request", function (event) {
      var change = JSON.parse(event.data);
      if (request) {
        if (change.number === request.dataset.number) { window.location.reload(); }
      } else {
        refreshBoard();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    listen();
  });
})();
