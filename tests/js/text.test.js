/* The desk's text: the outbox's one-line summaries, times, the live preview (the server's Markdown),
   the names and keys it makes, and the script itself loading as a classic script. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Core = require("../../static/desk-core.js");

test("a summary line is plain text: photos named, Markdown marks and runs of space gone", () => {
  assert.equal(Core.text("**Ten** arrested\n\n![x](/media/a.jpg) at `#3`", 80), "Ten arrested [photo] at 3");
  assert.equal(Core.text(null, 10), "");
});

test("a summary line longer than n is cut to n characters, the last an ellipsis", () => {
  assert.equal(Core.text("abcdefghij", 10), "abcdefghij");
  assert.equal(Core.text("abcdefghijk", 10), "abcdefghi…");
});

test("a time is shown as its hour and minute in GMT", () => {
  assert.equal(Core.hhmm("2026-03-01T09:05:59.000Z"), "09:05 GMT");
});

test("the preview escapes HTML before any Markdown, and loads no picture from elsewhere", () => {
  assert.equal(Core.preview('<script>alert("x")</script> & co'),
               '<p>&lt;script&gt;alert("x")&lt;/script&gt; &amp; co</p>');
  assert.equal(Core.preview("[a](javascript:alert(1))"), "<p>[a](javascript:alert(1))</p>");
  assert.equal(Core.preview("![b](https://elsewhere.example/x.jpg)"), '<p><img alt="b"></p>');
  assert.equal(Core.preview('![x" onerror="y](/media/abc.jpg)'),
               '<p><img src="/media/abc.jpg" alt="x&quot; onerror=&quot;y"></p>');
});

test("the preview shows a waiting photo as waiting", () => {
  assert.equal(Core.preview("![Cannon](waiting-photo:p-1)"),
               '<p><em class="waiting-photo">[photo waiting to be sent: Cannon]</em></p>');
});

/* the same file is rendered by the server's renderer in tests/test_desk_preview.py: both sides must give
   these exact bytes, so the preview shows what will be published */
const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, "markdown-cases.json"), "utf8"));

test("the preview is the server's HTML for each case in markdown-cases.json (lists, headings, breaks, links…)", () => {
  assert.ok(CASES.length >= 50);
  for (const c of CASES) assert.equal(Core.preview(c.markdown), c.html, JSON.stringify(c.markdown));
});

test("`- a` and `- b` on two lines are a list in the preview, as on the published page", () => {
  assert.equal(Core.preview("- a\n- b"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>");
});

test("the storage names, lock and address are the blog's", () => {
  assert.deepEqual(Core.names("a b"), { outbox: "liveblog-outbox:a b", draft: "liveblog-draft:a b",
                                       clock: "liveblog-clock", entries: "/api/blogs/a%20b/entries" });
  assert.equal(Core.lockName("k1"), "liveblog-desk-post:k1");
  assert.equal(Core.signInHref("strike"), "/login?next=/desk/strike");
  assert.equal(Core.signInHref("a&b"), "/login?next=/desk/a%26b");
});

test("a key is a UUID where the browser makes one, else 32 hex digits from its random bytes", () => {
  assert.equal(Core.randomKey({ randomUUID: () => "uuid-1" }), "uuid-1");
  const bytes = { getRandomValues: (a) => { a.forEach((_, i) => { a[i] = i * 17; }); return a; } };
  assert.equal(Core.randomKey(bytes), "00112233445566778899aabbccddeeff");
  assert.match(Core.randomKey(globalThis.crypto), /^[0-9a-f-]{36}$/);
  assert.notEqual(Core.randomKey(globalThis.crypto), Core.randomKey(globalThis.crypto));
});

test("as a classic script (no module) it defines the one global DeskCore and touches nothing else", () => {
  const source = fs.readFileSync(path.join(__dirname, "../../static/desk-core.js"), "utf8");
  const page = {};
  vm.runInNewContext(source, page);
  assert.deepEqual(Object.keys(page), ["DeskCore"]);
  assert.deepEqual(Object.keys(page.DeskCore), Object.keys(Core));
});
