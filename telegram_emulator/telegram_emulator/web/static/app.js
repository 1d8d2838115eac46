// The emulator's chat page: plain DOM, every text set with textContent (never innerHTML).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { token: "", defaultToken: "", userId: 0, users: [], bots: [], version: -1, action: null, poll: null,
                seenAnswers: new Set(), atBottom: true, timeZone: undefined };
// The control API's field names as the new-user form labels them, for its error messages.
const FIELDS = { first_name: "First name", last_name: "Last name", username: "Username",
                 phone_number: "Phone", language_code: "Language" };

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children || []) node.append(child);
  return node;
}

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.body = JSON.stringify(body);
    options.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, options);
  const data = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const error = new Error(describe(data) || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function describe(data) {
  if (!data) return "";
  if (Array.isArray(data.detail)) {
    return data.detail.map((e) => `${FIELDS[e.loc.at(-1)] || e.loc.at(-1)}: ${e.msg}`).join("\n");
  }
  return data.detail || data.description || "";
}

function chatPath(suffix) {
  return `/control/bots/${encodeURIComponent(state.token)}/chats/${state.userId}${suffix}`;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

// ---- Telegram entities -> safe DOM ----------------------------------------------------------
const SAFE_URL = /^(https?:|tg:|mailto:)/i;
// Bare links in a text, as Telegram finds them: with a scheme, or t.me/... without one.
const BARE_URL = /(?:https?|tg):\/\/[^\s<>"]+|\b(?:www\.)?(?:t|telegram)\.me\/[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]»]+$/;
// Entities whose text may hold bare links (inside a link, code or a command none is looked for).
const FORMATTING = new Set(["bold", "italic", "underline", "strikethrough", "spoiler", "blockquote",
                            "expandable_blockquote"]);

function linkNode(href) {
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(href || "") ? href : `https://${href}`;
  if (!SAFE_URL.test(absolute)) return el("span");
  return el("a", { href: absolute, target: "_blank", rel: "noopener noreferrer" });
}

function plainText(text, findLinks) {
  if (!findLinks) return document.createTextNode(text);
  const fragment = document.createDocumentFragment();
  let cursor = 0;
  for (const match of text.matchAll(BARE_URL)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, "");
    if (!url) continue;
    fragment.append(text.slice(cursor, match.index));
    const link = linkNode(url);
    link.textContent = url;
    fragment.append(link);
    cursor = match.index + url.length;
  }
  fragment.append(text.slice(cursor));
  return fragment;
}

function entityNode(entity, text) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote": return el("blockquote");
    case "expandable_blockquote": return el("blockquote", { class: "expandable" });
    case "spoiler": return el("span", { class: "spoiler", onclick: (e) => e.currentTarget.classList.add("shown") });
    case "bot_command": return el("span", { class: "cmd", onclick: () => sendText(text) });
    case "text_link":
    case "url": return linkNode(entity.type === "url" ? text : entity.url);
    default: return el("span", { class: entity.type });
  }
}

function renderText(text, entities) {
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  fill(fragment, text, sorted, 0, text.length, true);
  return fragment;
}

function fill(parent, text, entities, start, end, findLinks) {
  let cursor = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    const from = Math.max(entity.offset, cursor);
    const to = Math.min(entity.offset + entity.length, end);
    index += 1;
    if (from >= to) continue;
    if (from > cursor) parent.append(plainText(text.slice(cursor, from), findLinks));
    const node = entityNode(entity, text.slice(from, to));
    const inner = [];
    while (index < entities.length && entities[index].offset < to) inner.push(entities[index++]);
    fill(node, text, inner, from, to, findLinks && FORMATTING.has(entity.type));
    parent.append(node);
    cursor = to;
  }
  if (cursor < end) parent.append(plainText(text.slice(cursor, end), findLinks));
}

// ---- Messages -------------------------------------------------------------------------------
function fileUrl(fileId) {
  return chatPath(`/files/${encodeURIComponent(fileId)}`);
}

function renderBody(message) {
  const body = el("div", { class: "body" });
  if (message.photo) {
    const sizes = message.photo;
    const best = sizes.filter((s) => s.width <= 800).at(-1) || sizes[0];
    body.append(el("img", { src: fileUrl(best.file_id), alt: "photo", width: best.width, height: best.height }));
  }
  if (message.document) {
    const doc = message.document;
    body.append(el("a", { href: fileUrl(doc.file_id), download: doc.file_name || "file",
                          text: `📄 ${doc.file_name || "document"}` }));
  }
  if (message.via_bot) body.append(el("div", { class: "via", text: `via @${message.via_bot.username}` }));
  if (message.web_app_data) {
    body.append(el("span", { class: "service",
      text: `Data from the “${message.web_app_data.button_text}” button was transferred to the bot.` }));
  }
  if (message.contact) body.append(el("span", { text: `📞 ${message.contact.phone_number}` }));
  if (message.location) {
    body.append(el("span", { text: `📍 ${message.location.latitude}, ${message.location.longitude}` }));
  }
  if (message.text !== undefined) body.append(renderText(message.text, message.entities));
  if (message.caption) body.append(el("div", {}, [renderText(message.caption, message.caption_entities)]));
  return body;
}

function renderInline(entry) {
  const rows = entry.message.reply_markup?.inline_keyboard || [];
  if (!rows.length || entry.deleted) return null;
  const box = el("div", { class: "inline-kb" });
  for (const row of rows) {
    const line = el("div", { class: "kb-row" });
    for (const button of row) {
      if (button.url && SAFE_URL.test(button.url)) {
        line.append(el("a", { href: button.url, target: "_blank", rel: "noopener noreferrer", text: button.text }));
      } else if (button.web_app) {
        line.append(el("button", { type: "button", text: button.text, "data-web-app": button.web_app.url,
                                   onclick: () => openWebApp("inline", button.web_app.url, entry.message_id) }));
      } else if (button.callback_data !== undefined) {
        line.append(el("button", { type: "button", text: button.text, "data-callback": button.callback_data,
                                   onclick: () => press(entry.message_id, button.callback_data) }));
      } else {
        line.append(el("button", { type: "button", text: button.text, disabled: "" }));
      }
    }
    box.append(line);
  }
  return box;
}

function renderEntry(entry) {
  const message = entry.message;
  const time = new Date(message.date * 1000).toLocaleTimeString("en-GB", {
    hour: "2-digit", minute: "2-digit", timeZone: state.timeZone });
  const notes = [entry.deleted ? "deleted" : "", entry.edits ? "edited" : "", time].filter(Boolean).join(" · ");
  const node = el("div", { class: `msg ${entry.sender}${entry.deleted ? " deleted" : ""}`,
                           "data-message-id": entry.message_id }, [renderBody(message)]);
  const keyboard = renderInline(entry);
  if (keyboard) node.append(keyboard);
  node.append(el("div", { class: "meta", text: notes }));
  return node;
}

function renderKeyboard(markup) {
  const box = $("keyboard");
  box.replaceChildren();
  box.hidden = !markup;
  if (!markup) return;
  for (const row of markup.keyboard) {
    const line = el("div", { class: "kb-row" });
    for (const button of row) line.append(el("button", { type: "button", text: button.text,
                                                          onclick: () => replyButton(button) }));
    box.append(line);
  }
}

function render(transcript) {
  const chat = $("chat");
  state.atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  $("messages").replaceChildren(...transcript.messages.map(renderEntry));
  $("empty").hidden = transcript.messages.length > 0;
  renderKeyboard(transcript.reply_keyboard);
  renderMenuButton(transcript.menu_button);
  $("blocked").checked = Boolean(transcript.blocked);
  const action = $("action");
  action.hidden = !transcript.action;
  action.textContent = transcript.action ? `bot is ${transcript.action.replace(/_/g, " ")}…` : "";
  for (const callback of transcript.callbacks) {
    if (!callback.answered || state.seenAnswers.has(callback.id)) continue;
    state.seenAnswers.add(callback.id);
    const answer = callback.answer || {};
    if (answer.text && answer.show_alert) alert(answer.text);
    else if (answer.text) toast(answer.text);
    if (answer.url && SAFE_URL.test(answer.url)) window.open(answer.url, "_blank", "noopener");
  }
  if (state.atBottom) chat.scrollTop = chat.scrollHeight;
}

// ---- Live updates: long-poll the transcript by version ---------------------------------------
async function pollLoop(token, userId) {
  while (state.token === token && state.userId === userId) {
    const controller = new AbortController();
    state.poll = controller;
    try {
      // While "typing..." shows, poll briefly: the action ends without a new version.
      const wait = state.action ? 6 : 25;
      const url = chatPath(`/transcript?after_version=${state.version}&timeout=${wait}`);
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const transcript = await response.json();
      if (state.token !== token || state.userId !== userId) return;
      if (transcript.version !== state.version || transcript.action !== state.action) {
        state.version = transcript.version;
        state.action = transcript.action;
        render(transcript);
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function openChat() {
  if (state.poll) state.poll.abort();
  state.version = -1;
  state.action = null;
  state.seenAnswers = new Set();
  $("messages").replaceChildren();
  renderKeyboard(null);
  renderMenuButton(null);
  closeWebApp();
  const ready = Boolean(state.token && state.userId);
  $("text").disabled = !ready;
  $("blocked").disabled = !ready;
  $("blocked").checked = false;
  $("send").disabled = !ready;
  $("empty").hidden = false;
  localStorage.setItem("emulator.chat", JSON.stringify({ token: state.token, userId: state.userId }));
  if (ready) pollLoop(state.token, state.userId);
}

// ---- Links to bots: t.me/<bot>?start=<payload> starts that bot, as Telegram does -------------
const BOT_HOSTS = /^(www\.)?(t|telegram)\.me$|^telegram\.dog$/i;

function isBotLink(href) {
  let url;
  try { url = new URL(href); } catch { return false; }
  if (url.protocol === "tg:") return url.hostname.toLowerCase() === "resolve" && url.searchParams.has("domain");
  return /^https?:$/.test(url.protocol) && BOT_HOSTS.test(url.hostname) && /^\/[A-Za-z]\w+\/?$/.test(url.pathname);
}

// The emulator decides whose link it is: a bot it knows gets `/start <payload>` from the current user
// (the page moves to that bot's chat); any other link opens in a new tab.
async function openLink(event) {
  const anchor = event.target.closest("a[href]");
  if (!anchor || anchor.hasAttribute("download") || !isBotLink(anchor.href)) return;
  event.preventDefault();
  await followBotLink(anchor.href);
}

async function followBotLink(href) {
  if (!state.userId) { toast("Pick a user first"); return; }
  let opened;
  try {
    opened = await call("POST", `/control/users/${state.userId}/open-link`, { url: href });
  } catch (error) {
    if (error.status === 404) window.open(href, "_blank", "noopener");  // not a bot we know
    else toast(error.message);
    return;
  }
  if (opened.bot.token !== state.token) {
    state.token = opened.bot.token;
    await loadBots(state.defaultToken);
    $("bot-select").value = state.token;
    openChat();
  }
}

// ---- What the user does ---------------------------------------------------------------------
async function act(promise) {
  try { await promise; } catch (error) { toast(error.message); }
}

function sendText(text) {
  if (!text.trim() || !state.userId) return;
  act(call("POST", chatPath("/messages"), { text }));
}

function press(messageId, data) {
  act(call("POST", chatPath("/callbacks"), { message_id: messageId, data }));
}

function currentUser() {
  return state.users.find((u) => u.id === state.userId);
}

function replyButton(button) {
  if (button.web_app) {
    openWebApp("keyboard", button.web_app.url);
  } else if (button.request_contact) {
    const phone = currentUser()?.phone_number || prompt("Phone number to share", "+998901234567");
    if (phone) act(call("POST", chatPath("/contact"), { phone_number: phone }));
  } else if (button.request_location) {
    act(call("POST", chatPath("/location"), { latitude: 41.311081, longitude: 69.240562 }));
  } else {
    sendText(button.text);
  }
}

// Images Telegram takes as photos go as photos; any other file as a document.
const PHOTO_TYPES = new Set(["image/png", "image/jpeg", "image/gif"]);

async function sendFile(file) {
  const form = new FormData();
  form.append("file", file);
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  $("text").value = "";
  await act(call("POST", chatPath(PHOTO_TYPES.has(file.type) ? "/photos" : "/documents"), form));
}

async function toggleMenu() {
  const menu = $("menu");
  if (!menu.hidden || !state.userId) { menu.hidden = true; return; }
  const commands = await call("GET", chatPath("/commands")).catch(() => []);
  const items = commands.length ? commands.map((c) => el("button", { type: "button", text: `/${c.command} — ${c.description}`,
    onclick: () => { menu.hidden = true; sendText(`/${c.command}`); } })) : [el("p", { class: "hint", text: "No commands set" })];
  menu.replaceChildren(...items);
  menu.hidden = false;
}

// ---- Mini Apps: a sheet over the chat, speaking Telegram's web-client protocol with the app ------
// The app (with the emulator's or Telegram's telegram-web-app.js) posts {eventType, eventData} JSON to
// this window; the page answers the same way. Only the open frame's origin is listened to.
const webApp = { origin: "", source: "", buttonText: "", theme: "light", themes: {} };
const POPUP_LABELS = { ok: "OK", close: "Close", cancel: "Cancel" };

function renderMenuButton(menu) {
  const button = $("web-app-menu");
  button.hidden = menu?.type !== "web_app";
  button.textContent = menu?.text || "";
  button.onclick = () => openWebApp("menu");
}

async function openWebApp(source, url, messageId) {
  const body = { source, theme: webApp.theme };
  if (url) body.url = url;
  if (messageId) body.message_id = messageId;
  let launch;
  try { launch = await call("POST", chatPath("/web-app"), body); } catch (error) { toast(error.message); return; }
  Object.assign(webApp, { origin: new URL(launch.url).origin, source: launch.source,
                          buttonText: launch.button_text });
  // Telegram titles the sheet with the bot's name.
  $("web-app-title").textContent = state.bots.find((b) => b.token === state.token)?.first_name || launch.button_text;
  renderMainButton({ is_visible: false });
  $("web-app-back").hidden = true;
  $("web-app-popup").hidden = true;
  applyPanelTheme();
  $("web-app-frame").src = launch.url;
  $("web-app").hidden = false;
}

function closeWebApp() {
  if ($("web-app").hidden) return;
  $("web-app").hidden = true;
  $("web-app-frame").src = "about:blank";
  webApp.origin = "";
}

function postToApp(eventType, eventData) {
  const target = $("web-app-frame").contentWindow;
  if (webApp.origin && target) target.postMessage(JSON.stringify({ eventType, eventData }), webApp.origin);
}

// The panel wears the app's theme, as Telegram draws its header and main button in the theme colours.
function applyPanelTheme() {
  const theme = webApp.themes[webApp.theme] || {};
  const panel = $("web-app");
  for (const [name, key] of [["--app-bg", "bg_color"], ["--app-text", "text_color"], ["--app-link", "link_color"],
    ["--app-header", "header_bg_color"], ["--app-button", "button_color"], ["--app-button-text", "button_text_color"]]) {
    if (theme[key]) panel.style.setProperty(name, theme[key]);
  }
}

function switchTheme() {
  webApp.theme = webApp.theme === "light" ? "dark" : "light";
  applyPanelTheme();
  postToApp("theme_changed", { theme_params: webApp.themes[webApp.theme] });
}

function postViewport() {
  postToApp("viewport_changed", { height: $("web-app-frame").clientHeight, is_expanded: true, is_state_stable: true });
}

function renderMainButton(params) {
  const button = $("web-app-main");
  button.hidden = !params.is_visible;
  button.textContent = params.text || "";
  button.disabled = params.is_active === false;
  button.classList.toggle("progress", Boolean(params.is_progress_visible));
  button.style.background = params.color || "";
  button.style.color = params.text_color || "";
}

function openPopup(popup) {
  $("web-app-popup-title").textContent = popup.title || "";
  $("web-app-popup-message").textContent = popup.message || "";
  $("web-app-popup-buttons").replaceChildren(...(popup.buttons || []).map((b) => el("button", {
    type: "button", class: b.type || "default", text: b.text || POPUP_LABELS[b.type] || "OK",
    onclick: () => { $("web-app-popup").hidden = true; postToApp("popup_closed", { button_id: b.id || "" }); } })));
  $("web-app-popup").hidden = false;
}

// sendData works only for an app a keyboard button opened (Telegram ignores it otherwise); the app closes.
async function sendWebAppData(data) {
  if (webApp.source !== "keyboard") return;
  closeWebApp();
  await act(call("POST", chatPath("/web-app-data"), { data, button_text: webApp.buttonText }));
}

function onAppEvent(type, data) {
  switch (type) {
    case "web_app_close": closeWebApp(); break;
    case "web_app_setup_main_button": renderMainButton(data); break;
    case "web_app_setup_back_button": $("web-app-back").hidden = !data.is_visible; break;
    case "web_app_request_theme": postToApp("theme_changed", { theme_params: webApp.themes[webApp.theme] }); break;
    case "web_app_request_viewport":
    case "web_app_expand": postViewport(); break;
    case "web_app_open_popup": openPopup(data); break;
    case "web_app_data_send": sendWebAppData(String(data.data || "")); break;
    case "web_app_open_link": if (SAFE_URL.test(data.url || "")) window.open(data.url, "_blank", "noopener"); break;
    case "web_app_open_tg_link": closeWebApp(); followBotLink(`https://t.me${data.path_full || "/"}`); break;
    default: break;  // ready, haptics, colours: nothing to show on a web page
  }
}

function listenToWebApps() {
  window.addEventListener("message", (event) => {
    if (!webApp.origin || event.origin !== webApp.origin || event.source !== $("web-app-frame").contentWindow) return;
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    if (message && typeof message.eventType === "string") onAppEvent(message.eventType, message.eventData || {});
  });
  $("web-app-close").addEventListener("click", closeWebApp);
  $("web-app-theme").addEventListener("click", switchTheme);
  $("web-app-main").addEventListener("click", () => postToApp("main_button_pressed", {}));
  $("web-app-back").addEventListener("click", () => postToApp("back_button_pressed", {}));
  window.addEventListener("resize", postViewport);
}

// ---- Users and bots -------------------------------------------------------------------------
function userLabel(user) {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  const about = [user.language_code, user.role].filter(Boolean).join(", ");
  return `${name}${about ? ` (${about})` : ""} #${user.id}`;
}

async function loadUsers() {
  const users = await call("GET", "/control/users");
  if (JSON.stringify(users) === JSON.stringify(state.users) && $("user-select").options.length > 1) return;
  state.users = users;
  const select = $("user-select");
  select.replaceChildren(el("option", { value: "", text: "— pick a user —" }),
    ...state.users.map((u) => el("option", { value: String(u.id), text: userLabel(u) })));
  if (!state.users.some((u) => u.id === state.userId)) state.userId = 0;
  select.value = state.userId ? String(state.userId) : "";
}

async function loadBots(defaultToken) {
  const bots = await call("GET", "/control/bots");
  state.bots = bots;
  const signature = JSON.stringify(bots.map((b) => b.token));
  if (signature === loadBots.signature) return;
  loadBots.signature = signature;
  const tokens = [...new Set([defaultToken, ...bots.map((b) => b.token)].filter(Boolean))];
  const select = $("bot-select");
  select.replaceChildren(...tokens.map((t) => {
    const bot = bots.find((b) => b.token === t);
    return el("option", { value: t, text: bot ? `@${bot.username}` : t.split(":")[0] });
  }));
  if (!tokens.includes(state.token)) state.token = tokens[0] || "";
  select.value = state.token;
}

async function createUser(event) {
  event.preventDefault();
  const body = { first_name: $("first-name").value.trim(), language_code: $("language").value };
  for (const [key, id] of [["last_name", "last-name"], ["username", "username"], ["phone_number", "phone"]]) {
    const value = $(id).value.trim();
    if (value) body[key] = value;
  }
  try {
    const user = await call("POST", "/control/users", body);
    $("user-form").hidden = true;
    $("user-form").reset();
    $("user-error").textContent = "";
    state.userId = user.id;
    await loadUsers();
    openChat();
  } catch (error) {
    $("user-error").textContent = error.message;
  }
}

async function start() {
  // The form only shows and hides, so it answers a click made while the lists still load.
  $("new-user").addEventListener("click", () => { $("user-form").hidden = false; $("first-name").focus(); });
  $("cancel-user").addEventListener("click", () => { $("user-form").hidden = true; });
  const saved = JSON.parse(localStorage.getItem("emulator.chat") || "{}");
  const config = await call("GET", "/control/config");
  state.defaultToken = config.default_bot_token;
  state.token = saved.token || config.default_bot_token;
  state.userId = saved.userId || 0;
  state.timeZone = config.time_zone;
  webApp.themes = config.web_app_themes || {};
  listenToWebApps();
  const offset = new Intl.DateTimeFormat("en-GB", { timeZone: config.time_zone, timeZoneName: "shortOffset" })
    .formatToParts().find((part) => part.type === "timeZoneName")?.value;
  $("zone").textContent = `times: ${config.time_zone}${offset ? ` (${offset})` : ""}`;
  await loadBots(config.default_bot_token);
  await loadUsers();
  $("bot-select").addEventListener("change", (e) => { state.token = e.target.value; openChat(); });
  $("bot-select").addEventListener("focus", () => loadBots(config.default_bot_token));
  $("user-select").addEventListener("change", (e) => { state.userId = Number(e.target.value) || 0; openChat(); });
  $("user-select").addEventListener("focus", () => loadUsers());
  $("user-form").addEventListener("submit", createUser);
  $("menu-button").addEventListener("click", toggleMenu);
  $("messages").addEventListener("click", openLink);
  $("flood").checked = Boolean(config.flood?.enabled);
  $("flood").addEventListener("change", (e) => act(call("PUT", "/control/flood", { enabled: e.target.checked })));
  $("blocked").addEventListener("change", (e) => act(call("PUT", chatPath("/blocked"), { blocked: e.target.checked })));
  $("file-input").addEventListener("change", (e) => {
    if (e.target.files[0]) sendFile(e.target.files[0]);
    e.target.value = "";
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("text").value;
    $("text").value = "";
    sendText(text);
  });
  openChat();
  document.body.dataset.ready = "true";
}

start().catch((error) => toast(`Cannot start: ${error.message}`));
