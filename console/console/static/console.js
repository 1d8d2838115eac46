// The console's few lines of script: SLA countdowns, and live updates from /events (server-sent
// events): the board swaps in fresh columns, a request's page reloads when that request changed;
// both catch up on what changed while the stream was connecting.
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
    if (!window.htmx) { return; }
    // Several changes in a burst become one refresh, with the filters as they stand when it is sent.
    clearTimeout(pending);
    pending = setTimeout(function () {
      var filters = document.getElementById("filters");
      if (!filters || !document.getElementById("columns")) { return; }
      var url = "/board/columns?" + new URLSearchParams(new FormData(filters)).toString();
      window.htmx.ajax("GET", url, { target: "#columns", swap: "outerHTML" });
    }, 300);
  }

  function listen() {
    if (!window.EventSource) { return; }
    var request = document.getElementById("request");
    if (!document.getElementById("columns") && !request) { return; }
    var source = new EventSource("/events");
    var opened = false;
    // A change made while the stream was (re)connecting came before this page listened: the board
    // asks for its columns again once listening; a request's page reloads after a reconnect.
    source.addEventListener("open", function () {
      if (!request) { refreshBoard(); } else if (opened) { window.location.reload(); }
      opened = true;
    });
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
