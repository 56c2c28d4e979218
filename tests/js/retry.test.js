/* How long a waiting post waits before it is tried again, and what each answer of the server means. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Core = require("../../static/desk-core.js");

test("the retry delay doubles from 2 s and stops growing at 60 s", () => {
  const middle = [0, 1, 2, 3, 4, 5, 6, 10, 50].map((n) => Core.backoff(n, 0.5));
  assert.deepEqual(middle, [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
});

test("each delay is spread by a quarter either way, never beyond", () => {
  assert.equal(Core.backoff(0, 0), 1500);
  assert.equal(Core.backoff(0, 1), 2500);
  assert.equal(Core.backoff(20, 0), 45000);
  assert.equal(Core.backoff(20, 1), 75000);
  for (let n = 0; n < 100; n++) {
    const d = Core.backoff(3, Math.random());
    assert.ok(d >= 12000 && d <= 20000, d);
  }
});

test("a Retry-After header counts in seconds; a missing or strange one counts nothing", () => {
  assert.equal(Core.retryAfter("120"), 120000);
  assert.equal(Core.retryAfter(null), 0);
  assert.equal(Core.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT"), 0);
});

test("the countdown says the whole seconds left, only while a post is ready and nothing is sending", () => {
  const items = [{ key: "a", data: {} }];
  const at = { online: true, sending: false, nextTry: 10500, now: 1000 };
  assert.equal(Core.countdown(items, at), "(next try in 10 s)");
  assert.equal(Core.countdown(items, { ...at, nextTry: 1001 }), "(next try in 1 s)");
  assert.equal(Core.countdown(items, { ...at, nextTry: 1000 }), "");
  assert.equal(Core.countdown(items, { ...at, online: false }), "");
  assert.equal(Core.countdown(items, { ...at, sending: true }), "");
  assert.equal(Core.countdown([{ key: "a", error: "Refused." }], at), "");
  assert.equal(Core.countdown([], at), "");
});

test("only the server's own JSON counts as an answer", () => {
  assert.equal(Core.isServerJson(false, "application/json"), true);
  assert.equal(Core.isServerJson(false, "application/json; charset=utf-8"), true);
  assert.equal(Core.isServerJson(true, "application/json"), false);  // a Wi-Fi sign-in redirect
  assert.equal(Core.isServerJson(false, "text/html"), false);
  assert.equal(Core.isServerJson(false, null), false);
});

test("a 403 is a stale CSRF token only when the server says CSRF", () => {
  assert.equal(Core.staleCsrf(403, { error: "CSRF token missing or wrong" }), true);
  assert.equal(Core.staleCsrf(403, { error: "not your blog" }), false);
  assert.equal(Core.staleCsrf(403, null), false);
  assert.equal(Core.staleCsrf(401, { error: "CSRF" }), false);
});

test("a 2xx that is not the server's JSON is retried with backoff alone", () => {
  assert.deepEqual(Core.verdict(200, true, null, "", "30"), { wait: 0 });
});

test("signed out (401, or a CSRF token the server no longer knows) holds the post until sign-in", () => {
  const stale = { error: "CSRF token missing or wrong" };
  for (const [status, answer] of [[401, null], [401, { error: "sign in" }], [403, stale]]) {
    const v = Core.verdict(status, false, answer, "", null);
    assert.equal(v.hold, "signin");
    assert.match(v.message, /signed out/);
  }
});

test("a refusal (4xx but 408 and 429) is held for the person, with the server's reason", () => {
  assert.deepEqual(Core.verdict(422, false, { error: "body is empty" }, "", null),
                   { hold: "refused", message: "Refused: body is empty. Tap Edit to fix it, or Discard." });
  assert.deepEqual(Core.verdict(413, false, { error: "too large" }, "a waiting photo", null), {
    hold: "refused", message: "Refused: a waiting photo: too large. Tap Edit to fix it, or Discard." });
  assert.equal(Core.verdict(403, false, { error: "not your blog" }, "", null).hold, "refused");
  assert.equal(Core.verdict(400, false, null, "", null).message,
               "The server refused it (400). Tap Edit to fix it, or Discard.");
  assert.equal(Core.verdict(404, false, null, "a waiting photo", null).message,
               "The server refused a waiting photo (404). Tap Edit to fix it, or Discard.");
});

test("a timeout, a rate limit or a server error is retried, at least after Retry-After", () => {
  assert.deepEqual(Core.verdict(429, false, { error: "slow down" }, "", "20"), { wait: 20000 });
  assert.deepEqual(Core.verdict(408, false, null, "", null), { wait: 0 });
  assert.deepEqual(Core.verdict(503, false, null, "", "5"), { wait: 5000 });
  assert.deepEqual(Core.verdict(502, false, null, "", null), { wait: 0 });
});

test("after a send: accepted, stamped again once, the first version published, or trouble", () => {
  const item = { key: "k" };
  assert.equal(Core.afterSend(201, true, { id: 7 }, item), "sent");
  assert.equal(Core.afterSend(200, true, null, item), "trouble");  // a captive portal's 200
  const late = { error: "filed_at is in the future", detail: { field: "filed_at" } };
  assert.equal(Core.afterSend(422, false, late, item), "restamp");
  assert.equal(Core.afterSend(422, false, late, { key: "k", restamped: true }), "trouble");
  assert.equal(Core.afterSend(422, false, { error: "x", detail: { field: "body" } }, item), "trouble");
  const reused = { error: "this Idempotency-Key was already used for a different request" };
  assert.equal(Core.afterSend(409, false, reused, item),
               "published-first");
  assert.equal(Core.afterSend(409, false, { error: "entry 3 was revised" }, item), "trouble");
  assert.equal(Core.afterSend(409, false, null, item), "trouble");
  assert.equal(Core.afterSend(500, false, null, item), "trouble");
});
