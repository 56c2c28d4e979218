/* Liveblog: checks what this page shows against the site's signature, and says "Signed by <fingerprint>" only
 * when every part holds: the head's Ed25519 signature (WebCrypto), the hash chain from the first event to the
 * head, each payload against its salted digest, and every entry shown against the log's last word on it.
 * Otherwise it says nothing. Mirrors liveblog/signing.py (canonical bytes, digests, hashes) and the page check
 * of liveblog/verify.py. A mirror carries its log in the page (#chain); the live page reads it,
 * once the page is idle, from /api/blogs/{slug}/log. */
(function () {
  "use strict";
  var out = document.getElementById("signed"), shown = document.getElementById("fingerprint");
  var subtle = window.crypto && window.crypto.subtle;
  if (!out || !shown || !subtle || !window.TextEncoder || !window.fetch) return;
  var GENESIS = new Array(44).join("A");
  var utf8 = function (s) { return new TextEncoder().encode(s); };

  function canonical(v) {
    if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
    if (v && typeof v === "object") {
      return "{" + Object.keys(v).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(v[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(v);
  }
  function bytesOf(hex) {
    var b = new Uint8Array(hex.length / 2);
    for (var i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(i * 2, 2), 16);
    return b;
  }
  function sha256(text) { return subtle.digest("SHA-256", utf8(text)).then(function (d) { return new Uint8Array(d); }); }
  function b64url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function hash(text) { return sha256(text).then(b64url); }
  function fingerprint(keyHex) {
    return subtle.digest("SHA-256", bytesOf(keyHex)).then(function (d) {
      var hex = Array.prototype.map.call(new Uint8Array(d), function (x) {
        return ("0" + x.toString(16)).slice(-2);
      }).join("").slice(0, 40).toUpperCase();
      return hex.match(/.{4}/g).join(" ");
    });
  }
  function norm(s) { return (s || "").split(/\s+/).filter(Boolean).join(" "); }
  function textOf(html) { return new DOMParser().parseFromString(html || "", "text/html").body.textContent; }

  function headSigned(head) {
    var bytes = utf8(canonical({ domain: "liveblog-head/1", blog: head.blog, seq: head.seq, hash: head.hash,
                                 time: head.time }));
    return subtle.importKey("raw", bytesOf(head.key), { name: "Ed25519" }, false, ["verify"]).then(function (key) {
      return subtle.verify({ name: "Ed25519" }, key, bytesOf(head.sig), bytes);
    });
  }

  /* The entries as the signed log last has them, or a rejection when any event fails. */
  function chain(head, log) {
    var upto = log.filter(function (r) { return r.seq <= head.seq; }), entries = {}, withdrawn = {};
    upto.forEach(function (r) { if (r.kind === "entry.retracted" && r.salt) withdrawn[r.entry_id] = r.payload; });
    var step = Promise.resolve(GENESIS);
    upto.forEach(function (r, n) {
      step = step.then(function (prev) {
        if (r.seq !== n + 1) throw new Error("order");
        var payload = r.salt ? hash(r.salt + "\n" + canonical(r.payload)) : Promise.resolve(null);
        return payload.then(function (digest) {
          if (r.salt ? digest !== r.digest : !(r.entry_id in withdrawn) ||
              canonical(r.payload) !== canonical(withdrawn[r.entry_id])) throw new Error("payload");
          return hash(canonical({ domain: "liveblog-event/1", prev: prev, blog: head.blog, seq: r.seq, kind: r.kind,
                                  entry_id: r.entry_id, at: r.at, digest: r.digest }));
        }).then(function (h) {
          if (h !== r.hash) throw new Error("hash");
          if (r.entry_id !== null) entries[r.entry_id] = r.payload;
          return h;
        });
      });
    });
    return step.then(function (last) {
      if (upto.length !== head.seq || last !== head.hash) throw new Error("head");
      return entries;
    });
  }

  function texts(article, selector) {
    return Array.prototype.map.call(article.querySelectorAll(selector), function (el) { return norm(el.textContent); });
  }
  /* a note is its time and the newsroom's words; its <strong> label ("Corrected 10:37 GMT:") may be translated */
  function noted(article, selector, expected) {
    var found = article.querySelectorAll(selector);
    return found.length === expected.length && Array.prototype.every.call(found, function (el, i) {
      var label = el.querySelector("strong"), words = Array.prototype.filter.call(el.childNodes, function (n) {
        return n !== label;
      }).map(function (n) { return n.textContent; }).join("");
      return !!label && label.textContent.indexOf(expected[i][0]) >= 0 && norm(words) === norm(expected[i][1]);
    });
  }
  /* each entry's [supersedes, superseded_by]: a later entry says it supersedes this one in its own event only */
  function supersession(entries) {
    var later = {}, links = {}, add = function (id, other) {
      later[id] = later[id] || [];
      if (later[id].indexOf(other) < 0) later[id].push(other);
    };
    Object.keys(entries).forEach(function (id) {
      (entries[id].superseded_by || []).forEach(function (o) { add(id, o); });
      (entries[id].supersedes || []).forEach(function (t) { add(String(t), Number(id)); });
    });
    Object.keys(entries).forEach(function (id) {
      links[id] = [entries[id].supersedes || [], (later[id] || []).sort(function (x, y) { return x - y; })];
    });
    return links;
  }
  function linked(article, selector, ids, entries, p) {
    var lines = article.querySelectorAll(selector);
    if (!ids.length) return lines.length === 0;
    var found = lines.length === 1 ? Array.prototype.slice.call(lines[0].querySelectorAll("a")) : [];
    return found.length === ids.length && found.every(function (a, i) {
      var m = /(?:entries\/|#entry-)(\d+)$/.exec(a.getAttribute("href") || ""), other = ids[i];
      var time = entries[other] ? entries[other].time_gmt : ((p.refs || {})[other] || {}).time_gmt;
      return !!m && Number(m[1]) === other && (!time || a.textContent.indexOf(time) >= 0);
    });
  }
  function matches(article, p, entries, links) {
    var gone = p.retracted, corrections = gone ? [] : p.corrections, time = article.querySelector("time");
    var heading = article.querySelector(":scope > header > h3, :scope > header > h2");
    var generated = !heading || heading.classList.contains("vh") || !norm(heading.textContent);
    var headline = p.headline ? !generated && norm(heading.textContent) === norm(p.headline) : generated;
    var expected = {
      time: [p.published_at], body: gone ? [] : [norm(textOf(p.body_html))],
      previous: corrections.map(function (c) { return norm(textOf(c.previous_body_html)); })
    };
    var found = {
      time: [time && time.getAttribute("datetime")], body: texts(article, ":scope > .body"),
      previous: texts(article, ":scope > .correction .previous")
    };
    var own = links[article.getAttribute("data-id")] || [[], []];
    return headline &&
      noted(article, ":scope > .correction > .note", corrections.map(function (c) { return [c.time_gmt, c.note]; })) &&
      noted(article, ":scope > .tombstone", gone ? [[gone.time_gmt, gone.note]] : []) &&
      linked(article, ":scope > .supersedes", own[0], entries, p) &&
      linked(article, ":scope > .superseded-by", own[1], entries, p) &&
      ["time", "body", "previous"].every(function (k) { return canonical(found[k]) === canonical(expected[k]); });
  }

  function check(data) {
    var head = data.head;
    return headSigned(head).then(function (ok) {
      if (!ok) throw new Error("signature");
      return Promise.all([fingerprint(head.key), chain(head, data.log)]);
    }).then(function (done) {
      var articles = document.querySelectorAll("article[data-id]"), links = supersession(done[1]);
      Array.prototype.forEach.call(articles, function (a) {
        var p = done[1][a.getAttribute("data-id")];
        if (!p || !matches(a, p, done[1], links)) throw new Error("entry " + a.getAttribute("data-id"));
      });
      if (done[0] !== norm(shown.textContent)) throw new Error("fingerprint");
      /* the words come with the page, in its language (a mirror has no catalog for scripts) */
      out.textContent = out.getAttribute("data-says") || "Signed by " + done[0];
      out.hidden = false;
      out.setAttribute("data-checked", "signed");
    });
  }

  /* the live page's log, read page by page from /api/blogs/{slug}/log: the mirror's records without the
     rendered html, full pages kept by the browser (ETag); the last page carries the head signed at its end */
  function fetchLive(slug) {
    var log = [];
    function more(since) {
      return fetch("/api/blogs/" + slug + "/log?since=" + since).then(function (r) {
        if (!r.ok) throw new Error("log");
        return r.json();
      }).then(function (page) {
        log = log.concat(page.log);
        return page.next_since === null ? { head: page.head, log: log } : more(page.next_since);
      });
    }
    return more(0);
  }
  function failed() { out.hidden = true; out.setAttribute("data-checked", "failed"); }
  function run(read) {
    var data;
    try { data = read(); } catch (e) { return failed(); }
    data.then(check).catch(failed);
  }

  /* Not before the page has loaded and the reader's device is idle: the check must not compete with the first
     paint or the live stream. A reader saving data, or on a 2G connection, is offered it instead. */
  function whenIdle(task) {
    var go = function () {
      if (window.requestIdleCallback) window.requestIdleCallback(task, { timeout: 5000 });
      else setTimeout(task, 1000);
    };
    if (document.readyState === "complete") go(); else window.addEventListener("load", go);
  }
  function sparing() {
    var c = navigator.connection;
    return !!c && (c.saveData === true || c.effectiveType === "2g" || c.effectiveType === "slow-2g");
  }
  function offer(task) {
    var button = document.createElement("button"), i18n = window.I18n;
    var gettext = i18n ? i18n.gettext : function (msgid) { return msgid; };
    var label = function () { button.textContent = gettext("Check the signature"); };
    button.type = "button";
    button.id = "check-signature";
    button.className = "check-signature";
    label();
    if (i18n) i18n.ready.then(label);
    button.addEventListener("click", function () { button.remove(); task(); });
    out.parentNode.insertBefore(button, out.nextSibling);
  }

  var embedded = document.getElementById("chain"), root = document.getElementById("live");
  if (embedded) {
    whenIdle(function () { run(function () { return Promise.resolve(JSON.parse(embedded.textContent)); }); });
  } else if (root) {
    var live = function () { run(function () { return fetchLive(root.getAttribute("data-slug")); }); };
    if (sparing()) offer(live); else whenIdle(live);
  }
})();
