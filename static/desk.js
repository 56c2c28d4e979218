/* The desk: every post goes to an outbox on the phone first (localStorage), then to the
   JSON API with a client-made Idempotency-Key and the time it was filed. Failed sends stay
   in the outbox and are retried with backoff, also after a reload; the server's
   idempotency makes a retry after a lost response safe. No framework. */
(function () {
  "use strict";
  var form = document.getElementById("compose");
  if (!form || !window.fetch || !window.localStorage) return;
  var slug = form.getAttribute("data-slug");
  var csrf = form.getAttribute("data-csrf");
  var OUTBOX = "liveblog-outbox:" + slug;
  var DRAFT = "liveblog-draft:" + slug;
  var $ = function (id) { return document.getElementById(id); };
  var fields = { headline: $("headline"), body: $("body"), key_event: $("key_event"), pinned: $("pinned") };
  var outboxBox = $("outbox"), summary = $("outbox-summary"), list = $("outbox-items");
  var sending = false, timer = null, attempt = 0, nextTry = 0, editing = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); }
  function randomKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function text(s, n) {
    s = (s || "").replace(/!\[[^\]]*\]\([^)]*\)/g, "[photo]").replace(/[*_`#>]/g, "").replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }
  function hhmm(iso) { return iso.slice(11, 16) + " GMT"; }
  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content) e.textContent = content;
    return e;
  }

  /* drafts survive a reload */
  function draft() {
    return { headline: fields.headline.value, body: fields.body.value,
             key_event: fields.key_event.checked, pinned: fields.pinned.checked };
  }
  function saveDraft() { localStorage.setItem(DRAFT, JSON.stringify(draft())); }
  function restoreDraft() {
    if (fields.body.value || fields.headline.value) return;  // the server re-showed typed text
    var d; try { d = JSON.parse(localStorage.getItem(DRAFT) || "null"); } catch (e) { d = null; }
    if (!d) return;
    fields.headline.value = d.headline || ""; fields.body.value = d.body || "";
    fields.key_event.checked = !!d.key_event; fields.pinned.checked = !!d.pinned;
  }
  function clearForm() {
    form.reset();
    fields.headline.value = ""; fields.body.value = "";
    Array.prototype.forEach.call(form.querySelectorAll("input[name=supersedes]"), function (c) { c.checked = false; });
    localStorage.removeItem(DRAFT);
    editing = null;
    $("send").textContent = "Post update";
    renderPreview();
  }

  /* live preview: a small, safe subset of Markdown (the server renders the real thing) */
  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  function inline(s) {
    return esc(s)
      .replace(/!\[([^\]]*)\]\((\/media\/[A-Za-z0-9]+\.jpg)\)/g, '<img src="$2" alt="$1">')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2">$1</a>')
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/\*([^*]+)\*/g, "<em>$1</em>");
  }
  function renderPreview() {
    var body = fields.body.value.trim();
    $("preview-box").hidden = !body;
    $("preview").innerHTML = body.split(/\n\s*\n/).map(function (p) { return "<p>" + inline(p) + "</p>"; }).join("");
  }

  /* the outbox */
  function render() {
    var items = load();
    outboxBox.hidden = items.length === 0;
    list.textContent = "";
    if (!items.length) return;
    var waiting = items.length + " waiting";
    var held = items.filter(function (i) { return i.error; }).length;
    var state = !navigator.onLine ? "will send when online"
      : held === items.length ? "needs your attention"
      : sending ? "sending…" : nextTry > Date.now() ? "retrying in " + Math.ceil((nextTry - Date.now()) / 1000) + " s"
      : "sending…";
    summary.textContent = waiting + " — " + state;
    items.forEach(function (item) {
      var li = el("li", "outbox-item");
      li.setAttribute("data-key", item.key);
      li.appendChild(el("span", "when", "filed " + hhmm(item.filed_at)));
      li.appendChild(el("span", "what", " " + text(item.data.headline || item.data.body, 80)));
      if (item.error) li.appendChild(el("p", "error", item.error));
      var edit = el("button", "edit", "Edit"); edit.type = "button";
      edit.addEventListener("click", function () { editItem(item.key); });
      var drop = el("button", "discard danger", "Discard"); drop.type = "button";
      drop.addEventListener("click", function () { discard(item.key); });
      li.appendChild(edit); li.appendChild(drop);
      list.appendChild(li);
    });
  }
  function remove(key) { save(load().filter(function (i) { return i.key !== key; })); }
  function discard(key) {
    if (!window.confirm("Discard this waiting update? It has not been published.")) return;
    remove(key); render();
  }
  function editItem(key) {
    var item = load().filter(function (i) { return i.key === key; })[0];
    if (!item) return;
    fields.headline.value = item.data.headline || ""; fields.body.value = item.data.body || "";
    fields.key_event.checked = !!item.data.key_event; fields.pinned.checked = !!item.data.pinned;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=supersedes]"), function (c) {
      c.checked = (item.data.supersedes || []).indexOf(Number(c.value)) >= 0;
    });
    editing = item;  // same key and filed_at: if the first send did arrive, the server says so
    remove(key); render(); renderPreview();
    $("send").textContent = "Send again";
    fields.body.focus();
  }

  function schedule() {
    clearTimeout(timer);
    var delay = Math.min(60000, 2000 * Math.pow(2, attempt)) * (0.75 + Math.random() / 2);
    attempt += 1;
    nextTry = Date.now() + delay;
    timer = setTimeout(flush, delay);
  }

  function addToList(entry) {
    var ol = $("desk-entries"), empty = $("desk-empty");
    if (empty) empty.remove();
    if ($("desk-entry-" + entry.id)) return;
    var li = el("li", "published"); li.id = "desk-entry-" + entry.id;
    var line = el("p", "line");
    var t = el("time", "", entry.time_gmt); t.setAttribute("datetime", entry.published_at);
    line.appendChild(t);
    line.appendChild(document.createTextNode(" " + text(entry.headline || entry.body, 120)));
    li.appendChild(line);
    var actions = el("p", "actions"), base = "/desk/" + slug;
    [["Correct", base + "/entries/" + entry.id + "/correct", "button"],
     ["Supersede", base + "?supersedes=" + entry.id + "#compose", "button supersede"],
     ["Withdraw", base + "/entries/" + entry.id + "/withdraw", "button danger"]].forEach(function (a) {
      var link = el("a", a[2], a[0]); link.href = a[1];
      if (a[0] === "Supersede") link.setAttribute("data-id", entry.id);
      actions.appendChild(link);
    });
    li.appendChild(actions);
    ol.insertBefore(li, ol.firstChild);
  }

  function send(item) {
    var payload = {};
    Object.keys(item.data).forEach(function (k) { payload[k] = item.data[k]; });
    payload.filed_at = item.filed_at;
    return fetch("/api/blogs/" + encodeURIComponent(slug) + "/entries", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Idempotency-Key": item.key, "X-CSRF-Token": csrf },
      body: JSON.stringify(payload)
    });
  }

  function hold(key, message) {
    save(load().map(function (i) { if (i.key === key) i.error = message; return i; }));
  }

  async function flush() {
    if (sending) return;
    clearTimeout(timer);
    sending = true; render();
    var retry = false;
    try {
      var items = load().filter(function (i) { return !i.error; });
      for (var n = 0; n < items.length; n++) {
        var item = items[n], r;
        try { r = await send(item); } catch (e) { retry = true; break; }
        if (r.ok) {
          var entry = await r.json();
          remove(item.key); addToList(entry); attempt = 0;
          continue;
        }
        if (r.status === 401 || (r.status === 403 && r.headers.get("content-type") === "application/json"
            && /CSRF/.test(((await r.clone().json()) || {}).error || ""))) {
          hold(item.key, "You are signed out. Sign in again in another tab, then tap Edit and send.");
          continue;
        }
        if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
          var problem = "The server refused it.";
          try { problem = "Refused: " + (await r.json()).error; } catch (e) { /* not JSON */ }
          hold(item.key, problem + " Tap Edit to fix it, or Discard.");
          continue;
        }
        retry = true; break;
      }
    } finally {
      sending = false;
    }
    if (retry) schedule(); else nextTry = 0;
    render();
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var data = draft();
    data.supersedes = Array.prototype.filter.call(form.querySelectorAll("input[name=supersedes]"),
      function (c) { return c.checked; }).map(function (c) { return Number(c.value); });
    if (!data.body.trim()) { fields.body.focus(); return; }
    var item = { key: editing ? editing.key : randomKey(),
                 filed_at: editing ? editing.filed_at : new Date().toISOString(), data: data };
    var items = load(); items.push(item); save(items);
    clearForm();
    attempt = 0;
    render();
    flush();
  });
  form.addEventListener("input", function () { saveDraft(); renderPreview(); });

  /* Supersede: tick the entry in the picker instead of reloading the page */
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.supersede");
    if (!link) return;
    var box = form.querySelector("input[name=supersedes][value='" + link.getAttribute("data-id") + "']");
    if (!box) return;
    ev.preventDefault();
    box.checked = true;
    form.querySelector("details.supersedes").open = true;
    fields.body.focus();
    form.scrollIntoView();
  });

  /* photos: uploaded at once (they need the network), then placed in the text as Markdown */
  var photoBox = $("photo-box");
  photoBox.hidden = false;
  $("add-photo").addEventListener("click", async function () {
    var file = $("photo").files[0], status = $("photo-status");
    if (!file) { status.textContent = "Choose a photo first."; return; }
    var fd = new FormData();
    fd.append("file", file); fd.append("caption", $("caption").value);
    status.textContent = "Uploading…";
    try {
      var r = await fetch("/api/media", { method: "POST", credentials: "same-origin",
                                          headers: { "X-CSRF-Token": csrf }, body: fd });
      var j = await r.json();
      if (!r.ok) { status.textContent = "Refused: " + j.error; return; }
      var body = fields.body.value;
      fields.body.value = body + (body && !/\n$/.test(body) ? "\n\n" : "") + j.markdown + "\n";
      $("photo").value = ""; $("caption").value = "";
      status.textContent = "Photo added (location and camera details removed).";
      saveDraft(); renderPreview();
    } catch (e) {
      status.textContent = "Could not upload: no connection. Try again when online.";
    }
  });

  /* open from the phone's cache when offline (see desk-sw.js); forget it on sign-out */
  if (navigator.serviceWorker && window.caches) {
    navigator.serviceWorker.register("/desk/sw.js", { scope: "/desk/" }).then(function () {
      if (navigator.serviceWorker.controller) return;  // already cached by the worker itself
      var assets = Array.prototype.map.call(document.querySelectorAll("link[rel=stylesheet], script[src]"),
        function (e) { return e.href || e.src; });
      return caches.open("liveblog-desk-v1").then(function (c) { return c.addAll([location.pathname].concat(assets)); });
    }).catch(function () { /* no offline copy: the outbox still works while the page is open */ });
    var out = document.querySelector("form[action='/logout']");
    if (out) out.addEventListener("submit", function () { caches.delete("liveblog-desk-v1"); });
  }

  window.addEventListener("online", function () { attempt = 0; flush(); });
  window.addEventListener("offline", render);
  setInterval(function () { if (load().length) render(); }, 1000);
  restoreDraft();
  renderPreview();
  render();
  if (load().length) flush();
})();
