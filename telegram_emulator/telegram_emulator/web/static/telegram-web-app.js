// The emulator's telegram-web-app.js: window.Telegram.WebApp for a Mini App opened in the emulator's
// chat page. It speaks Telegram's web-client protocol: events go to the parent window as
// postMessage(JSON {eventType, eventData}), and the parent answers the same way (main_button_pressed,
// back_button_pressed, theme_changed, viewport_changed, popup_closed).
"use strict";
(function () {
  const handlers = {};
  // Telegram's names of the parent's events, as the app's onEvent names them.
  const EVENTS = { main_button_pressed: "mainButtonClicked", back_button_pressed: "backButtonClicked",
                   settings_button_pressed: "settingsButtonClicked", theme_changed: "themeChanged",
                   viewport_changed: "viewportChanged", popup_closed: "popupClosed" };

  function parseParams(text) {
    const params = {};
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
    return params;
  }

  // The launch parameters come in the URL's fragment; they are kept for the tab's session, so that
  // the app's other pages (which open without them) still have them, as Telegram's script does.
  function launchParams() {
    let saved = {};
    try { saved = JSON.parse(sessionStorage.getItem("__telegram__initParams") || "{}"); } catch (e) { saved = {}; }
    const params = Object.assign(saved, parseParams(location.hash.slice(1)));
    try { sessionStorage.setItem("__telegram__initParams", JSON.stringify(params)); } catch (e) { /* private mode */ }
    return params;
  }

  function postEvent(eventType, eventData) {
    if (window.parent === window) return;  // opened outside a client: nothing to tell
    window.parent.postMessage(JSON.stringify({ eventType, eventData: eventData || {} }), "*");
  }

  function fire(name, ...args) {
    for (const handler of handlers[name] || []) {
      try { handler.apply(WebApp, args); } catch (error) { console.error(error); }
    }
  }

  const params = launchParams();
  const initData = params.tgWebAppData || "";
  const initDataUnsafe = parseParams(initData);
  for (const [key, value] of Object.entries(initDataUnsafe)) {
    if (/^[[{]/.test(value)) {
      try { initDataUnsafe[key] = JSON.parse(value); } catch (e) { /* left as text, as Telegram's */ }
    }
  }

  function isDark(color) {
    const hex = /^#([0-9a-f]{6})$/i.exec(color || "");
    if (!hex) return false;
    const n = parseInt(hex[1], 16);
    return Math.sqrt(0.299 * (n >> 16) ** 2 + 0.587 * ((n >> 8) & 255) ** 2 + 0.114 * (n & 255) ** 2) < 120;
  }

  function setCss(name, value) {
    document.documentElement.style.setProperty(name, value);
  }

  function applyTheme(theme) {
    WebApp.themeParams = Object.freeze(Object.assign({}, theme || {}));
    WebApp.colorScheme = isDark(WebApp.themeParams.bg_color) ? "dark" : "light";
    for (const [key, value] of Object.entries(WebApp.themeParams)) {
      setCss(`--tg-theme-${key.replace(/_/g, "-")}`, value);
    }
    setCss("--tg-color-scheme", WebApp.colorScheme);
  }

  function applyViewport(data) {
    WebApp.viewportHeight = data.height || window.innerHeight;
    if (data.is_state_stable !== false) WebApp.viewportStableHeight = WebApp.viewportHeight;
    WebApp.isExpanded = Boolean(data.is_expanded);
    setCss("--tg-viewport-height", `${WebApp.viewportHeight}px`);
    setCss("--tg-viewport-stable-height", `${WebApp.viewportStableHeight}px`);
  }

  const MainButton = {
    text: "Continue", color: "", textColor: "", isVisible: false, isActive: true, isProgressVisible: false,
    setText(text) { return MainButton.setParams({ text }); },
    onClick(handler) { WebApp.onEvent("mainButtonClicked", handler); return MainButton; },
    offClick(handler) { WebApp.offEvent("mainButtonClicked", handler); return MainButton; },
    show() { return MainButton.setParams({ is_visible: true }); },
    hide() { return MainButton.setParams({ is_visible: false }); },
    enable() { return MainButton.setParams({ is_active: true }); },
    disable() { return MainButton.setParams({ is_active: false }); },
    showProgress(leaveActive) {
      MainButton.isProgressVisible = true;
      return MainButton.setParams({ is_active: Boolean(leaveActive) });
    },
    hideProgress() {
      MainButton.isProgressVisible = false;
      return MainButton.setParams({ is_active: true });
    },
    setParams(p) {
      if ("text" in p) MainButton.text = String(p.text).trim() || MainButton.text;
      if ("color" in p) MainButton.color = p.color;
      if ("text_color" in p) MainButton.textColor = p.text_color;
      if ("is_visible" in p) MainButton.isVisible = Boolean(p.is_visible);
      if ("is_active" in p) MainButton.isActive = Boolean(p.is_active);
      postEvent("web_app_setup_main_button", {
        is_visible: MainButton.isVisible, is_active: MainButton.isActive,
        is_progress_visible: MainButton.isProgressVisible, text: MainButton.text,
        color: MainButton.color || WebApp.themeParams.button_color,
        text_color: MainButton.textColor || WebApp.themeParams.button_text_color,
      });
      return MainButton;
    },
  };

  const BackButton = {
    isVisible: false,
    onClick(handler) { WebApp.onEvent("backButtonClicked", handler); return BackButton; },
    offClick(handler) { WebApp.offEvent("backButtonClicked", handler); return BackButton; },
    show() { BackButton.isVisible = true; postEvent("web_app_setup_back_button", { is_visible: true }); return BackButton; },
    hide() { BackButton.isVisible = false; postEvent("web_app_setup_back_button", { is_visible: false }); return BackButton; },
  };

  // No vibration on a web page: haptics are accepted and do nothing, as on Telegram's web clients.
  const HapticFeedback = {
    impactOccurred() { return HapticFeedback; },
    notificationOccurred() { return HapticFeedback; },
    selectionChanged() { return HapticFeedback; },
  };

  let popupCallback = null;

  const WebApp = {
    initData, initDataUnsafe,
    version: params.tgWebAppVersion || "6.0",
    platform: params.tgWebAppPlatform || "unknown",
    colorScheme: "light", themeParams: {},
    isExpanded: false, viewportHeight: window.innerHeight, viewportStableHeight: window.innerHeight,
    headerColor: "", backgroundColor: "", isClosingConfirmationEnabled: false,
    MainButton, BackButton, HapticFeedback,
    isVersionAtLeast(version) {
      const [a, b] = [WebApp.version, String(version)].map((v) => v.split(".").map(Number));
      for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
        if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
      }
      return true;
    },
    onEvent(name, handler) { (handlers[name] = handlers[name] || []).push(handler); },
    offEvent(name, handler) { handlers[name] = (handlers[name] || []).filter((h) => h !== handler); },
    ready() { postEvent("web_app_ready"); },
    expand() { postEvent("web_app_expand"); },
    close() { postEvent("web_app_close"); },
    setHeaderColor(color) { WebApp.headerColor = color; postEvent("web_app_set_header_color", { color }); },
    setBackgroundColor(color) { WebApp.backgroundColor = color; postEvent("web_app_set_background_color", { color }); },
    enableClosingConfirmation() { WebApp.isClosingConfirmationEnabled = true; },
    disableClosingConfirmation() { WebApp.isClosingConfirmationEnabled = false; },
    sendData(data) {
      const text = String(data);
      if (!text.length || new TextEncoder().encode(text).length > 4096) {
        throw new Error("WebAppDataInvalid");
      }
      postEvent("web_app_data_send", { data: text });
    },
    openLink(url) { window.open(url, "_blank", "noopener"); },
    openTelegramLink(url) {
      const link = new URL(url, "https://t.me");
      postEvent("web_app_open_tg_link", { path_full: link.pathname + link.search });
    },
    showPopup(popup, callback) {
      popupCallback = callback || null;
      const buttons = popup.buttons && popup.buttons.length ? popup.buttons : [{ type: "close" }];
      postEvent("web_app_open_popup", { title: popup.title || "", message: popup.message,
        buttons: buttons.map((b) => ({ id: b.id || "", type: b.type || "default", text: b.text || "" })) });
    },
    showAlert(message, callback) {
      WebApp.showPopup({ message, buttons: [{ type: "close" }] }, () => { if (callback) callback(); });
    },
    showConfirm(message, callback) {
      WebApp.showPopup({ message, buttons: [{ id: "ok", type: "ok" }, { id: "cancel", type: "cancel" }] },
        (id) => { if (callback) callback(id === "ok"); });
    },
  };

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || typeof event.data !== "string") return;
    let message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    const data = message.eventData || {};
    if (message.eventType === "theme_changed") {
      applyTheme(data.theme_params);
      if (MainButton.isVisible) MainButton.setParams({});  // the button's theme colours follow
    }
    if (message.eventType === "viewport_changed") applyViewport(data);
    if (message.eventType === "popup_closed") {
      const callback = popupCallback;
      popupCallback = null;
      if (callback) callback(data.button_id || null);
    }
    const name = EVENTS[message.eventType];
    if (name === "viewportChanged") fire(name, { isStateStable: data.is_state_stable !== false });
    else if (name) fire(name, name === "popupClosed" ? { button_id: data.button_id || null } : undefined);
  });

  let theme = {};
  try { theme = JSON.parse(params.tgWebAppThemeParams || "{}"); } catch (e) { theme = {}; }
  applyTheme(theme);
  applyViewport({ height: window.innerHeight, is_expanded: true });
  window.Telegram = Object.assign(window.Telegram || {}, { WebApp });
  postEvent("web_app_request_theme");
  postEvent("web_app_request_viewport");
})();
