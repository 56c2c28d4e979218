/* Liveblog reader: keeps a blog's first page live. No framework; the page works without it.
 * One tab per blog holds the EventSource (a Web Lock) and passes events to the others
 * through a BroadcastChannel, so many open tabs never exhaust the browser's six connections.
 * Every change is applied idempotently (by entry id and revision), so replays and
 * out-of-order delivery between tabs cannot duplicate or reorder entries. */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.EventSource || !window.JSON) return;
  var $ = function (id) { return document.getElementById(id); };
  var slug = root.getAttribute("data-slug");
  var lastId = parseInt(root.getAttribute("data-last-event-id"), 10) || 0;
  var list = $("entries"), statusEl = $("status"), button = $("new-updates"), announcer = $("announce");
  var ended = root.getAttribute("data-status") === "ended";
  var pending = {}, pendingCount = 0, unread = 0, baseTitle = document.title;
  var es = null, retries = 0, timer = 0, leader = false, state = "", hiddenAt = 0, AWAY = 60000;
  var tabId = Math.random().toString(36).slice(2);
  var chan = window.BroadcastChannel && navigator.locks ? new BroadcastChannel("liveblog:" + slug) : null;
  var buffer = [], covered = lastId, BUFFER = 300, filling = false, held = [];
  // entry.linked: an entry shown again because an entry of another blog it is linked with by translation changed
  var KINDS = ["entry.created", "entry.corrected", "entry.retracted", "entry.linked", "blog.updated", "reset"];
  var gettext = I18n.gettext, ngettext = I18n.ngettext, format = I18n.format;
  function labels() {
    return { live: gettext("Live"), reconnecting: gettext("Reconnecting\u2026"), offline: gettext("Offline") };
  }

  function setConn(s) {
    state = s;
    if (leader && chan) chan.postMessage({ t: "state", s: s });
    statusEl.setAttribute("title", format(gettext("Connection: %(state)s"), { state: labels()[s] }));
    if (ended) return;
    statusEl.textContent = labels()[s];
    statusEl.className = "status " + s;
  }

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content.firstElementChild;
  }

  /* Every copy of an entry: the list's, the pinned slot's, and one still waiting behind the button. */
  function articles(id) {
    var els = [].slice.call(document.querySelectorAll('article[data-id="' + id + '"]'));
    if (pending[id]) els.push(pending[id]);
    return els;
  }

  /* "5 min ago" beside each time, and the reader's own local time as its title. */
  function ago(iso) {
    var min = Math.floor((Date.now() - Date.parse(iso)) / 60000);
    if (min < 1) return gettext("just now");
    if (min < 60) return I18n.ago(min, "minute");
    if (min < 1440) return I18n.ago(Math.floor(min / 60), "hour");
    return "";
  }

  function decorate(scope) {
    var times = scope.querySelectorAll(".entry .time time, #latest time");
    for (var i = 0; i < times.length; i++) {
      var t = times[i], iso = t.getAttribute("datetime");
      if (!iso) continue;
      t.title = I18n.localTime(new Date(iso));
      var link = t.parentNode, span = link.nextElementSibling;
      if (!link.classList.contains("time")) continue;
      if (!span || !span.classList.contains("ago")) {
        span = document.createElement("span");
        span.className = "ago";
        link.parentNode.insertBefore(span, link.nextSibling);
      }
      span.textContent = ago(iso);
    }
  }

  function label(d, el) {
    var body = el.querySelector(".body");
    var text = d.headline || (body ? body.textContent.replace(/\s+/g, " ").trim() : "");
    return text.length > 90 ? text.slice(0, 89) + "\u2026" : text;
  }

  function say(text) {
    announcer.textContent = text;
  }

  function insert(el) {
    var id = +el.getAttribute("data-id"), kids = list.children;
    for (var i = 0; i < kids.length; i++) {
      if (+kids[i].getAttribute("data-id") < id) return list.insertBefore(el, kids[i]);
    }
    list.appendChild(el);
  }

  function scrolledDown() {
    return list.getBoundingClientRect().top < 0;
  }

  function showButton() {
    button.textContent = format(ngettext("%(n)s new update", "%(n)s new updates", pendingCount), { n: pendingCount });
    button.hidden = pendingCount === 0;
  }

  function flush(focus) {
    var ids = Object.keys(pending).map(Number).sort(function (a, b) { return b - a; });
    ids.forEach(function (id) { insert(pending[id]); });
    pending = {};
    pendingCount = 0;
    showButton();
    if (focus && ids.length) {
      var first = $("entry-" + ids[0]);
      list.scrollIntoView();
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: true });
    }
  }

  /* "Superseded by the 13:05 GMT update, the 13:10 GMT update and the 13:20 GMT update": the links in id
   * order and the words between them as the server's _entry.html writes them, so a reload reads the same. */
  function markSuperseded(d) {
    var href = "/blogs/" + slug + "/entries/" + d.id;
    var num = function (a) { return +a.getAttribute("href").split("/").pop(); };
    (d.supersedes || []).forEach(function (old) {
      articles(old).forEach(function (el) {
        var p = el.querySelector(".superseded-by"), links = p ? [].slice.call(p.querySelectorAll("a")) : [];
        if (links.some(function (a) { return a.getAttribute("href") === href; })) return;
        var a = document.createElement("a");
        a.href = href;
        a.textContent = format(gettext("the %(time)s update"), { time: d.time_gmt });
        links.push(a);
        links.sort(function (x, y) { return num(x) - num(y); });
        if (!p) {
          p = document.createElement("p");
          p.className = "superseded-by";
          el.insertBefore(p, el.querySelector(".supersedes, .translation-of, .translations, .filed"));
        }
        p.textContent = gettext("Superseded by") + " ";
        links.forEach(function (link, i) {
          if (i) p.appendChild(document.createTextNode(i === links.length - 1 ? " " + gettext("and") + " " : ", "));
          p.appendChild(link);
        });
        el.classList.add("superseded");
      });
    });
  }

  function updateKeyEvents(d, el) {
    var nav = $("key-events"), item = nav.querySelector('li[data-key="' + d.id + '"]');
    if (d.status === "retracted" || !d.key_event) {
      if (item) item.parentNode.removeChild(item);
      nav.hidden = !nav.querySelector("li");
      return;
    }
    var li = document.createElement("li"), a = document.createElement("a"), t = document.createElement("time");
    li.setAttribute("data-key", d.id);
    a.href = $("entry-" + d.id) ? "#entry-" + d.id : "/blogs/" + slug + "/entries/" + d.id;
    t.setAttribute("datetime", d.published_at);
    t.textContent = d.time_gmt;
    a.appendChild(t);
    a.appendChild(document.createTextNode(" " + label(d, el)));
    li.appendChild(a);
    var ol = nav.querySelector("ol");
    if (item) ol.replaceChild(li, item);
    else ol.insertBefore(li, ol.firstElementChild);
    nav.hidden = false;
  }

  function updatePinned(d, el) {
    var box = $("pinned"), current = box.querySelector("article");
    var mine = current && +current.getAttribute("data-id") === d.id;
    if (d.pinned && d.status !== "retracted") {
      var copy = el.cloneNode(true);
      copy.removeAttribute("id");
      if (current) box.replaceChild(copy, current);
      else box.appendChild(copy);
      box.hidden = false;
    } else if (mine) {
      box.removeChild(current);
      box.hidden = true;
    }
  }

  function updateLatest(d) {
    var latest = $("latest"), t = latest.querySelector("time"), seen = t.getAttribute("datetime");
    if (seen && Date.parse(seen) >= Date.parse(d.published_at)) return;
    t.setAttribute("datetime", d.published_at);
    t.textContent = d.time_gmt;
    latest.hidden = false;
  }

  function upsert(d, created) {
    var el = fragment(d.html), old = $("entry-" + d.id) || pending[d.id];
    if (!el) return;
    if (old && +old.getAttribute("data-revision") > d.revision) return;
    decorate(el);
    if (old) {
      if (pending[d.id]) pending[d.id] = el;
      else old.parentNode.replaceChild(el, old);
    } else if (created) {
      $("empty").hidden = true;
      el.classList.add("fresh");
      if (scrolledDown()) {
        pending[d.id] = el;
        pendingCount++;
        showButton();
      } else {
        if (pendingCount) flush(false);
        insert(el);
      }
      say(format(gettext("New update %(time)s: %(text)s"), { time: d.time_gmt, text: label(d, el) }));
      if (document.hidden) {
        unread++;
        document.title = "(" + unread + ") " + baseTitle;
      }
      updateLatest(d);
    }
    markSuperseded(d);
    updateKeyEvents(d, el);
    updatePinned(d, el);
  }

  function blogUpdated(b) {
    $("title").textContent = b.title;
    var summary = $("summary");
    summary.textContent = b.summary;
    summary.hidden = !b.summary;
    baseTitle = b.title;
    document.title = unread ? "(" + unread + ") " + baseTitle : baseTitle;
    ended = b.status === "ended";
    root.setAttribute("data-status", b.status);
    if (ended) {
      statusEl.textContent = gettext("Ended");
      statusEl.className = "status ended";
    } else if (state) {
      setConn(state);
    }
  }

  function handle(kind, id, d) {
    if (kind === "reset") {
      if (!id || id > lastId) location.reload();
      return;
    }
    if (id > lastId) lastId = id;
    if (kind === "blog.updated") blogUpdated(d);
    else upsert(d, kind === "entry.created");
  }

  /* The stream's events in order, each once. A tier in front of the origin (nchan) numbers its
   * messages its own way, resends recent ones to a new connection and may have lost some: the
   * blog's own number travels in the data as seq, so seen events are skipped and a jump is
   * filled from the origin's log before anything newer is shown. */
  function onStream(ev) {
    var d = JSON.parse(ev.data), id = d.seq || parseInt(ev.lastEventId, 10) || 0;
    if (filling || (ev.type !== "reset" && id > lastId + 1)) {
      held.push({ k: ev.type, id: id, d: d });
      if (!filling) fill();
      return;
    }
    deliver(ev.type, id, d);
  }

  function deliver(kind, id, d) {
    if (kind !== "reset" && id <= lastId) return;
    handle(kind, id, d);
    if (leader && chan) {
      buffer.push({ k: kind, id: id, d: d });
      if (buffer.length > BUFFER) covered = buffer.shift().id;
      chan.postMessage({ t: "event", k: kind, id: id, d: d });
    }
  }

  function fill() {
    filling = true;
    var stop = new AbortController();  /* a silent dead connection must not hold the events back for good */
    setTimeout(function () { stop.abort(); }, 15000);
    fetch("/api/blogs/" + encodeURIComponent(slug) + "/events?limit=100&since=" + lastId, { signal: stop.signal })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (page) {
        page.events.forEach(function (e) { deliver(e.event, e.id, e.data); });
        if (page.next_since) return fill();
        var later = held;
        filling = false;
        held = [];
        later.forEach(function (e) { deliver(e.k, e.id, e.d); });
      }, function () {
        filling = false;
        held = [];
        schedule(); /* a fresh connection shows the gap again, and it is filled then */
      });
  }

  function connect() {
    clearTimeout(timer);
    if (es) es.close();
    es = new EventSource("/blogs/" + encodeURIComponent(slug) + "/events?since=" + lastId);
    es.onopen = function () {
      retries = 0;
      setConn("live");
    };
    es.onerror = function () {
      /* CLOSED: the browser gave up (a 502/503/204), so only we can bring it back. */
      if (es.readyState === 2) schedule();
      else setConn(navigator.onLine === false ? "offline" : "reconnecting");
    };
    KINDS.forEach(function (k) { es.addEventListener(k, onStream); });
  }

  function schedule() {
    if (es) es.close();
    setConn(navigator.onLine === false ? "offline" : "reconnecting");
    var delay = Math.min(60000, 1000 * Math.pow(2, retries++)) * (0.5 + Math.random());
    clearTimeout(timer);
    timer = setTimeout(connect, delay);
  }

  function fromChannel(m) {
    if (m.t === "hello" && leader) {
      if (m.since < covered) return chan.postMessage({ t: "gap", to: m.from });
      var missed = buffer.filter(function (e) { return e.id > m.since; });
      return chan.postMessage({ t: "replay", to: m.from, events: missed, s: state });
    }
    if (es || (m.to && m.to !== tabId)) return; /* this tab follows the stream itself, or not for us */
    if (m.t === "event") handle(m.k, m.id, m.d);
    else if (m.t === "state") setConn(m.s);
    else if (m.t === "replay") {
      m.events.forEach(function (e) { handle(e.k, e.id, e.d); });
      if (m.s) setConn(m.s);
    } else if (m.t === "gap") connect(); /* the leader cannot fill our gap */
  }

  button.addEventListener("click", function () { flush(true); });
  /* back at the top with updates waiting: they take their place, and the button goes */
  window.addEventListener("scroll", function () {
    if (pendingCount && !scrolledDown()) flush(false);
  }, { passive: true });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      hiddenAt = Date.now();
      return;
    }
    if (unread) {
      unread = 0;
      document.title = baseTitle;
    }
    /* A laptop asleep or a phone in a pocket can hold a connection that died without a word, and an
     * EventSource never shows the heartbeats: after a while away, open a fresh one from the last id. */
    if (es && hiddenAt && Date.now() - hiddenAt > AWAY) {
      retries = 0;
      connect();
    }
    hiddenAt = 0;
  });
  window.addEventListener("offline", function () { if (es) setConn("offline"); });
  window.addEventListener("online", function () {
    if (es) {
      retries = 0;
      connect(); /* a fresh connection, from the last id rendered: the old one may be dead */
    }
  });
  decorate(document);
  I18n.ready.then(function () { decorate(document); if (state) setConn(state); });
  setInterval(function () { decorate(document); }, 30000);

  if (chan) {
    chan.onmessage = function (e) { fromChannel(e.data); };
    chan.postMessage({ t: "hello", from: tabId, since: lastId });
    navigator.locks.request("liveblog:" + slug, function () {
      leader = true;
      covered = lastId;
      if (!es) connect();
      return new Promise(function () {}); /* held until this tab goes away */
    });
  } else {
    connect();
  }
})();
