// The Mini App's pages: sign in with Telegram's initData, then Telegram's main and back buttons.
(function () {
  "use strict";
  var tg = window.Telegram && window.Telegram.WebApp;
  var inTelegram = Boolean(tg && tg.initData);

  function launch(box) {
    var status = document.getElementById("launch-status");
    if (!inTelegram) {
      status.hidden = true;
      document.getElementById("launch-outside").hidden = false;
      return;
    }
    fetch("/api/auth/webapp", {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({init_data: tg.initData})
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error(body.detail || response.status);
        }
        window.location.replace(body.home);
      });
    }).catch(function (error) {
      status.textContent = box.dataset.failed + ": " + error.message;
    });
  }

  // The form's submit button becomes Telegram's main button (the page's own stays outside Telegram).
  function mainButton(form) {
    if (!inTelegram) {
      return;
    }
    form.querySelectorAll(".app-submit").forEach(function (button) { button.hidden = true; });
    tg.MainButton.setText(form.dataset.mainButton);
    tg.MainButton.show();
    tg.MainButton.onClick(function () {
      if (!form.reportValidity()) {
        return;
      }
      tg.MainButton.showProgress();
      tg.MainButton.disable();
      form.requestSubmit();
    });
  }

  function backButton(target) {
    if (!tg || !target) {
      return;
    }
    tg.BackButton.show();
    tg.BackButton.onClick(function () { window.location.href = target; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (tg) {
      tg.ready();
      tg.expand();
    }
    var box = document.getElementById("launch");
    if (box) {
      launch(box);
      return;
    }
    var form = document.querySelector("form[data-main-button]");
    if (form) {
      mainButton(form);
    } else if (tg) {
      tg.MainButton.hide();
    }
    backButton(document.body.dataset.back);
  });
})();
