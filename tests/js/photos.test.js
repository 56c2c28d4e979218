/* Photos that wait on the phone: how the text names them, when they are forgotten, how they are
   shrunk, and where their Markdown goes. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Core = require("../../static/desk-core.js");

const ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

test("the waiting photos a text names, in order, repeats included", () => {
  const body = `Water cannon.\n\n![A](waiting-photo:${ID})\n\n![B](waiting-photo:abc123) and waiting-photo:abc123`;
  assert.deepEqual(Core.waitingIn(body), [ID, "abc123", "abc123"]);
  assert.deepEqual(Core.waitingIn("no photos, and a waiting-photo: with no id"), []);
  assert.deepEqual(Core.waitingIn(""), []);
});

test("a waiting photo's id stops at the first character an id cannot hold", () => {
  assert.deepEqual(Core.waitingIn("waiting-photo:ab_cd waiting-photo:x.jpg"), ["ab", "x"]);
  assert.deepEqual(Core.waitingIn(JSON.stringify({ data: { body: "![](waiting-photo:q1)" } })), ["q1"]);
});

test("a waiting photo's Markdown keeps its caption on one line, with no brackets to break it", () => {
  assert.equal(Core.waitingMarkdown("  Police [left]\n at noon ", "p1"), "![Police (left) at noon](waiting-photo:p1)");
  assert.equal(Core.waitingMarkdown("", "p2"), "![](waiting-photo:p2)");
  assert.deepEqual(Core.waitingIn(Core.waitingMarkdown("a ] b", "p3")), ["p3"]);
});

test("once up, every mention of the photo names its address, and no other photo changes", () => {
  const body = "![a](waiting-photo:p1) ![b](waiting-photo:p12) ![a again](waiting-photo:p1)";
  assert.equal(Core.placed(body, "p1", "/media/abc.jpg"),
               "![a](/media/abc.jpg) ![b](waiting-photo:p12) ![a again](/media/abc.jpg)");
  assert.equal(Core.placed("no marker", "p1", "/media/abc.jpg"), "no marker");
});

test("the photos no text names any more are the ones to forget", () => {
  const text = "draft: ![](waiting-photo:keep1) post: ![](waiting-photo:keep2)";
  assert.deepEqual(Core.unnamed(["keep1", "gone", "keep2", "gone2"], text), ["gone", "gone2"]);
  assert.deepEqual(Core.unnamed([], text), []);
});

test("a photo is old after a day; one with no time is old", () => {
  const now = Date.parse("2026-03-02T12:00:00Z");
  assert.equal(Core.expired(now - 86400000 + 1, now), false);
  assert.equal(Core.expired(now - 86400000, now), true);
  assert.equal(Core.expired(undefined, now), true);
});

test("a photo larger than 1600 pixels is scaled down by its longest side, never up", () => {
  assert.equal(Core.fitScale(3200, 2400, false), 0.5);
  assert.equal(Core.fitScale(1200, 4000, false), 0.4);
  assert.equal(Core.fitScale(1600, 900, false), null);
  assert.equal(Core.fitScale(640, 480, false), null);
});

test("a photo redrawn only to drop its metadata keeps its size", () => {
  assert.equal(Core.fitScale(640, 480, true), 1);
  assert.equal(Core.fitScale(3200, 2400, true), 0.5);
});

test("only JPEG, PNG and WebP are redrawn on the phone", () => {
  for (const type of ["image/jpeg", "image/png", "image/webp"]) assert.equal(Core.drawable(type), true, type);
  for (const type of ["image/heic", "image/gif", "image/jpeg2", "", undefined]) {
    assert.equal(Core.drawable(type), false, type);
  }
});

test("a photo the server itself refused is not kept to try again", () => {
  for (const status of [400, 413, 415, 422]) assert.equal(Core.photoRefused(status, { error: "x" }), true);
  assert.equal(Core.photoRefused(413, null), false);  // a proxy's page: the photo waits on the phone
  for (const status of [401, 403, 429, 500, 502]) assert.equal(Core.photoRefused(status, { error: "x" }), false);
});

test("sizes in megabytes, with one decimal when it says something", () => {
  assert.equal(Core.megabytes(10485760), "10 MB");
  assert.equal(Core.megabytes(1572864), "1.5 MB");
  assert.equal(Core.megabytes(0), "0 MB");
});

test("a photo's Markdown goes at the end of the body, in a paragraph of its own", () => {
  assert.equal(Core.appended("", "![](x)"), "![](x)\n");
  assert.equal(Core.appended("Text", "![](x)"), "Text\n\n![](x)\n");
  assert.equal(Core.appended("Text\n", "![](x)"), "Text\n![](x)\n");
});
