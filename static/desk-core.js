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
  /* the labels people see beside the compose box's fields (its photo box's too), for the API's field names */
  var LABELS = { headline: N_("Headline"), body: N_("Update"), supersedes: N_("Supersedes"), lang: N_("Language"),
                 translation_of: N_("Translation of"), file: N_("Photo"), caption: N_("Caption") };
  /* the server's refusal, naming the field as the compose box labels it, in the person's language when the
     server has it in theirs (said: the message asked for with Accept-Language) */
  function refusal(answer) {
    var d = answer.detail, field = d && typeof d.field === "string" && d.field.split(/[.[]/)[0];
    if (field && d.message) return (LABELS[field] ? gettext(LABELS[field]) : field) + ": " + (answer.said || d.message);
    return answer.said || answer.error;
  }
  /* what an answer other than success means for a waiting post: held for the person (signed out,
     refused), or tried again later ({wait}: at least the server's Retry-After); what: the thing refused, when
     it is not the update itself ("a waiting photo") */
  function verdict(status, ok, answer, what, retryAfterHeader) {
    if (ok) return { wait: 0 };  // a success that is not the server's: a Wi-Fi sign-in page
    if (signedOut(status, answer)) {
      return { hold: "signin", message: gettext("You are signed out. This update waits and is sent once you are back.") };
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      var why = answer ? format(gettext("Refused: %(what)s%(error)s."), { what: what ? what + ": " : "", error: refusal(answer) })
        : format(gettext("The server refused %(what)s(%(status)s)."), { what: (what || gettext("it")) + " ", status: status });
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
  function payload(item, pattern) {
    var data = Object.assign({}, item.data, { filed_at: item.filed_at });
    if ("translation_of" in data) data.translation_of = originalAt(data.translation_of, pattern);
    return JSON.stringify(data);
  }
  /* the "Translation of" field as the API's translation_of: an update's address (pattern: the server's, read
     from the page) becomes {blog, id}; nothing typed is no translation; other text goes as typed, refused there */
  function originalAt(text, pattern) {
    var typed = (text || "").trim(), found = pattern ? new RegExp("^(?:" + pattern + ")$").exec(typed) : null;
    return found ? { blog: found[1], id: Number(found[2]) } : typed || null;
  }
  /* why the "Translation of" field cannot go as typed (said before sending, in the person's words), or "" */
  var NOT_AN_ADDRESS = N_("is not the address of an update");
  function originalProblem(text, pattern) {
    return typeof originalAt(text, pattern) === "string"
      ? gettext(LABELS.translation_of) + ": " + gettext(NOT_AN_ADDRESS) : "";
  }
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

  /* ---- the update's length: a counter before the limit, and what stops a post that cannot go ---- */

  /* characters as the server counts them (Python's len: code points, not UTF-16 units) */
  function length(s) { return Array.from(s).length; }
  /* the counter beside the text: how many characters are left, or how many over */
  function counter(n, limit) {
    var left = limit - n;
    return { text: left >= 0 ? format(ngettext("%(n)s character left", "%(n)s characters left", left), { n: left })
      : format(ngettext("%(n)s character over the limit", "%(n)s characters over the limit", -left), { n: -left }),
             over: left < 0 };
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
    if (!body.trim() && !photo) return gettext("Write the update first: it has no text.");
    var n = length(body);
    if (n > limit) {
      return format(ngettext("The update is %(n)s character over the limit of %(limit)s: shorten it.",
                             "The update is %(n)s characters over the limit of %(limit)s: shorten it.", n - limit),
                    { n: n - limit, limit: limit });
    }
    return "";
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

  /* ---- the live preview: the Markdown the server publishes (CommonMark, then bleach's linkify and nh3's
     allow-list, liveblog/sanitize.py), for what correspondents write: paragraphs and line breaks, lists (nested,
     tight or loose), headings, quotes, rules, bold, italics, code spans and blocks, links, bare addresses,
     this site's photos, raw HTML (through the same allow-list: it is put in the page). The output is the
     server's, byte for byte, for the cases in tests/js/markdown-cases.json, which a Python test renders on the
     server too. Known to differ: entities named but not in ENTITIES, tabs as indentation, and raw HTML
     whose tags overlap, are left open, or that an HTML parser reads in its own way (tables, noscript,
     math). ---- */

  var HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
  var HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
  var SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
  var QUOTE = /^ {0,3}> ?(.*)$/;
  var ITEM = /^( {0,3})([-*+]|(\d{1,9})([.)]))( {1,4})(\S.*)$/;
  var BLANK = /^[ \t]*$/;
  var FENCE = /^( {0,3})(`{3,}(?=[^`]*$)|~{3,})/;  // a backtick fence's info string has no backtick
  var INDENTED = /^ {4}/;
  var SHOWN_HEADINGS = { 2: true, 3: true, 4: true };  // nh3 keeps h2-h4; of the others only the text stays
  var WAITING_IMAGE = new RegExp("!\\[([^\\]]*)\\]\\(" + WAITING + "[A-Za-z0-9-]+\\)", "g");
  var REL = ' rel="nofollow noopener"';

  /* text as the server writes it: <, > and & escaped (quotes too in an attribute) */
  function escText(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function attr(s) { return s.replace(/"/g, "&quot;"); }
  /* bleach's linkify (URL_RE): an address with one of its protocols, or none, and a domain under one of its
     top-level domains. It reads the text as the server writes it, where a quote is &quot; and so may be part
     of a path; the placeholder \u0000 of a code span or link set aside never is. */
  var PROTOCOLS = "afs aim callto data ed2k feed ftp gopher http https irc mailto news nntp rsync rtsp sftp ssh " +
    "tag telnet urn webcal xmpp";
  var TLDS = (
    "ac ad ae aero af ag ai al am an ao aq ar arpa as asia at au aw ax az ba bb bd be bf bg bh bi biz bj " +
    "bm bn bo br bs bt bv bw by bz ca cat cc cd cf cg ch ci ck cl cm cn co com coop cr cu cv cx cy cz de " +
    "dj dk dm do dz ec edu ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gov gp gq " +
    "gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in info int io iq ir is it je jm jo jobs jp ke kg kh " +
    "ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mil mk ml mm mn mo mobi " +
    "mp mq mr ms mt mu museum mv mw mx my mz na name nc ne net nf ng ni nl no np nr nu nz om org pa pe pf " +
    "pg ph pk pl pm pn post pr pro ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn " +
    "so sr ss st su sv sx sy sz tc td tel tf tg th tj tk tl tm tn to tp tr travel tt tv tw tz ua ug uk us " +
    "uy uz va vc ve vg vi vn vu wf ws xn xxx ye yt yu za zm zw").split(" ");
  var W = "[\\p{L}\\p{N}_]", WORD = new RegExp(W, "u");  // Python's \w, which knows letters beyond ASCII
  var BARE_URL = new RegExp("\\(*(?:(?:" + PROTOCOLS.split(" ").join("|") + "):/{0,3}(?:(?:" + W + "+:)?" + W + "+@)?)?"
    + "(?:(?:" + W + "|-)+\\.)+(?:" + TLDS.join("|") + ")(?::[0-9]+)?(?!\\." + W + ")(?!" + W + ")"
    + "(?:[/?][^\\s{}|\\\\^`<>\\u0000]*)?", "iuy");
  /* where an address may begin: the first of a run of "(", of word characters or of "-" (where Python's \b can
     hold). Trying only there keeps a long word linear: trying at every character took 0.5 s a keystroke for a
     pasted 20,000-character token, the regex running to the token's end from each of them. */
  var URL_START = new RegExp("\\(+|" + W + "+|-+", "gu");
  var HAS_PROTOCOL = new RegExp("^(?:" + W + "|-)+:/{0,3}", "u");
  var LINKED_SCHEMES = /^(https?|mailto):/i;  // nh3 drops an href of any other scheme, and keeps the link's text
  /* the brackets and the full stop or comma around an address that are not part of it (strip_non_url_bits) */
  function unwrapped(url) {
    var before = "", after = "";
    for (;;) {
      if (url[0] === "(") {
        before += "("; url = url.slice(1);
        if (url.slice(-1) === ")") { after = ")" + after; url = url.slice(0, -1); }
      } else if ((url.slice(-1) === ")" && url.indexOf("(") < 0) || /[.,]$/.test(url)) {
        after = url.slice(-1) + after; url = url.slice(0, -1);
      } else return { url: url, before: before, after: after };
    }
  }
  /* each bare address in s (escaped text) as a link, passed to keep */
  function bareLinks(s, keep) {
    var out = "", from = 0, candidate, m;
    URL_START.lastIndex = 0;
    while ((candidate = URL_START.exec(s))) {
      BARE_URL.lastIndex = candidate.index;
      if (!(m = BARE_URL.exec(s))) continue;
      var start = m.index + m[0].match(/^\(*/)[0].length;
      var before = s.slice(0, start).slice(-1);  // \b(?<![@.]) in Python, without a lookbehind here
      if (WORD.test(before) === WORD.test(s[start]) || /[@.]/.test(before)) continue;
      var u = unwrapped(m[0]), href = HAS_PROTOCOL.test(u.url) ? u.url : "http://" + u.url;
      var link = "<a" + (LINKED_SCHEMES.test(href) ? ' href="' + attr(href) + '"' : "") + REL + ">" + u.url + "</a>";
      out += s.slice(from, m.index) + u.before + keep(link) + u.after;
      from = m.index + m[0].length;
      URL_START.lastIndex = from;
    }
    return out + s.slice(from);
  }
  /* ---- raw HTML in the text, as bleach (which shows a tag it does not know as typed) and then nh3's
     allow-list (liveblog/sanitize.py) leave it: an allowed tag keeps its allowed attributes, in the order
     typed, double-quoted, the first of a name only, addresses checked; any other known tag goes and its
     text stays, but a script's or style's. Tags are taken as they nest when typed; the HTML parser's
     repair of tags that overlap or are never closed is only roughly followed. ---- */
  var KNOWN_TAGS = tagSet(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite " +
    "code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption " +
    "figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd keygen " +
    "label legend li link map mark menu meta meter nav noscript object ol optgroup option output p param " +
    "picture pre progress q rp rt ruby s samp script section select slot small source span strong style " +
    "sub summary sup table tbody td template textarea tfoot th thead time title tr track u ul var video " +
    "wbr");
  var ALLOWED_TAGS = tagSet("a abbr b blockquote br code del em figcaption figure h2 h3 h4 hr i img ins li ol p " +
    "pre q s strong sub sup ul");
  var ALLOWED_ATTRIBUTES = { a: " href title ", abbr: " title ", img: " src alt title width height ",
                             ol: " start ", q: " cite " };
  var VOID_TAGS = tagSet("br hr img"), TEXT_DROPPED = tagSet("script style"), UNLINKED = tagSet("a code pre");
  var ATTRIBUTE = "\\s+([a-zA-Z_:][a-zA-Z0-9:._-]*)" +
    "(?:\\s*=\\s*(?:([^\"'=<>`\\u0000-\\u0020]+)|'([^']*)'|\"([^\"]*)\"))?";
  var OPEN_TAG = "<([A-Za-z][A-Za-z0-9-]*)((?:" + ATTRIBUTE + ")*)\\s*\\/?>";
  var CLOSE_TAG = "<\\/([A-Za-z][A-Za-z0-9-]*)\\s*>";
  var RAW_TAG = new RegExp("(\\\\?)(?:" + OPEN_TAG + "|" + CLOSE_TAG + "|<!-->|<!--->|<!--[\\s\\S]*?-->)", "g");
  var HTML_BLOCK_TAGS = "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|" +
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|" +
    "html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|" +
    "summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul";
  var HTML_BLOCKS = [  // CommonMark's kinds of HTML block: how one starts, how it ends (null: at a blank line)
    [/^ {0,3}<(script|pre|style|textarea)(?=[\s>]|$)/i, /<\/(script|pre|style|textarea)>/i],
    [/^ {0,3}<!--/, /-->/],
    [new RegExp("^ {0,3}<\\/?(" + HTML_BLOCK_TAGS + ")(?=[\\s>]|\\/>|$)", "i"), null],
    [new RegExp("^ {0,3}(?:" + OPEN_TAG + "|" + CLOSE_TAG + ")[ \\t]*$"), null]  // cannot interrupt a paragraph
  ];
  function tagSet(names) {
    var set = {};
    names.split(" ").forEach(function (name) { set[name] = true; });
    return set;
  }
  /* a link's address percent-encoded as markdown-it does (mdurl.encode): a % that starts no escape too */
  function encodedUrl(url) {
    return url.replace(/[^A-Za-z0-9;\/?:@&=+$,\-_.!~*'()#%]|%(?![0-9a-fA-F]{2})/gu, function (c) {
      try { return encodeURIComponent(c); } catch (e) { return "%EF%BF%BD"; }  // a lone surrogate
    });
  }
  /* the entities people type, as the characters they stand for (numeric ones, and a few by name) */
  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0", copy: "\u00a9", reg: "\u00ae",
                   trade: "\u2122", hellip: "\u2026", mdash: "\u2014", ndash: "\u2013", euro: "\u20ac",
                   pound: "\u00a3", deg: "\u00b0", times: "\u00d7", laquo: "\u00ab", raquo: "\u00bb",
                   lsquo: "\u2018", rsquo: "\u2019", ldquo: "\u201c", rdquo: "\u201d" };
  function decoded(s) {
    return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-z]+);/g, function (all, e) {
      if (e[0] !== "#") return ENTITIES.hasOwnProperty(e) ? ENTITIES[e] : all;
      var code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    });
  }
  function attrValue(s) { return escText(s).replace(/"/g, "&quot;").replace(/\u00a0/g, "&nbsp;"); }
  /* sanitize.py's url_allowed: relative, or http(s) or mailto, read as a browser reads it */
  function urlAllowed(url) {
    var scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.replace(/^[\u0000 ]+|[\u0000 ]+$/g, "")
      .replace(/[\t\n\r]/g, ""));
    return !scheme || /^(https?|mailto)$/i.test(scheme[1]);
  }
  function attributeKept(tag, name, value) {
    var allowed = (ALLOWED_ATTRIBUTES[tag] || "").indexOf(" " + name + " ") >= 0 || name === "title" || name === "lang";
    if (!allowed) return false;
    if (tag === "img" && name === "src") return /^\/media\/[A-Za-z0-9]+\.jpg$/.test(value) && value.length <= 71;
    return !(name === "href" || name === "src" || name === "cite") || urlAllowed(value);
  }
  /* an allowed tag as nh3 writes it */
  function openTag(tag, attributes) {
    var out = "<" + tag, seen = {}, m, pattern = new RegExp(ATTRIBUTE, "g");
    while ((m = pattern.exec(attributes))) {
      var name = m[1].toLowerCase(), value = decoded(m[2] || m[3] || m[4] || "");
      if (seen[name]) continue;
      seen[name] = true;
      if (attributeKept(tag, name, value)) out += " " + name + '="' + attrValue(value) + '"';
    }
    return out + (tag === "a" ? REL : "") + ">";
  }
  /* the tags of a text set aside, as {tag, close, attributes} in tags, each replaced by \u0003n\u0003;
     one bleach does not know stays, to be escaped as text, and a comment goes */
  function takeTags(s, tags) {
    return s.replace(RAW_TAG, function (all, backslash, open, attributes, _n, _u, _s, _d, close) {
      var tag = (open || close || "").toLowerCase();
      if (backslash || (tag && !KNOWN_TAGS[tag])) return all;  // \<b> is not a tag
      if (!tag) return "";  // a comment
      tags.push({ tag: tag, close: !!close, attributes: attributes || "" });
      return "\u0003" + (tags.length - 1) + "\u0003";
    });
  }
  /* text (HTML, escaped) with the tags set aside by takeTags in it: the tags cleaned, the text between them
     passed to link (but inside a, code and pre), tags left open closed at the end */
  function cleanTags(s, tags, link) {
    var open = [], dropping = null, unlinked = 0;
    var out = s.split(/\u0003(\d+)\u0003/).map(function (part, n) {
      if (n % 2 === 0) return dropping ? "" : unlinked ? part : link(part);
      var t = tags[Number(part)];
      if (dropping) { if (t.close && t.tag === dropping) dropping = null; return ""; }
      if (!t.close && TEXT_DROPPED[t.tag]) { dropping = t.tag; return ""; }
      if (!ALLOWED_TAGS[t.tag]) return "";
      if (!t.close) {
        if (!VOID_TAGS[t.tag]) { open.push(t.tag); if (UNLINKED[t.tag]) unlinked++; }
        return openTag(t.tag, t.attributes);
      }
      if (open.indexOf(t.tag) < 0) return "";
      var closed = "";
      while (open.length) {
        var last = open.pop();
        if (UNLINKED[last]) unlinked--;
        closed += "</" + last + ">";
        if (last === t.tag) break;
      }
      return closed;
    }).join("");
    return out + open.reverse().map(function (tag) { return "</" + tag + ">"; }).join("");
  }
  /* an HTML block at lines[i] (not Markdown: its text is HTML as typed), or null */
  function htmlBlockAt(lines, i, inParagraph) {
    for (var k = 0; k < HTML_BLOCKS.length; k++) {
      var m = HTML_BLOCKS[k][0].exec(lines[i]), end = HTML_BLOCKS[k][1];
      if (!m || (k === 3 && (inParagraph || /^(script|style|pre|textarea)$/i.test(m[1] || "")))) continue;
      var from = i;
      if (end) {
        while (i < lines.length && !end.test(lines[i])) i++;
        i = Math.min(i + 1, lines.length);
      } else {
        while (i < lines.length && !BLANK.test(lines[i])) i++;
      }
      var tags = [], text = takeTags(lines.slice(from, i).join("\n").replace(/\u0003/g, ""), tags);
      var html = cleanTags(escText(decoded(text)).replace(/\u00a0/g, "&nbsp;"), tags, function (part) {
        return bareLinks(part, String);
      });
      return { html: html, next: i };
    }
    return null;
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
     touches them, then put back: escaped characters before bare addresses are linked in the text between
     the emphasis marks (as linkify reads the server's text), the rest after */
  function inline(s) {
    var kept = [], escaped = [], tags = [];
    function keep(html) { kept.push(html); return "\u0000" + (kept.length - 1) + "\u0000"; }
    function escape(_, c) { escaped.push(c); return "\u0002" + (escaped.length - 1) + "\u0002"; }
    function unescaped(t) { return t.replace(/\u0002(\d+)\u0002/g, function (_, n) { return escaped[Number(n)]; }); }
    s = s.replace(/[\u0000\u0002\u0003]/g, "")
      .replace(/(^|[^`])(`+)(?!`)([^`]|[^`][\s\S]*?[^`])\2(?!`)/g, function (_, before, ticks, code) {
        return before + keep("<code>" + escText(code).replace(/\n/g, " ").replace(/^ (.*\S.*) $/, "$1") + "</code>");
      });
    s = escText(decoded(takeTags(s, tags))).replace(/\u00a0/g, "&nbsp;")
      .replace(/\\([!-\/:-@\[-`{-~])/g, escape)
      .replace(/!\[([^\]]*)\]\((\/media\/[A-Za-z0-9]+\.jpg)\)/g, function (_, alt, src) {
        return keep('<img src="' + src + '" alt="' + attr(unescaped(alt)) + '">');
      })
      .replace(WAITING_IMAGE, function (_, alt) {
        return keep('<em class="waiting-photo">' + format(gettext(PHOTO_WAITING), { name: unescaped(alt) }) + "</em>");
      })
      .replace(/!\[([^\]]*)\]\([^\s)]*\)/g, function (_, alt) {  // a picture from elsewhere: nh3 drops its src
        return keep('<img alt="' + attr(unescaped(alt)) + '">');
      })
      .replace(/\[([^\]]+)\]\(((?:https?:\/\/|\/)[^\s)]*)\)/g, function (_, label, href) {
        return keep('<a href="' + attr(escText(encodedUrl(decoded(unescaped(href))))) + '"' + REL + ">"
          + unescaped(emphasis(label)) + "</a>");
      });
    s = unescaped(emphasis(s));
    s = cleanTags(s, tags, function (text) {
      return text.split(/(<\/?(?:em|strong)>)/).map(function (part, n) { return n % 2 ? part : bareLinks(part, keep); })
        .join("");
    });
    return s.replace(/\u0000(\d+)\u0000/g, function (_, n) { return kept[Number(n)]; })
      .replace(/\u0003\d+\u0003/g, "");  // a tag in a link's words: not shown
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
    return BLANK.test(line) || HR.test(line) || HEADING.test(line) || QUOTE.test(line) || ITEM.test(line)
      || FENCE.test(line) || HTML_BLOCKS.slice(0, 3).some(function (kind) { return kind[0].test(line); });
  }

  /* a fenced code block at lines[i], to its closing fence or the end of its container; each line ends in a
     line feed but the document's last when it has none (final) */
  function fencedAt(lines, i, final) {
    var open = FENCE.exec(lines[i]), indent = open[1].length, mark = open[2];
    var close = new RegExp("^ {0,3}" + mark[0] + "{" + mark.length + ",}[ \\t]*$"), body = [], closed = false;
    for (i++; i < lines.length; i++) {
      if (close.test(lines[i])) { closed = true; i++; break; }
      body.push(lines[i].replace(new RegExp("^ {0," + indent + "}"), ""));
    }
    var code = body.map(function (line, n) { return n < body.length - 1 || closed || !final ? line + "\n" : line; });
    return { html: "<pre><code>" + escText(code.join("")) + "</code></pre>", next: i };
  }
  /* an indented code block at lines[i]: its lines less four spaces, blank lines inside it kept */
  function indentedAt(lines, i) {
    var body = [];
    while (i < lines.length && (INDENTED.test(lines[i]) || BLANK.test(lines[i]))) body.push(lines[i++].slice(4));
    while (body.length && BLANK.test(body[body.length - 1] || "")) { body.pop(); i--; }
    return { html: "<pre><code>" + escText(body.join("\n") + "\n") + "</code></pre>", next: i };
  }

  /* a list starting at lines[i]: its items' lines (without their indentation), whether it is loose, the
     line after it, and whether its last item's last line is the last of these lines (ends) */
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
      var ends = i === lines.length && body[body.length - 1] !== "";
      while (body[body.length - 1] === "") body.pop();
      items.push(body);
    }
    return { ordered: ordered, start: ordered ? Number(first[3]) : 1, items: items, loose: loose, next: i,
             ends: ends };
  }
  function listHtml(list, final) {
    var tag = list.ordered ? "ol" : "ul";
    var open = "<" + tag + (list.ordered && list.start !== 1 ? ' start="' + list.start + '"' : "") + ">";
    var items = list.items.map(function (lines, n) {
      var inner = blocks(lines, !list.loose, final && list.ends && n === list.items.length - 1);
      if (list.loose) return "<li>\n" + inner + "\n</li>";
      return "<li>" + (/^<(ul|ol|blockquote|h\d|hr|pre)\b/.test(inner) ? "\n" : "") + inner
        + (/(<\/(ul|ol|blockquote|h\d|pre)>|<hr>)$/.test(inner) ? "\n" : "") + "</li>";
    });
    return open + "\n" + items.join("\n") + "\n</" + tag + ">";
  }
  /* the blocks of these lines as HTML, one per line; tight: a list item's, whose paragraphs have no <p>;
     final: the last of these lines is the document's, with no line feed after it */
  function blocks(lines, tight, final) {
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
        out.push("<blockquote>\n" + blocks(quoted, false, final && i === lines.length) + "\n</blockquote>");
        continue;
      }
      if (FENCE.test(line)) { close(); m = fencedAt(lines, i, final); out.push(m.html); i = m.next; continue; }
      if (!para && INDENTED.test(line)) { m = indentedAt(lines, i); out.push(m.html); i = m.next; continue; }
      if ((m = htmlBlockAt(lines, i, !!para))) { close(); out.push(m.html); i = m.next; continue; }
      if ((m = ITEM.exec(line)) && (!para || !m[3] || m[3] === "1")) {  // only a list from 1 interrupts a paragraph
        close();
        var list = listAt(lines, i);
        out.push(listHtml(list, final)); i = list.next; continue;
      }
      (para = para || []).push(line);
      i++;
    }
    close();
    return out.join("\n");
  }
  /* the live preview of a body, as the server will publish it */
  function preview(body) {
    var lines = body.replace(/\r\n?/g, "\n").split("\n"), final = lines[lines.length - 1] !== "";
    if (!final) lines.pop();
    return blocks(lines, false, final).trim();  // as the server strips what it renders
  }

  return {
    names: names, lockName: lockName, randomKey: randomKey,
    learn: learn, offsetOf: offsetOf, serverNow: serverNow, stamp: stamp,
    backoff: backoff, retryAfter: retryAfter,
    isServerJson: isServerJson, staleCsrf: staleCsrf, refusal: refusal, verdict: verdict, afterSend: afterSend,
    sendable: sendable, asNew: asNew, identity: identity, hold: hold, heldAsNew: heldAsNew,
    publishedFirst: publishedFirst, GONE: GONE, waitsForSignIn: waitsForSignIn, releaseSignedOut: releaseSignedOut,
    resubmit: resubmit, restamp: restamp, payload: payload, originalAt: originalAt,
    originalProblem: originalProblem, recordSent: recordSent, earlierVersions: earlierVersions,
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
