/* The desk: every post goes to an outbox on the phone first (localStorage), then to the
   JSON API with a client-made Idempotency-Key and the time it was filed. Failed sends stay
   in the outbox and are retried with backoff, also after a reload; the server's
   idempotency makes a retry after a lost response safe. filed_at is stamped on the
   server's clock (a phone that lost power may be hours off); a waiting post being edited
   stays in the outbox until it is sent again, and only the tab editing it may touch it; an
   edit that comes too late (the first version was published, or another tab sent it) is
   kept, never sent as a new post unasked; a CSRF token gone stale (the person signed in
   again elsewhere) is renewed. A photo added without a connection waits on the phone too
   (IndexedDB), named in the text as waiting-photo:ID, and goes up just before its update.
   No framework. This file is the page's side (the DOM, fetch, storage, locks, the service
   worker); every decision it asks of desk-core.js (DeskCore), loaded just before it. */

/* The editors' queue and one's drafts follow the blog on a channel of the desk's own (signed in, never the
   public stream): the server answers when the queue differs from the mark this page shows; kept while a form
   in it is in use. Apart from the compose box: an ended blog's desk has none, and its queue still moves. */
(function () {
  "use strict";
  var part = document.getElementById("desk-queue"), failures = 0;
  if (!part || !window.fetch) return;
  var slug = part.getAttribute("data-slug");
  async function poll() {
    var inner = document.getElementById("queue-inner"), wait = 0;
    var mark = inner ? inner.getAttribute("data-mark") : "";
    try {
      var r = await fetch("/desk/" + encodeURIComponent(slug) + "/queue?mark=" + encodeURIComponent(mark),
                          { credentials: "same-origin", cache: "no-store" });
      var busy = part.contains(document.activeElement) && document.activeElement.name;
      if (r.status === 200 && !r.redirected && !busy) part.innerHTML = await r.text();
      failures = r.ok && !r.redirected ? 0 : failures + 1;
      if (busy) wait = 2000;
    } catch (e) { failures++; }
    setTimeout(poll, failures ? Math.min(30000, 1000 * Math.pow(2, failures)) : wait);
  }
  poll();
})();

(function () {
  "use strict";
  var form = document.getElementById("compose");
  var Core = window.DeskCore;
  var gettext = I18n.gettext;
  if (!form || !Core || !window.fetch || !window.localStorage) return;
  var slug = form.getAttribute("data-slug");
  var csrf = form.getAttribute("data-csrf");
  var started = Date.parse(form.getAttribute("data-started")) || 0;
  var editor = form.hasAttribute("data-editor");  // editors may correct and withdraw anyone's update
  var stored = Core.names(slug), OUTBOX = stored.outbox, DRAFT = stored.draft, CLOCK = stored.clock;
  var $ = function (id) { return document.getElementById(id); };
  var fields = { headline: $("headline"), body: $("body"), key_event: $("key_event"), pinned: $("pinned"),
                 lang: $("lang"), translation_of: $("translation_of") };
  var addressPattern = fields.translation_of.getAttribute("data-pattern");  // an update's address (the server's)
  var outboxBox = $("outbox"), summary = $("outbox-summary"), countdown = $("outbox-countdown");
  var list = $("outbox-items"), news = $("outbox-news"), notice = $("desk-notice");
  var editNote = $("editing-note").textContent;
  var sending = false, inFlight = null, timer = null, attempt = 0, nextTry = 0, shown = null, had = false;
  var editing = null;  // the waiting post in this tab's compose box; the draft it displaced stays in DRAFT
  var held = {}, abandoned = {};  // posts whose lock this tab holds; edits left unfinished by a closed tab

  function read(name, fallback) {
    try { return JSON.parse(localStorage.getItem(name) || "null") || fallback; } catch (e) { return fallback; }
  }
  function write(name, value) { localStorage.setItem(name, JSON.stringify(value)); }
  function load() { return read(OUTBOX, []); }
  function save(items) { write(OUTBOX, items); }
  function find(key) { return load().filter(function (i) { return i.key === key; })[0]; }
  function change(key, fn) { save(load().map(function (i) { if (i.key === key) fn(i); return i; })); }
  function remove(key) { save(load().filter(function (i) { return i.key !== key; })); }
  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content) e.textContent = content;
    return e;
  }
  function setText(node, s) { if (node.textContent !== s) node.textContent = s; }
  function say(message) { setText(notice, message); notice.hidden = !message; }

  /* photos waiting on the phone: localStorage holds text only, so the pictures go to IndexedDB */
  function photoStore(mode, use) {  // one transaction; resolves with the result of use's request
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var open = indexedDB.open("liveblog-desk", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("photos"); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result;
        try {
          var tx = db.transaction("photos", mode), req = use(tx.objectStore("photos"));
          tx.oncomplete = function () { db.close(); resolve(req && req.result); };
          tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
        } catch (e) { db.close(); reject(e); }
      };
    });
  }
  function namingText() {  // of every waiting post and draft, this tab's compose box included
    return Object.keys(localStorage).filter(function (k) { return k.indexOf("liveblog-") === 0; })
      .map(function (k) { return localStorage.getItem(k); }).concat([fields.body.value]).join(" ");
  }
  /* photos nothing names any more are forgotten: those of a post sent or discarded at once, the
     rest (a draft another tab's typing replaced, say) after a day, when the desk is opened */
  function forget(ids) {
    ids = Core.unnamed(ids, namingText());
    if (!ids.length) return Promise.resolve();
    return photoStore("readwrite", function (store) { ids.forEach(function (id) { store.delete(id); }); })
      .catch(function () { /* no photo store: nothing waits in it */ });
  }
  function sweepPhotos() {
    var old = [];
    return photoStore("readonly", function (store) {
      var cursor = store.openCursor();
      cursor.onsuccess = function () {
        var c = cursor.result;
        if (!c) return;
        if (Core.expired(c.value.at, Date.now())) old.push(c.key);
        c.continue();
      };
    }).then(function () { return forget(old); }, function () { /* no photo store: nothing waits in it */ });
  }

  /* One tab at a time touches a waiting post: the one holding its lock edits, sends or discards
     it. Without navigator.locks (an old browser, a page not on https) every tab may; a post
     that went, or was published, while it was being edited is still caught when it is sent. */
  function claim(key) {
    if (!navigator.locks) return Promise.resolve(true);
    return new Promise(function (resolve) {
      var request = navigator.locks.request(Core.lockName(key), { ifAvailable: true }, function (lock) {
        if (!lock) return resolve(false);
        return new Promise(function (release) {
          held[key] = function () { release(); return request; };
          resolve(true);
        });
      });
      request.catch(function () { resolve(false); });
    });
  }
  function letGo(key) {  // resolves once the lock is free again (for this tab's next claim too)
    var release = held[key];
    delete held[key];
    return release ? release() : Promise.resolve();
  }

  /* the server's clock. The page's data-now is trusted only on a first visit: a page reopened
     from the phone's cache is older than it says. Later, /desk/session.json and the Date
     header of the server's answers keep the offset current. */
  var clock = read(CLOCK, null);
  function learn(serverMs, exact) {
    var learnt = Core.learn(clock, serverMs, Date.now(), exact);
    if (!learnt) return;
    clock = learnt;
    try { write(CLOCK, clock); } catch (e) { /* storage full: the offset still holds for this page */ }
  }
  if (!clock) learn(Date.parse(form.getAttribute("data-now")), true);

  /* A request on a connection that died without a word (a cell dropped, a tunnel) can hang for many
     minutes; it is given up after a while and tried again on a fresh connection, which the
     Idempotency-Key makes safe. Photos get longer: 2G may need minutes for one. */
  var PATIENCE = 30000, PHOTO_PATIENCE = 300000;
  function deadline(ms) {
    var stop = new AbortController();
    setTimeout(function () { stop.abort(); }, ms);
    return stop.signal;
  }

  /* the server's JSON, or null for anything else (a captive portal's page, a proxy's error) */
  async function jsonOf(r) {
    if (!Core.isServerJson(r.redirected, r.headers.get("content-type"))) return null;
    try {
      var j = await r.json();
      learn(Date.parse(r.headers.get("date") || ""));
      return j;
    } catch (e) { return null; }
  }
  function useToken(token) {
    csrf = token;
    form.setAttribute("data-csrf", token);
    Array.prototype.forEach.call(document.querySelectorAll("input[name=csrf]"), function (i) { i.value = token; });
  }
  /* a fresh CSRF token and the server's time; null when signed out */
  async function sync() {
    var sent = Date.now();
    var r = await fetch("/desk/session.json", { credentials: "same-origin", cache: "no-store",
                                                signal: deadline(PATIENCE) });
    var j = await jsonOf(r);
    if (!j) throw new Error("no answer from the server");
    if (!r.ok) return null;
    learn(Core.serverNow(Date.parse(j.now), sent, Date.now()), true);
    useToken(j.csrf);
    return j.csrf;
  }
  /* fetch with the page's CSRF token; renewed once if it went stale */
  async function call(url, options, patience) {
    options.credentials = "same-origin";
    options.headers = options.headers || {};
    options.headers["X-CSRF-Token"] = csrf;
    options.headers["Accept-Language"] = I18n.lang;  // a refusal's words in the person's language (its "said")
    options.signal = deadline(patience || PATIENCE);
    var r = await fetch(url, options);
    if (r.status !== 403 || !Core.staleCsrf(r.status, await jsonOf(r.clone()))) return r;
    var fresh = await sync();
    if (!fresh) return r;
    options.headers["X-CSRF-Token"] = fresh;
    options.signal = deadline(patience || PATIENCE);
    return fetch(url, options);
  }

  /* drafts survive a reload, and so does a waiting post being edited (its text is kept in the post) */
  function boxes() { return Array.prototype.slice.call(form.querySelectorAll("input[name=supersedes]")); }
  function typed() {
    return { headline: fields.headline.value, body: fields.body.value,
             key_event: fields.key_event.checked, pinned: fields.pinned.checked, lang: fields.lang.value,
             translation_of: fields.translation_of.value,
             supersedes: boxes().filter(function (c) { return c.checked; })
                                .map(function (c) { return Number(c.value); }) };
  }
  function fill(d) {
    fields.headline.value = d.headline || ""; fields.body.value = d.body || "";
    fields.key_event.checked = !!d.key_event; fields.pinned.checked = !!d.pinned;
    fields.lang.value = d.lang || ""; fields.translation_of.value = d.translation_of || "";
    boxes().forEach(function (c) { c.checked = (d.supersedes || []).indexOf(Number(c.value)) >= 0; });
    bodyChanged();
  }
  function saveDraft() {
    if (editing) change(editing, function (i) { i.draft = typed(); });
    else write(DRAFT, typed());
  }
  /* On load: the compose draft, then an edit left unfinished by this tab before a reload (or by
     a tab since closed: its lock is free). An edit still open in another tab stays there. */
  async function restoreDraft() {
    var free = !fields.body.value && !fields.headline.value, extra = typed().supersedes;
    var d = read(DRAFT, null);
    if (free && d && (d.body || d.headline)) fill(Core.ticking(d, extra));
    var unfinished = load().filter(function (i) { return i.editing; });
    for (var n = 0; n < unfinished.length; n++) {
      var key = unfinished[n].key;
      if (!(await claim(key))) continue;
      var item = find(key);
      if (free && !editing && item && item.editing) {
        editing = key;
        fill(Core.ticking(item.draft || item.data, extra));
      } else {
        abandoned[key] = true;
        letGo(key);
      }
    }
    editMode(); render();
  }
  function editMode() {
    var labels = Core.editLabels(editing, editing && find(editing), editNote);
    $("send").textContent = labels.send;
    $("cancel-edit").hidden = $("editing-note").hidden = !editing;
    setText($("editing-note"), labels.note);
  }
  function endEdit() {
    var freed = letGo(editing);
    editing = null;
    fill(read(DRAFT, {}));
    editMode();
    return freed;
  }

  var LONG_PREVIEW = 4000;  // characters
  function renderPreview() {  // the server's Markdown, as it will be published
    var body = fields.body.value;  // untrimmed, as the server renders it: indentation has meaning in Markdown
    $("preview-box").hidden = !body.trim();
    $("preview").innerHTML = Core.preview(body);
  }

  /* the text's length: a counter beside it (screen readers hear it only as it nears the limit, from a
     polite region of its own), and a message at the field when Post cannot send the text */
  var count = $("body-count"), limit = Number(count.getAttribute("data-limit")) || 20000, counted = -1;
  var serverSaid = fields.body.getAttribute("aria-describedby") === "error";  // the form came back refused
  function showCount() {
    var n = Core.length(fields.body.value), shown = Core.counter(n, limit);
    var news = counted < 0 ? null : Core.counterNews(counted, n, limit);
    counted = n;
    setText(count, shown.text);
    count.hidden = false;
    count.classList.toggle("over", shown.over);
    if (news) setText($("body-count-news"), news);
  }
  function showProblem(message) {
    var problem = $("body-problem");
    setText(problem, message);
    problem.hidden = !message;
    fields.body.setAttribute("aria-describedby", (message ? "body-problem " : serverSaid ? "error " : "") + "body-count");
    if (message) fields.body.setAttribute("aria-invalid", "true");
    else if (!serverSaid) fields.body.removeAttribute("aria-invalid");
  }
  function photoChosen() { return $("photo").files.length > 0; }
  /* a long text's preview waits for a pause in typing: rendering 20,000 characters on every key made the
     box lag (hundreds of ms a key on a phone); a short one is shown at once */
  var previewLater = 0;
  function bodyChanged() {
    clearTimeout(previewLater);
    if (fields.body.value.length > LONG_PREVIEW) previewLater = setTimeout(renderPreview, 400);
    else renderPreview();
    showCount();
    if (!$("body-problem").hidden) showProblem(Core.bodyProblem(fields.body.value, limit, photoChosen()));
  }

  /* the outbox: the list is rebuilt only when it changes, the countdown ticks on its own
     (outside the live region), and screen readers hear the summary only when it changes */
  function marked(item) { return Core.marked(item, editing, abandoned); }
  function moment() { return { online: navigator.onLine, sending: sending, nextTry: nextTry, now: Date.now() }; }
  function render() {
    var items = load();
    outboxBox.hidden = items.length === 0;
    var said = Core.outboxTexts(items.length, Core.outboxState(items, moment()), had);
    setText(summary, said.summary);
    if (said.news !== null) setText(news, said.news);
    had = items.length > 0;
    tick();
    var signature = JSON.stringify(items.map(function (i) {
      return [i.key, i.filed_at, i.data.headline, i.data.body, i.error, i.hold, marked(i)];
    }));
    if (signature !== shown) build(items);
    shown = signature;
    Array.prototype.forEach.call(list.children, function (li) {  // the post on its way cannot be touched
      var key = li.getAttribute("data-key");
      li.querySelector(".edit").disabled = key === inFlight || !!editing;
      li.querySelector(".discard").disabled = key === inFlight;
    });
  }
  function build(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = el("li", "outbox-item");
      li.setAttribute("data-key", item.key);
      li.appendChild(el("span", "when", I18n.format(gettext("filed %(time)s"), { time: Core.hhmm(item.filed_at) })));
      li.appendChild(el("span", "what", " " + Core.text(item.data.headline || item.data.body, 80)));
      if (marked(item)) li.appendChild(el("em", "", marked(item)));
      if (item.error) {
        var problem = el("p", "error", item.error), link = null;
        if (item.hold === "signin") {
          link = el("a", "", gettext("Sign in again"));
          link.href = Core.signInHref(slug);
        } else if (item.hold === "published" && item.published) {
          link = el("a", "", gettext("Correct the published update"));
          link.href = "/desk/" + slug + "/entries/" + item.published + "/correct";
        }
        if (link) {
          problem.appendChild(document.createTextNode(" "));
          problem.appendChild(link);
        }
        li.appendChild(problem);
      }
      var edit = el("button", "edit", gettext("Edit")); edit.type = "button";
      edit.addEventListener("click", function () { editItem(item.key); });
      var drop = el("button", "discard danger", gettext("Discard")); drop.type = "button";
      drop.addEventListener("click", function () { discard(item.key); });
      li.appendChild(edit); li.appendChild(drop);
      list.appendChild(li);
    });
  }
  function tick() { setText(countdown, Core.countdown(load(), moment())); }
  async function discard(key) {
    var item = find(key);
    if (!item || key === inFlight) return;
    if (!window.confirm(Core.discardQuestion(item))) return;
    if (key !== editing && !(await claim(key))) { say(gettext(Core.ELSEWHERE)); return; }
    remove(key);
    delete abandoned[key];
    if (key === editing) endEdit(); else letGo(key);
    render();
    forget(Core.waitingIn(JSON.stringify(item)));
  }
  async function editItem(key) {
    if (editing || key === inFlight || !find(key)) return;
    if (!(await claim(key))) { say(gettext(Core.ELSEWHERE)); return; }
    var item = find(key);
    if (editing || !item) { letGo(key); return; }
    saveDraft();  // the draft in the compose box is put aside, and comes back after
    editing = key;
    delete abandoned[key];
    change(key, function (i) { i.editing = true; });
    fill(item.draft || item.data);
    say(""); editMode(); render();
    fields.body.focus();
  }
  $("cancel-edit").addEventListener("click", function () {
    change(editing, function (i) { i.editing = false; delete i.draft; });
    var freed = endEdit();
    render();
    freed.then(flush);
  });

  function backoff() {
    var delay = Core.backoff(attempt, Math.random());
    attempt += 1;
    return delay;
  }
  function schedule(delay) {
    clearTimeout(timer);
    nextTry = Date.now() + delay;
    timer = setTimeout(flush, delay);
  }

  /* An update on the desk's list, with what this person may do to it, as the server's page does
     (model.may_correct): editors correct and withdraw any; anyone else only their own, known here by
     mine (the answer to their own post). The public stream says nobody's id, so an update arriving on
     it is mine only for an editor; one's own arriving there first gets its actions when the answer does. */
  function actionsFor(entry, mine) {
    var actions = el("p", "actions"), base = "/desk/" + slug;
    [[gettext("Correct"), base + "/entries/" + entry.id + "/correct", "button", true],
     [gettext("Supersede"), base + "?supersedes=" + entry.id + "#compose", "button supersede", false],
     [gettext("Withdraw"), base + "/entries/" + entry.id + "/withdraw", "button danger", true]].forEach(function (a) {
      if (a[3] && !mine) return;
      var link = el("a", a[2], a[0]); link.href = a[1];
      if (/supersede/.test(a[2])) link.setAttribute("data-id", entry.id);
      actions.appendChild(link);
    });
    return actions;
  }
  function addToList(entry, mine) {
    var ol = $("desk-entries"), empty = $("desk-empty"), known = $("desk-entry-" + entry.id);
    mine = mine || editor;
    if (empty) empty.remove();
    if (known) {
      var old = known.querySelector(".actions");
      if (mine && old && known.className === "published") known.replaceChild(actionsFor(entry, true), old);
      return;
    }
    var li = el("li", "published"); li.id = "desk-entry-" + entry.id;
    var line = el("p", "line");
    var t = el("time", "", entry.time_gmt); t.setAttribute("datetime", entry.published_at);
    line.appendChild(t);
    line.appendChild(document.createTextNode(" " + Core.text(entry.headline || entry.body, 120)));
    li.appendChild(line);
    li.appendChild(actionsFor(entry, mine));
    ol.insertBefore(li, ol.firstChild);
  }

  function send(key, body) {
    return call(stored.entries, { method: "POST", body: body,
                           headers: { "Content-Type": "application/json", "Idempotency-Key": key } });
  }
  function hold(key, kind, message) {
    change(key, function (i) { Core.hold(i, kind, message); });
  }
  function fresh(now) { return Core.identity(Core.randomKey(window.crypto), now, Core.offsetOf(clock), started); }

  /* A 409 for the key: an earlier version of this post reached the server (its answer was lost)
     before it was edited. That version, sent again under the key, is answered with the entry it
     made. The edit is kept in the outbox, to be posted as a new update or dropped. */
  async function publishedFirst(item, body) {
    var first = null, earlier = Core.earlierVersions(find(item.key) || item, body);
    for (var n = 0; n < earlier.length && !first; n++) {
      try {
        var r = await send(item.key, earlier[n]), answer = await jsonOf(r);
        if (r.ok && answer && answer.id) first = answer;
      } catch (e) { break; }  // offline again: the entry is on the desk's list after a reload
    }
    if (first) addToList(first, true);
    change(item.key, function (i) { Core.publishedFirst(i, first); });
  }

  function upload(blob, name, caption) {
    var fd = new FormData();
    fd.append("file", blob, name);
    fd.append("caption", caption);
    return call("/api/media", { method: "POST", body: fd }, PHOTO_PATIENCE);
  }
  /* an answer other than success: the post is held for the person (0), or how long to wait */
  function trouble(item, r, answer, what) {
    var v = Core.verdict(r.status, r.ok, answer, what, r.headers.get("retry-after"));
    if (!v.hold) return Math.max(backoff(), v.wait);
    hold(item.key, v.hold, v.message);
    return 0;
  }
  /* a photo the post names as waiting goes up first, and the post then names its address; true
     when it did, else how long to wait (0: held for the person) */
  async function sendPhoto(item, id) {
    var photo;
    try { photo = await photoStore("readonly", function (store) { return store.get(id); }); }
    catch (e) { return backoff(); }  // the phone's storage failed this once
    if (!photo) {
      hold(item.key, "refused", gettext(Core.PHOTO_GONE));
      return 0;
    }
    var r;
    try { r = await upload(photo.blob, photo.name, photo.caption); } catch (e) { return backoff(); }
    var answer = await jsonOf(r);
    if (!(r.ok && answer && answer.url)) return trouble(item, r, answer, gettext("a waiting photo"));
    change(item.key, function (i) { i.data.body = Core.placed(i.data.body, id, answer.url); });
    forget([id]);
    return true;
  }

  async function sendOne(item) {
    for (var id = Core.waitingIn(item.data.body)[0]; id; id = Core.waitingIn(item.data.body)[0]) {
      var up = await sendPhoto(item, id);
      if (up !== true) return up;
      item = find(item.key);
      if (!item) return 0;  // discarded meanwhile by a tab that could not wait for the lock
    }
    var body = Core.payload(item, addressPattern), r;
    change(item.key, function (i) { Core.recordSent(i, body); });
    try { r = await send(item.key, body); } catch (e) { return backoff(); }
    var answer = await jsonOf(r), next = Core.afterSend(r.status, r.ok, answer, item);
    if (next === "sent") { remove(item.key); delivered(answer); attempt = 0; return 0; }
    if (next === "restamp") {
      change(item.key, function (i) { Core.restamp(i, Date.now(), Core.offsetOf(clock), started); });
      return 0;
    }
    if (next === "published-first") {
      await publishedFirst(item, body);
      return 0;
    }
    return trouble(item, r, answer, "");
  }
  /* the first post ready to go that no other tab holds, read afresh once its lock is held: one
     discarded or taken into a compose box meanwhile is not sent */
  async function claimNext(busy) {
    for (;;) {
      var next = Core.nextReady(load(), busy);
      if (!next) return null;
      if (!(await claim(next.key))) { busy.push(next.key); continue; }
      var item = find(next.key);
      if (item && Core.sendable(item)) return item;
      await letGo(next.key);
    }
  }
  async function flush() {
    if (sending) return;
    clearTimeout(timer);
    sending = true;
    var wait = 0, busy = [];
    try {
      for (;;) {
        var item = await claimNext(busy);
        if (!item) break;
        inFlight = item.key; render();
        try { wait = await sendOne(item); } finally { inFlight = null; await letGo(item.key); }
        if (wait) break;
      }
    } catch (e) {
      wait = backoff();
    } finally {
      sending = false;
    }
    if (!wait && busy.some(find)) {
      wait = Core.OTHER_TAB;  // on its way from another tab: looked at again in case that tab is closed
    }
    if (wait) schedule(wait); else nextTry = 0;
    render();
  }

  /* Post: a text that cannot go is refused at the field; a photo chosen but not added goes with the update
     (added first, as Add photo does); if it cannot, the update waits and the photo's message says why */
  var adding = false;
  async function submit(draft) {
    var problem = Core.bodyProblem(fields.body.value, limit, photoChosen());
    if (!problem && photoChosen()) {
      adding = true;
      try {
        if (!(await addPhoto())) { $("photo").focus(); return; }
      } finally { adding = false; }
      problem = Core.bodyProblem(fields.body.value, limit, false);
    }
    showProblem(problem);
    if (problem) { fields.body.focus(); return; }
    var original = Core.originalProblem(fields.translation_of.value, addressPattern);
    setText($("translation_of-problem"), original);
    $("translation_of-problem").hidden = !original;
    if (original) { fields.translation_of.setAttribute("aria-invalid", "true"); fields.translation_of.focus(); return; }
    fields.translation_of.removeAttribute("aria-invalid");
    var data = typed();
    if (draft) data.draft = true;
    post(data);
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!adding) submit(!!(ev.submitter && ev.submitter.name === "draft"));
  });
  function post(data) {
    var now = Date.now(), freed = Promise.resolve();
    if (editing && find(editing)) {  // same key and filed_at: if the first send did arrive, the server says so
      change(editing, function (i) { Core.resubmit(i, data, fresh(now)); });
      freed = endEdit();
    } else if (editing) {  // sent or discarded in another tab meanwhile: kept, and not sent unasked
      save(load().concat([Core.heldAsNew(Object.assign(fresh(now), { data: data }), "gone", gettext(Core.GONE))]));
      freed = endEdit();
    } else {
      save(load().concat([Object.assign(fresh(now), { data: data })]));
      localStorage.removeItem(DRAFT);
      form.reset();
      fill({});
    }
    say("");
    attempt = 0;
    render();
    freed.then(flush);
  }
  form.addEventListener("input", function () { saveDraft(); bodyChanged(); });

  /* Supersede: tick the entry in the picker instead of reloading the page */
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.supersede");
    if (!link) return;
    var box = form.querySelector("input[name=supersedes][value='" + link.getAttribute("data-id") + "']");
    if (!box) return;
    ev.preventDefault();
    box.checked = true;
    saveDraft();
    form.querySelector("details.supersedes").open = true;
    fields.body.focus();
    form.scrollIntoView();
  });

  /* photos: checked and shrunk on the phone (a 2G upload is slow and a cut one is lost),
     then uploaded at once (they need the network) and placed in the text as Markdown.
     The server still decodes, re-encodes and strips every photo: it is the boundary. */
  var photoBox = $("photo-box"), maxBytes = Number(photoBox.getAttribute("data-max-bytes")) || 0;
  photoBox.hidden = false;
  async function shrink(file, always) {  // always: redrawn even when small enough, which drops its metadata
    if (!window.createImageBitmap || !Core.drawable(file.type)) return file;
    try {
      var image = await createImageBitmap(file);  // turned upright by its EXIF orientation
      var scale = Core.fitScale(image.width, image.height, always);
      if (scale === null) { image.close(); return file; }
      var canvas = el("canvas");
      canvas.width = Math.round(image.width * scale); canvas.height = Math.round(image.height * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      image.close();
      var blob = await new Promise(function (done) { canvas.toBlob(done, "image/jpeg", 0.85); });
      return blob && (always || blob.size < file.size) ? blob : file;
    } catch (e) { return file; }  // a format this browser cannot draw: the server decides
  }
  var offlineSaid = "";  // "No connection: the photo waits…", said until the connection is back
  function place(markdown, message, offline) {
    fields.body.value = Core.appended(fields.body.value, markdown);
    $("photo").value = ""; $("caption").value = "";
    $("photo-status").textContent = message;
    offlineSaid = offline ? message : "";
    saveDraft(); bodyChanged();
  }
  /* a refused photo leaves the picker: kept, it would go with the next update and hold it (or stop it) again */
  function refusePhoto(message) {
    $("photo").value = "";
    $("photo-status").textContent = message;
    offlineSaid = "";
    return false;
  }
  window.addEventListener("online", function () {
    if (offlineSaid && $("photo-status").textContent === offlineSaid) $("photo-status").textContent = "";
    offlineSaid = "";
  });
  /* true once the chosen photo is in the text (uploaded, or waiting on the phone); else its status says why */
  async function addPhoto() {
    var file = $("photo").files[0], status = $("photo-status"), caption = $("caption").value;
    if (!file) { status.textContent = gettext("Choose a photo first."); return false; }
    if (maxBytes && file.size > maxBytes) {
      return refusePhoto(I18n.format(gettext("This photo is %(size)s; the limit is %(limit)s. Choose a smaller one."),
                                     { size: Core.megabytes(file.size), limit: Core.megabytes(maxBytes) }));
    }
    status.textContent = gettext("Preparing…");
    var shrunk = await shrink(file);
    function nameOf(blob) { return blob === file ? file.name : "photo.jpg"; }  // a redrawn photo is a JPEG
    if (navigator.onLine) {
      status.textContent = gettext("Uploading…");
      try {
        var r = await upload(shrunk, nameOf(shrunk), caption), j = await jsonOf(r);
        if (r.ok && j && j.markdown) {
          place(j.markdown, gettext("Photo added (location and camera details removed)."));
          return true;
        }
        if (Core.photoRefused(r.status, j)) {
          return refusePhoto(I18n.format(gettext("Refused: %(what)s%(error)s."), { what: "", error: Core.refusal(j) }));
        }
      } catch (e) { /* no connection after all: it waits on the phone */ }
    }
    if (shrunk === file) {  // a photo kept on the phone should not say where it was taken, should the phone be taken
      shrunk = await shrink(file, true);
    }
    var id = Core.randomKey(window.crypto);
    try {
      await photoStore("readwrite", function (store) {
        return store.put({ blob: shrunk, name: nameOf(shrunk), caption: caption, at: Date.now() }, id);
      });
    } catch (e) {
      status.textContent = gettext("Could not upload, and this phone would not keep the photo (storage full?). "
        + "Try again when online.");
      return false;
    }
    place(Core.waitingMarkdown(caption, id), gettext("No connection: the photo waits on this phone and goes "
      + "with the update (its location and camera details are removed when it arrives)."), true);
    return true;
  }
  $("add-photo").addEventListener("click", function () { addPhoto(); });

  /* open from the phone's cache when offline (see desk-sw.js); forget it on sign-out */
  if (navigator.serviceWorker && window.caches) {
    navigator.serviceWorker.register("/desk/sw.js", { scope: "/desk/" }).then(function () {
      if (navigator.serviceWorker.controller) return;  // already cached by the worker itself
      var assets = Array.prototype.map.call(document.querySelectorAll("link[rel=stylesheet], script[src]"),
        function (e) { return e.href || e.src; }).concat([document.documentElement.getAttribute("data-catalog")]);
      return caches.open("liveblog-desk-v1").then(function (c) { return c.addAll([location.pathname].concat(assets)); });
    }).catch(function () { /* no offline copy: the outbox still works while the page is open */ });
    var out = document.querySelector("form[action='/logout']");
    if (out) out.addEventListener("submit", function () { caches.delete("liveblog-desk-v1"); });
  }

  /* back from signing in (on this page or another tab): what waited for it goes now */
  function resume() {
    save(Core.releaseSignedOut(load())); attempt = 0; render();
    sync().catch(function () { /* offline: the outbox waits */ }).then(flush);
  }
  window.addEventListener("online", function () { attempt = 0; flush(); });
  window.addEventListener("offline", render);
  window.addEventListener("storage", function (ev) { if (ev.key === OUTBOX) render(); });  // another tab's doing
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && Core.waitsForSignIn(load())) resume();
  });
  /* what became of a sent update, said where the person is looking: published (and on the list), sent to
     the editors' queue, or kept as a draft (both then appear in the queue's part, which follows by itself) */
  function delivered(answer) {
    if (answer.status === "queued" || answer.status === "draft") {
      say(answer.status === "queued" ? gettext("Sent to the editor") : gettext("Saved as draft"));
      return;
    }
    addToList(answer, true);
    say(I18n.format(gettext("Published %(time)s"), { time: answer.time_gmt }));
  }

  /* the desk follows the blog through the readers' stream: others' updates join the list and the
     Supersedes picker, withdrawn ones lose their actions; nothing private travels on it */
  function addToPicker(entry) {
    var details = form.querySelector("details.supersedes");
    if (!details || form.querySelector("input[name=supersedes][value='" + entry.id + "']")) return;
    var none = details.querySelector("p");
    if (none) none.remove();
    var label = el("label", "toggle"), box = el("input");
    box.type = "checkbox"; box.name = "supersedes"; box.value = String(entry.id);
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + entry.time_gmt + " · " + Core.text(entry.headline || entry.body, 60)));
    details.insertBefore(label, details.querySelector("summary").nextSibling);
  }
  function followBlog() {
    var ol = $("desk-entries");
    if (!window.EventSource || !ol) return;
    var es = new EventSource("/blogs/" + encodeURIComponent(slug) + "/events?since=" + (ol.getAttribute("data-since") || "0"));
    es.addEventListener("entry.created", function (ev) {
      var d = JSON.parse(ev.data);
      addToList(d, false); addToPicker(d);
    });
    es.addEventListener("entry.retracted", function (ev) {
      var d = JSON.parse(ev.data), li = $("desk-entry-" + d.id);
      if (!li) return;
      li.className = "retracted";
      var actions = li.querySelector(".actions");
      if (actions) actions.remove();
      var box = form.querySelector("input[name=supersedes][value='" + d.id + "']");
      if (box && box.parentNode) box.parentNode.remove();
    });
  }

  setInterval(tick, 1000);
  followBlog();
  restoreDraft();
  bodyChanged();
  sweepPhotos();
  resume();
  /* the catalog came after the first render: the compose box's words again (its counter and preview too), in theirs */
  /* and the outbox's, which render() rebuilds only when it changes */
  I18n.ready.then(function () { shown = null; editMode(); render(); bodyChanged(); });
})();
