/* The server's clock as the desk keeps it: the offset's sign, when a reading replaces the kept one,
   and filed_at stamped within the blog's life. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Core = require("../../static/desk-core.js");

const NOW = Date.parse("2026-03-01T12:00:00Z");

test("the offset is server minus phone: positive when the phone is behind, negative when ahead", () => {
  assert.deepEqual(Core.learn(null, NOW + 90000, NOW, true), { offset: 90000 });
  assert.deepEqual(Core.learn(null, NOW - 3600000, NOW, true), { offset: -3600000 });
});

test("no server time (an unparsable header) changes nothing", () => {
  assert.equal(Core.learn({ offset: 5 }, NaN, NOW, true), null);
  assert.equal(Core.learn(null, 0, NOW, false), null);
});

test("a Date header (whole seconds) moves the kept offset only by two seconds or more", () => {
  const kept = { offset: 10000 };
  assert.equal(Core.learn(kept, NOW + 11999, NOW, false), null);
  assert.equal(Core.learn(kept, NOW + 8001, NOW, false), null);
  assert.deepEqual(Core.learn(kept, NOW + 12000, NOW, false), { offset: 12000 });
  assert.deepEqual(Core.learn(kept, NOW + 8000, NOW, false), { offset: 8000 });
});

test("an exact reading always replaces the kept offset, and an inexact one sets a first offset", () => {
  assert.deepEqual(Core.learn({ offset: 10000 }, NOW + 10500, NOW, true), { offset: 10500 });
  assert.deepEqual(Core.learn(null, NOW + 500, NOW, false), { offset: 500 });
});

test("no clock known yet means no offset", () => {
  assert.equal(Core.offsetOf(null), 0);
  assert.equal(Core.offsetOf({ offset: -42 }), -42);
});

test("the server's time on arrival is what it said plus half the round trip", () => {
  assert.equal(Core.serverNow(NOW, 1000, 1600), NOW + 300);
  assert.equal(Core.serverNow(NOW, 1000, 1000), NOW);
});

test("a phone-clock time is stamped on the server's clock", () => {
  const phoneAt = NOW - 60000;
  assert.equal(Core.stamp(phoneAt, NOW, 3600000, 0), new Date(phoneAt + 3600000).toISOString());
  assert.equal(Core.stamp(phoneAt, NOW, -3600000, 0), new Date(phoneAt - 3600000).toISOString());
});

test("a stamp is never after now (a phone time in the future) nor before the blog began", () => {
  assert.equal(Core.stamp(NOW + 86400000, NOW, 1000, 0), new Date(NOW + 1000).toISOString());
  const started = NOW - 1000;
  assert.equal(Core.stamp(NOW - 7200000, NOW, 0, started), new Date(started).toISOString());
  assert.equal(Core.stamp(NOW, NOW, -7200000, started), new Date(started).toISOString());
});

test("a post's identity is its key, the phone's time and filed_at on the server's clock", () => {
  assert.deepEqual(Core.identity("k1", NOW, 2000, 0),
                   { key: "k1", phone_at: NOW, filed_at: new Date(NOW + 2000).toISOString() });
});

test("a post refused for its filed_at is stamped again once, from the phone time it was filed at", () => {
  const item = { key: "k", phone_at: NOW - 60000, filed_at: "2026-03-01T11:00:00.000Z" };
  assert.equal(Core.restamp(item, NOW, 5000, 0), item);
  assert.equal(item.filed_at, new Date(NOW - 55000).toISOString());
  assert.equal(item.restamped, true);
});

test("a post kept by an older desk (no phone_at) is stamped again from its filed_at", () => {
  const item = { key: "k", filed_at: "2026-03-01T11:00:00.000Z" };
  Core.restamp(item, NOW, 1000, 0);
  assert.equal(item.filed_at, "2026-03-01T11:00:01.000Z");
});
