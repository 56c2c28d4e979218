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
  /* the labels people see beside the compose box's fields, for the API's field names */
  var LABELS = { headline: "Headline", body: "Update", supersedes: "Supersedes", lang: "Language" };
  /* the server's refusal, naming the field as the compose box labels it */
  function refusal(answer) {
    var d = answer.detail, field = d && typeof d.field === "string" && d.field.split(/[.[]/)[0];
    return field && LABELS[field] && d.message ? LABELS[field] + ": " + d.message : answer.error;
  }
  /* what an answer other than success means for a waiting post: held for the person (signed out,
     refused), or tried again later ({wait}: at least the server's Retry-After) */
  function verdict(status, ok, answer, what, retryAfterHeader) {
    if (ok) return { wait: 0 };  // a success that is not the server's: a Wi-Fi sign-in page
    if (signedOut(status, answer)) {
      return { hold: "signin", message: "You are signed out. This update waits and is sent once you are back." };
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      var why = answer ? "Refused: " + what + refusal(answer) + "."
        : "The server refused " + (what || "it ") + "(" + status + ").";
      return { hold: "refused", message: why + " Tap Edit to fix it, or Discard." };
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
    return hold(item, kind, why + " Tap Edit to post them as a new update, or Discard them.");
  }
  function publishedWhy(first) {
    return "An earlier version of this update was published" + (first ? " at " + first.time_gmt : "")
      + ", before your changes reached the server, so they were not.";
  }
  function publishedFirst(item, first) {
    heldAsNew(item, "published", publishedWhy(first)).published = first ? first.id : null;
    return item;
  }
  var GONE = "The update you were editing was sent or discarded in another tab, so your changes were not.";
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
    return !now.online ? "will send when online"
      : now.sending ? "sending…"
      : ready && now.nextTry > now.now ? "will try again"
      : ready ? "sending…"
      : items.some(function (i) { return i.error; }) ? "needs your attention"
      : "being edited";
  }
  /* the summary beside the outbox, and the news for screen readers (null: say nothing new);
     each retry is not news */
  function outboxTexts(count, state, had) {
    var quiet = state === "sending…" || state === "will try again";
    return { summary: count ? count + " waiting — " + state : "",
             news: count ? count + " waiting" + (quiet ? "" : " — " + state) : had ? "All sent." : null };
  }
  function countdown(items, now) {
    var left = secondsLeft(now.nextTry, now.now);
    var counting = now.online && !now.sending && left > 0 && items.some(sendable);
    return counting ? "(next try in " + left + " s)" : "";
  }
  /* the mark beside a waiting post: editing: the key in this tab's compose box; abandoned: the keys
     of edits a closed tab left */
  function marked(item, editing, abandoned) {
    if (item.key === editing) return " (being edited)";
    if (!item.editing) return "";
    return abandoned[item.key] ? " (edit not finished: tap Edit)" : " (being edited in another tab)";
  }
  /* the compose button and the note above it while a waiting post is in the compose box */
  function editLabels(editing, item, note) {
    var again = !!(item && asNew(item));
    return { send: !editing ? "Post update" : again ? "Post as a new update" : "Send again",
             note: again ? item.why + " Send it as a new update, or leave it in the outbox." : note };
  }
  function discardQuestion(item) {
    return item.hold === "published" ? "Discard your changes? The version already published stays."
      : "Discard this waiting update? It has not been published.";
  }
  var ELSEWHERE = "This update is open in another tab, or on its way from there: finish with it there.";
  var PHOTO_GONE = "A photo that waited on this phone is gone (the browser cleared its storage). "
    + "Tap Edit to add it again, or Discard.";
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
  function megabytes(n) { return (n / 1048576).toFixed(1).replace(/\.0$/, "") + " MB"; }
  /* Markdown added to the end of the body, in a paragraph of its own */
  function appended(body, markdown) {
    return body + (body && !/\n$/.test(body) ? "\n\n" : "") + markdown + "\n";
  }

  /* ---- the update's length: a counter before the limit, and what stops a post that cannot go ---- */

  /* characters as the server counts them (Python's len: code points, not UTF-16 units) */
  function length(s) { return Array.from(s).length; }
  function characters(n) { return n + (n === 1 ? " character" : " characters"); }
  /* the counter beside the text: how many characters are left, or how many over */
  function counter(n, limit) {
    var left = limit - n;
    return { text: left >= 0 ? characters(left) + " left" : characters(-left) + " over the limit", over: left < 0 };
  }
  /* how near the limit n is: screen readers hear the counter only when this changes, never per keystroke */
  function nearness(n, limit) {
    var left = limit - n;
    return left < 0 ? 3 : left <= 100 ? 2 : left <= 1000 ? 1 : 0;
  }
  function counterNews(before, after, limit) {
    return nearness(before, limit) === nearness(after, limit) ? null : counter(after, limit).text + ".";
  }
  /* why the update cannot be posted as it is, or "" (an empty text may go when a photo goes with it) */
  function bodyProblem(body, limit, photo) {
    if (!body.trim() && !photo) return "Write the update first: it has no text.";
    var n = length(body);
    if (n > limit) return "The update is " + characters(n - limit) + " over the limit of " + limit + ": shorten it.";
    return "";
  }

  /* ---- text ---- */

  /* a line of plain text from Markdown, at most n characters */
  function text(s, n) {
    s = (s || "").replace(/!\[[^\]]*\]\([^)]*\)/g, "[photo]").replace(/[*_`#>]/g, "").replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }
  function hhmm(iso) { return iso.slice(11, 16) + " GMT"; }
  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  /* ---- the live preview: the Markdown the server publishes (CommonMark, then bleach's linkify and nh3's
     allow-list, liveblog/sanitize.py), for what correspondents write: paragraphs and line breaks, lists (nested,
     tight or loose), headings, quotes, rules, bold, italics, code, links, this site's photos. The output is
     the server's, byte for byte, for the cases in tests/js/markdown-cases.json, which a Python test renders
     on the server too. Unlike the server it shows raw HTML as typed (it is put in the page, with no sanitizer),
     leaves a bare domain without https:// or www. unlinked, and has no code blocks. ---- */

  var HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
  var HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
  var SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
  var QUOTE = /^ {0,3}> ?(.*)$/;
  var ITEM = /^( {0,3})([-*+]|(\d{1,9})([.)]))( {1,4})(\S.*)$/;
  var BLANK = /^[ \t]*$/;
  var SHOWN_HEADINGS = { 2: true, 3: true, 4: true };  // nh3 keeps h2-h4; of the others only the text stays
  var WAITING_IMAGE = new RegExp("!\\[([^\\]]*)\\]\\(" + WAITING + "[A-Za-z0-9-]+\\)", "g");
  var REL = ' rel="nofollow noopener"';

  /* text as the server writes it: <, > and & escaped (quotes too in an attribute) */
  function escText(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function attr(s) { return s.replace(/"/g, "&quot;"); }
  /* a bare address as linkify sees it: without the punctuation that ends a sentence around it */
  function bareLink(url) {
    var end = url.match(/[.,;:!?)]+$/), tail = end ? end[0] : "";
    url = url.slice(0, url.length - tail.length);
    var href = /^www\./.test(url) ? "http://" + url : url;
    return '<a href="' + attr(href) + '"' + REL + ">" + url + "</a>" + tail;
  }
  function emphasis(s) {
    var text = "(\\S(?:[\\s\\S]*?\\S)?)", word = "[A-Za-z0-9_]";
    function marks(open, close) { return new RegExp(open + text + close, "g"); }
    return s
      .replace(marks("\\*\\*\\*", "\\*\\*\\*"), "<em><strong>$1</strong></em>")
      .replace(marks("\\*\\*", "\\*\\*"), "<strong>$1</strong>")
      .replace(marks("\\*", "\\*"), "<em>$1</em>")
      .replace(marks("(^|[^A-Za-z0-9_])__", "__(?!" + word + ")"), "$1<strong>$2</strong>")
      .replace(marks("(^|[^A-Za-z0-9_])_", "_(?!" + word + ")"), "$1<em>$2</em>");
  }
  /* one paragraph's text: code, escapes, photos and links are set aside first, so that no emphasis
     touches them, then put back */
  function inline(s) {
    var kept = [];
    function keep(html) { kept.push(html); return "\u0000" + (kept.length - 1) + "\u0000"; }
    s = escText(s.replace(/\u0000/g, ""))
      .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, function (_, ticks, code) {
        return keep("<code>" + code.replace(/\n/g, " ").replace(/^ (.*\S.*) $/, "$1") + "</code>");
      })
      .replace(/\\([!-\/:-@\[-`{-~])/g, function (_, c) { return keep(c); })
      .replace(/!\[([^\]]*)\]\((\/media\/[A-Za-z0-9]+\.jpg)\)/g, function (_, alt, src) {
        return keep('<img src="' + src + '" alt="' + attr(alt) + '">');
      })
      .replace(WAITING_IMAGE, function (_, alt) {
        return keep('<em class="waiting-photo">[photo waiting to be sent: ' + alt + "]</em>");
      })
      .replace(/!\[([^\]]*)\]\([^\s)]*\)/g, function (_, alt) {  // a picture from elsewhere: nh3 drops its src
        return keep('<img alt="' + attr(alt) + '">');
      })
      .replace(/\[([^\]]+)\]\(((?:https?:\/\/|\/)[^\s)]*)\)/g, function (_, label, href) {
        return keep('<a href="' + attr(href) + '"' + REL + ">" + emphasis(label) + "</a>");
      })
      .replace(/\b(?:https?:\/\/|www\.)[^\s<]+/g, function (url) { return keep(bareLink(url)); });
    return emphasis(s).replace(/\u0000(\d+)\u0000/g, function (_, n) { return kept[Number(n)]; });
  }
  /* a paragraph's lines: a line ending in two spaces or a backslash breaks, any other is a soft break */
  function paragraph(lines) {
    var last = lines.length - 1;
    return inline(lines.map(function (line, n) {
      line = line.replace(/^[ \t]+/, "");
      if (n === last) return line.replace(/[ \t]+$/, "");
      if (/( {2,}|\\)$/.test(line)) return line.replace(/( {2,}|\\)$/, "\u0001");
      return line.replace(/[ \t]+$/, "");
    }).join("\n")).replace(/\u0001\n/g, "<br>\n");
  }
  function heading(level, text) {
    var html = inline(text.trim());
    return SHOWN_HEADINGS[level] ? "<h" + level + ">" + html + "</h" + level + ">" : html;
  }
  /* a line that starts a block of its own, which ends a paragraph's lazy continuation */
  function startsBlock(line) {
    return BLANK.test(line) || HR.test(line) || HEADING.test(line) || QUOTE.test(line) || ITEM.test(line);
  }

  /* a list starting at lines[i]: its items' lines (without their indentation), whether it is loose,
     and the line after it */
  function listAt(lines, i) {
    var first = ITEM.exec(lines[i]), ordered = !!first[3], marker = first[4] || first[2];
    var items = [], loose = false, gap = false;
    while (i < lines.length) {
      var m = ITEM.exec(lines[i]);
      if (!m || !!m[3] !== ordered || (m[4] || m[2]) !== marker) break;
      if (gap) loose = true;
      var width = m[1].length + m[2].length + m[5].length, body = [m[6]];
      gap = false;
      for (i++; i < lines.length; i++) {
        var line = lines[i], indent = line.match(/^ */)[0].length;
        if (BLANK.test(line)) { gap = true; body.push(""); continue; }
        if (indent >= width) { body.push(line.slice(width)); if (gap) loose = true; gap = false; continue; }
        if (!gap && !startsBlock(line)) { body.push(line); continue; }  // a lazy continuation line
        break;
      }
      while (body[body.length - 1] === "") body.pop();
      items.push(body);
    }
    return { ordered: ordered, start: ordered ? Number(first[3]) : 1, items: items, loose: loose, next: i };
  }
  function listHtml(list) {
    var tag = list.ordered ? "ol" : "ul";
    var open = "<" + tag + (list.ordered && list.start !== 1 ? ' start="' + list.start + '"' : "") + ">";
    var items = list.items.map(function (lines) {
      var inner = blocks(lines, !list.loose);
      if (list.loose) return "<li>\n" + inner + "\n</li>";
      return "<li>" + inner + (/(<\/(ul|ol|blockquote|h\d)>|<hr>)$/.test(inner) ? "\n" : "") + "</li>";
    });
    return open + "\n" + items.join("\n") + "\n</" + tag + ">";
  }
  /* the blocks of these lines as HTML, one per line; tight: a list item's, whose paragraphs have no <p> */
  function blocks(lines, tight) {
    var out = [], para = null, i = 0, m;
    function close() {
      if (para) out.push(tight ? paragraph(para) : "<p>" + paragraph(para) + "</p>");
      para = null;
    }
    while (i < lines.length) {
      var line = lines[i];
      if (BLANK.test(line)) { close(); i++; continue; }
      if (para && (m = SETEXT.exec(line))) {
        out.push(heading(m[1][0] === "=" ? 1 : 2, para.join("\n"))); para = null; i++; continue;
      }
      if (HR.test(line)) { close(); out.push("<hr>"); i++; continue; }
      if ((m = HEADING.exec(line))) { close(); out.push(heading(m[1].length, m[2] || "")); i++; continue; }
      if ((m = QUOTE.exec(line))) {
        close();
        var quoted = [];
        while (i < lines.length && ((m = QUOTE.exec(lines[i])) || (quoted.length && !startsBlock(lines[i])))) {
          quoted.push(m ? m[1] : lines[i]); i++;
        }
        out.push("<blockquote>\n" + blocks(quoted, false) + "\n</blockquote>");
        continue;
      }
      if ((m = ITEM.exec(line)) && (!para || !m[3] || m[3] === "1")) {  // only a list from 1 interrupts a paragraph
        close();
        var list = listAt(lines, i);
        out.push(listHtml(list)); i = list.next; continue;
      }
      (para = para || []).push(line);
      i++;
    }
    close();
    return out.join("\n");
  }
  /* the live preview of a body, as the server will publish it */
  function preview(body) { return blocks(body.replace(/\r\n?/g, "\n").split("\n"), false); }

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
    length: length, counter: counter, counterNews: counterNews, bodyProblem: bodyProblem,
    text: text, hhmm: hhmm, preview: preview
  };
})();
if (typeof module === "object" && module.exports) module.exports = DeskCore;
