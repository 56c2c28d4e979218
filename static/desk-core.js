/* The desk's decisions, apart from the page: what the outbox shows and does with a waiting post,
   how long to wait before trying again, the server's clock, the photos that wait on the phone,
   the preview's Markdown. No DOM, no network, no storage: desk.js reads those and asks here,
   and Node's test runner checks each rule (tests/js/). Times are milliseconds, passed in.
   A classic script (the CSP allows no inline script and the desk has no bundler): one global,
   DeskCore, and module.exports when Node requires it. */
var DeskCore = (function () {
  "use strict";
  var SECOND = 1000, DAY = 86400000;
  var WAITING = "waiting-photo:", WAITING_IDS = new RegExp(WAITING + "[A-Za-z0-9-]+", "g");
  var CLOCK_GRAIN = 2000;  // a Date header counts whole seconds: a smaller change is its rounding
  var FIRST_RETRY = 2000, LAST_RETRY = 60000;

  /* the catalog's words (static/i18n.js) on the page; under Node's tests, the English msgids */
  var I = typeof I18n === "object" ? I18n : {
    gettext: function (s) { return s; },
    ngettext: function (s, p, n) { return new Intl.PluralRules("en").select(n) === "one" ? s : p; },
    format: function (t, v) { return t.replace(/%\((\w+)\)s/g, function (a, k) { return String(v[k]); }); }
  };
  function gettext(s) { return I.gettext(s); }
  function ngettext(s, p, n) { return I.ngettext(s, p, n); }
  function format(t, v) { return I.format(t, v); }
  function N_(s) { return s; }  /* a msgid kept as it is and translated where it is shown (gettext) */

  /* the storage names and the entries address of one blog's desk */
  function names(slug) {
    return { outbox: "liveblog-outbox:" + slug, draft: "liveblog-draft:" + slug, clock: "liveblog-clock",
             entries: "/api/blogs/" + encodeURIComponent(slug) + "/entries" };
  }
  function lockName(key) { return "liveblog-desk-post:" + key; }

  /* a post's Idempotency-Key: a UUID, or 32 hex digits where randomUUID is missing (not https) */
  function randomKey(random) {
    if (random.randomUUID) return random.randomUUID();
    var a = new Uint8Array(16); random.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /* ---- the server's clock: offset = server time − phone time (positive when the phone is behind) ---- */

  /* the clock to keep after the server said serverMs at phone time now, or null to keep the old one:
     an inexact reading (a Date header) moves it only by more than its rounding */
  function learn(clock, serverMs, now, exact) {
    if (!serverMs) return null;
    var offset = serverMs - now;
    if (!exact && clock && Math.abs(offset - clock.offset) < CLOCK_GRAIN) return null;
    return { offset: offset };
  }
  function offsetOf(clock) { return clock ? clock.offset : 0; }
  /* the server's time when its answer arrived: what it said, plus half the round trip */
  function serverNow(saidMs, sentAt, receivedAt) { return saidMs + (receivedAt - sentAt) / 2; }
  /* a phone-clock time as the server's, never before the blog began nor after now */
  function stamp(phoneAt, now, offset, started) {
    var t = Math.min(phoneAt + offset, now + offset);
    return new Date(Math.max(t, started)).toISOString();
  }

  /* ---- retries ---- */

  /* 2 s doubling to 60 s, each spread ±25 % so many phones back online at once do not call together */
  function backoff(attempt, random) {
    return Math.min(LAST_RETRY, FIRST_RETRY * Math.pow(2, attempt)) * (0.75 + random / 2);
  }
  /* a Retry-After header's seconds as milliseconds (0 when absent or not a number) */
  function retryAfter(header) { return (Number(header) || 0) * SECOND; }
  /* whole seconds left until the next try, for the countdown */
  function secondsLeft(nextTry, now) { return Math.ceil((nextTry - now) / SECOND); }

  /* ---- the server's answers ---- */

  /* only the server's own JSON counts: a captive portal's page or a proxy's error does not */
  function isServerJson(redirected, contentType) {
    return !redirected && /^application\/json/.test(contentType || "");
  }
  function staleCsrf(status, answer) {
    return status === 403 && /CSRF/.test((answer && answer.error) || "");
  }
  function signedOut(status, answer) { return status === 401 || staleCsrf(status, answer); }
  /* what an answer other than success means for a waiting post: held for the person (signed out,
     refused), or tried again later ({wait}: at least the server's Retry-After) */
  function verdict(status, ok, answer, what, retryAfterHeader) {
    if (ok) return { wait: 0 };  // a success that is not the server's: a Wi-Fi sign-in page
    if (signedOut(status, answer)) {
      return { hold: "signin", message: gettext("You are signed out. This update waits and is sent once you are back.") };
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      var why = answer ? format(gettext("Refused: %(what)s%(error)s."), { what: what, error: answer.error })
        : format(gettext("The server refused %(what)s(%(status)s)."), { what: what || gettext("it") + " ", status: status });
      return { hold: "refused", message: why + " " + gettext("Tap Edit to fix it, or Discard.") };
    }
    return { wait: retryAfter(retryAfterHeader) };
  }
  /* what the answer to a sent post asks for next: "sent", "restamp" (the phone's clock moved and
     filed_at was refused: stamped again once), "published-first" (the key published an earlier
     version), or "trouble" (see verdict) */
  function afterSend(status, ok, answer, item) {
    if (ok && answer) return "sent";
    var field = answer && answer.detail && answer.detail.field;
    if (status === 422 && field === "filed_at" && !item.restamped) return "restamp";
    if (status === 409 && answer && /Idempotency-Key/.test(answer.error || "")) return "published-first";
    return "trouble";
  }

  /* ---- the outbox: a list of waiting posts, oldest first. Each transition changes the post it is
     given (a fresh copy just read from storage) and returns it. ---- */

  var SENT_KEPT = 5;
  function sendable(item) { return !item.error && !item.editing; }
  /* held because its first version went, or because it went elsewhere: it can only go as a new post */
  function asNew(item) { return item.hold === "published" || item.hold === "gone"; }
  /* a post's own identity: its Idempotency-Key and when it was filed */
  function identity(key, now, offset, started) {
    return { key: key, phone_at: now, filed_at: stamp(now, now, offset, started) };
  }
  function hold(item, kind, message) { item.error = message; item.hold = kind; return item; }
  /* an edit that cannot go as it is: the person posts it anew, or drops it */
  function heldAsNew(item, kind, why) {
    item.why = why;
    return hold(item, kind, why + " " + gettext("Tap Edit to post them as a new update, or Discard them."));
  }
  function publishedWhy(first) {
    return first ? format(gettext("An earlier version of this update was published at %(time)s, before your "
                                  + "changes reached the server, so they were not."), { time: first.time_gmt })
      : gettext("An earlier version of this update was published, before your changes reached the server, "
                + "so they were not.");
  }
  function publishedFirst(item, first) {
    heldAsNew(item, "published", publishedWhy(first)).published = first ? first.id : null;
    return item;
  }
  var GONE = N_("The update you were editing was sent or discarded in another tab, so your changes were not.");
  function waitsForSignIn(items) { return items.some(function (i) { return i.hold === "signin"; }); }
  /* back from signing in: what waited for it may go */
  function releaseSignedOut(items) {
    return items.map(function (i) { if (i.hold === "signin") { delete i.error; delete i.hold; } return i; });
  }
  /* an edited post sent again: under its own key and filed_at, unless it can only go as a new post */
  function resubmit(item, data, fresh) {
    if (asNew(item)) {
      Object.assign(item, fresh);
      delete item.sent; delete item.published; delete item.why;
    }
    item.data = data; item.editing = false;
    delete item.draft; delete item.error; delete item.hold; delete item.restamped;
    return item;
  }
  function restamp(item, now, offset, started) {
    item.filed_at = stamp(item.phone_at || Date.parse(item.filed_at), now, offset, started);
    item.restamped = true;
    return item;
  }
  /* the body that goes to the API: the typed fields and when the post was filed */
  function payload(item) { return JSON.stringify(Object.assign({}, item.data, { filed_at: item.filed_at })); }
  /* every version that may reach the server (the last few), for publishedFirst to try again */
  function recordSent(item, body) {
    item.sent = (item.sent || []).filter(function (b) { return b !== body; }).concat([body]).slice(-SENT_KEPT);
    return item;
  }
  /* the versions sent before this one, latest first */
  function earlierVersions(item, body) {
    return (item.sent || []).filter(function (b) { return b !== body; }).reverse();
  }
  var OTHER_TAB = 5000;  // ms: a post on its way from another tab is looked at again, in case that tab closed
  /* the first post ready to go that no other tab is known to hold */
  function nextReady(items, busy) {
    return items.filter(function (i) { return sendable(i) && busy.indexOf(i.key) < 0; })[0] || null;
  }

  /* ---- what the outbox says ---- */

  /* now: {online, sending, nextTry, now} */
  function outboxState(items, now) {
    var ready = items.filter(sendable).length;
    return !now.online ? N_("will send when online")
      : now.sending ? N_("sending…")
      : ready && now.nextTry > now.now ? N_("will try again")
      : ready ? N_("sending…")
      : items.some(function (i) { return i.error; }) ? N_("needs your attention")
      : N_("being edited");
  }
  /* the summary beside the outbox, and the news for screen readers (null: say nothing new);
     each retry is not news */
  function outboxTexts(count, state, had) {
    var quiet = state === "sending…" || state === "will try again";
    var waiting = format(ngettext("%(n)s waiting", "%(n)s waiting", count), { n: count });
    return { summary: count ? waiting + " — " + gettext(state) : "",
             news: count ? waiting + (quiet ? "" : " — " + gettext(state)) : had ? gettext("All sent.") : null };
  }
  function countdown(items, now) {
    var left = secondsLeft(now.nextTry, now.now);
    var counting = now.online && !now.sending && left > 0 && items.some(sendable);
    return counting ? format(gettext("(next try in %(n)s s)"), { n: left }) : "";
  }
  /* the mark beside a waiting post: editing: the key in this tab's compose box; abandoned: the keys
     of edits a closed tab left */
  function marked(item, editing, abandoned) {
    if (item.key === editing) return " " + gettext("(being edited)");
    if (!item.editing) return "";
    return " " + (abandoned[item.key] ? gettext("(edit not finished: tap Edit)") : gettext("(being edited in another tab)"));
  }
  /* the compose button and the note above it while a waiting post is in the compose box */
  function editLabels(editing, item, note) {
    var again = !!(item && asNew(item));
    var send = !editing ? N_("Post update") : again ? N_("Post as a new update") : N_("Send again");
    return { send: gettext(send),
             note: again ? item.why + " " + gettext("Send it as a new update, or leave it in the outbox.") : note };
  }
  function discardQuestion(item) {
    return item.hold === "published" ? gettext("Discard your changes? The version already published stays.")
      : gettext("Discard this waiting update? It has not been published.");
  }
  var ELSEWHERE = N_("This update is open in another tab, or on its way from there: finish with it there.");
  var PHOTO_GONE = N_("A photo that waited on this phone is gone (the browser cleared its storage). "
    + "Tap Edit to add it again, or Discard.");
  var PHOTO_WAITING = N_("[photo waiting to be sent: %(name)s]");
  var PHOTO_MARK = N_("[photo]");  // a photo in a one-line preview  // here: Babel's lexer loses its way in text()'s regex
  function signInHref(slug) { return "/login?next=" + encodeURIComponent("/desk/" + slug).replace(/%2F/g, "/"); }

  /* ---- drafts ---- */

  /* a draft with the entries ?supersedes= ticked on this page as well */
  function ticking(draft, extra) {
    return Object.assign({}, draft, { supersedes: (draft.supersedes || []).concat(extra) });
  }

  /* ---- photos waiting on the phone, named in the text as waiting-photo:ID ---- */

  var LONGEST = 1600;  // pixels: the server keeps no more than this, so the phone need not send more
  function waitingIn(body) {
    return (body.match(WAITING_IDS) || []).map(function (m) { return m.slice(WAITING.length); });
  }
  /* the Markdown that names a waiting photo, its caption as the alt text on one line */
  function waitingMarkdown(caption, id) {
    var alt = caption.trim().replace(/\[/g, "(").replace(/\]/g, ")").replace(/\s+/g, " ");
    return "![" + alt + "](" + WAITING + id + ")";
  }
  /* the body once the photo has gone up: its address in place of each of its markers (whole ones) */
  function placed(body, id, url) {
    return body.replace(WAITING_IDS, function (m) { return m === WAITING + id ? url : m; });
  }
  /* of these photos, the ones no text names any more */
  function unnamed(ids, text) {
    var named = waitingIn(text);
    return ids.filter(function (id) { return named.indexOf(id) < 0; });
  }
  /* a photo kept longer than a day that nothing names is forgotten when the desk opens */
  function expired(at, now) { return !(at > now - DAY); }
  /* the scale to redraw a photo at (never up), or null to keep the file as it is; always: redrawn
     even when small enough, which drops its metadata */
  function fitScale(width, height, always) {
    var scale = LONGEST / Math.max(width, height);
    if (scale >= 1 && !always) return null;
    return Math.min(scale, 1);
  }
  /* the formats a browser can redraw smaller (and without metadata); the server decides on the rest */
  function drawable(type) { return /^image\/(jpeg|png|webp)$/.test(type || ""); }
  /* the server refused the photo itself (not a proxy, not a passing fault): trying again will not help */
  function photoRefused(status, answer) { return !!answer && [400, 413, 415, 422].indexOf(status) >= 0; }
  function megabytes(n) { return format(gettext("%(n)s MB"), { n: (n / 1048576).toFixed(1).replace(/\.0$/, "") }); }
  /* Markdown added to the end of the body, in a paragraph of its own */
  function appended(body, markdown) {
    return body + (body && !/\n$/.test(body) ? "\n\n" : "") + markdown + "\n";
  }

  /* ---- text ---- */

  /* a line of plain text from Markdown, at most n characters */
  function text(s, n) {
    s = (s || "").replace(/!\[[^\]]*\]\([^)]*\)/g, gettext(PHOTO_MARK)).replace(/[*_`#>]/g, "").replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }
  function hhmm(iso) { return iso.slice(11, 16) + " GMT"; }
  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  var WAITING_IMAGE = new RegExp("!\\[([^\\]]*)\\]\\(" + WAITING + "[A-Za-z0-9-]+\\)", "g");
  function inline(s) {
    return esc(s)
      .replace(/!\[([^\]]*)\]\((\/media\/[A-Za-z0-9]+\.jpg)\)/g, '<img src="$2" alt="$1">')
      .replace(WAITING_IMAGE, '<em class="waiting-photo">' + format(gettext(PHOTO_WAITING), { name: "$1" }) + "</em>")
      .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2">$1</a>')
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/\*([^*]+)\*/g, "<em>$1</em>");
  }
  /* the live preview: a small, safe subset of Markdown (the server renders the real thing) */
  function preview(body) {
    return body.split(/\n\s*\n/).map(function (p) { return "<p>" + inline(p) + "</p>"; }).join("");
  }

  return {
    names: names, lockName: lockName, randomKey: randomKey,
    learn: learn, offsetOf: offsetOf, serverNow: serverNow, stamp: stamp,
    backoff: backoff, retryAfter: retryAfter,
    isServerJson: isServerJson, staleCsrf: staleCsrf, verdict: verdict, afterSend: afterSend,
    sendable: sendable, asNew: asNew, identity: identity, hold: hold, heldAsNew: heldAsNew,
    publishedFirst: publishedFirst, GONE: GONE, waitsForSignIn: waitsForSignIn, releaseSignedOut: releaseSignedOut,
    resubmit: resubmit, restamp: restamp, payload: payload, recordSent: recordSent, earlierVersions: earlierVersions,
    OTHER_TAB: OTHER_TAB, nextReady: nextReady,
    outboxState: outboxState, outboxTexts: outboxTexts, countdown: countdown, marked: marked,
    editLabels: editLabels, discardQuestion: discardQuestion, ELSEWHERE: ELSEWHERE, PHOTO_GONE: PHOTO_GONE,
    signInHref: signInHref, ticking: ticking,
    waitingIn: waitingIn, waitingMarkdown: waitingMarkdown, placed: placed, unnamed: unnamed,
    expired: expired, fitScale: fitScale, drawable: drawable, photoRefused: photoRefused, megabytes: megabytes,
    appended: appended,
    text: text, hhmm: hhmm, preview: preview
  };
})();
if (typeof module === "object" && module.exports) module.exports = DeskCore;
