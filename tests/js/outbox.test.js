/* The outbox's waiting posts: which goes next, how each transition changes a post, and what the
   outbox says about them. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Core = require("../../static/desk-core.js");

const FILED = "2026-03-01T12:00:00.000Z";
const post = (key, extra) => ({ key, phone_at: 1, filed_at: FILED, data: { body: key }, ...extra });

test("a post is ready to go unless it is held or being edited", () => {
  assert.equal(Core.sendable(post("a")), true);
  assert.equal(Core.sendable(post("a", { error: "Refused." })), false);
  assert.equal(Core.sendable(post("a", { editing: true })), false);
});

test("the next post to go is the oldest ready one no other tab is known to hold", () => {
  const items = [post("a", { editing: true }), post("b"), post("c", { error: "x" }), post("d")];
  assert.equal(Core.nextReady(items, []).key, "b");
  assert.equal(Core.nextReady(items, ["b"]).key, "d");
  assert.equal(Core.nextReady(items, ["b", "d"]), null);
  assert.equal(Core.nextReady([], []), null);
});

test("holding a post gives the reason shown and the kind of hold", () => {
  const item = post("a");
  assert.equal(Core.hold(item, "refused", "Refused: too long."), item);
  assert.equal(item.error, "Refused: too long.");
  assert.equal(item.hold, "refused");
  assert.equal(Core.sendable(item), false);
  assert.equal(Core.asNew(item), false);
});

test("an edit held because its post went can only go as a new update", () => {
  const gone = Core.heldAsNew(post("a"), "gone", Core.GONE);
  assert.equal(gone.why, Core.GONE);
  assert.equal(gone.error, Core.GONE + " Tap Edit to post them as a new update, or Discard them.");
  assert.equal(Core.asNew(gone), true);
  assert.equal(Core.asNew(post("b", { hold: "signin" })), false);
});

test("the first version published: the edit is held, naming the entry and its time when known", () => {
  const known = Core.publishedFirst(post("a"), { id: 12, time_gmt: "13:02 GMT" });
  assert.equal(known.hold, "published");
  assert.equal(known.published, 12);
  assert.match(known.why, /^An earlier version of this update was published at 13:02 GMT, before/);
  const unknown = Core.publishedFirst(post("b"), null);
  assert.equal(unknown.published, null);
  assert.match(unknown.why, /^An earlier version of this update was published, before/);
  assert.equal(Core.asNew(unknown), true);
});

test("the outbox waits for a sign-in while any post is held for one", () => {
  assert.equal(Core.waitsForSignIn([post("a"), post("b", { hold: "signin", error: "x" })]), true);
  assert.equal(Core.waitsForSignIn([post("a", { hold: "refused", error: "x" })]), false);
  assert.equal(Core.waitsForSignIn([]), false);
});

test("back from signing in, only the posts held for it are ready again", () => {
  const items = Core.releaseSignedOut([post("a", { hold: "signin", error: "signed out" }),
                                       post("b", { hold: "refused", error: "Refused." }), post("c")]);
  assert.deepEqual(items.map(Core.sendable), [true, false, true]);
  assert.equal("hold" in items[0], false);
  assert.equal(items[1].hold, "refused");
});

test("an edited post sent again keeps its key and filed_at, and loses its hold and draft", () => {
  const item = post("a", { editing: true, draft: { body: "half" }, error: "Refused.", hold: "refused",
                           restamped: true, sent: ["{}"] });
  Core.resubmit(item, { body: "fixed" }, { key: "new", phone_at: 9, filed_at: "2026-03-01T13:00:00.000Z" });
  assert.deepEqual(item, { key: "a", phone_at: 1, filed_at: FILED, data: { body: "fixed" },
                           editing: false, sent: ["{}"] });
});

test("an edit that can only go as new gets a new identity and forgets the published version", () => {
  const item = Core.publishedFirst(post("a", { editing: true, sent: ["{}"] }), { id: 3, time_gmt: "12:00 GMT" });
  const fresh = { key: "new", phone_at: 9, filed_at: "2026-03-01T13:00:00.000Z" };
  Core.resubmit(item, { body: "as new" }, fresh);
  assert.deepEqual(item, { ...fresh, data: { body: "as new" }, editing: false });
});

test("the body sent is the typed fields with filed_at", () => {
  const item = post("a", { data: { headline: "H", body: "B", key_event: true, supersedes: [2] } });
  assert.deepEqual(JSON.parse(Core.payload(item)),
                   { headline: "H", body: "B", key_event: true, supersedes: [2], filed_at: item.filed_at });
});

test("a translation's original goes as {blog, id} when its address is typed, by the server's pattern", () => {
  // model.ENTRY_ADDRESS, as the desk page hands it over: tests/test_translations.py keeps this copy equal to it
  const pattern = "(?:https?://[^/\\s]+)?/blogs/([a-z0-9](?:[a-z0-9\\-]{0,62}[a-z0-9])?)/entries/([1-9][0-9]{0,18})/?(?:#\\S*)?";
  const typed = (text) => JSON.parse(Core.payload(post("a", { data: { body: "B", translation_of: text } }), pattern));
  assert.deepEqual(typed(" https://news.example/blogs/moskva/entries/12#entry-12 ").translation_of,
                   { blog: "moskva", id: 12 });
  assert.deepEqual(typed("/blogs/moskva/entries/7").translation_of, { blog: "moskva", id: 7 });
  assert.equal(typed("").translation_of, null);
  assert.equal(typed("moskva 12").translation_of, "moskva 12", "kept as typed, for the server to refuse");
  assert.equal(Core.originalProblem("moskva 12", pattern), "Translation of: is not the address of an update");
  assert.equal(Core.originalProblem(" /blogs/moskva/entries/7 ", pattern), "");
  assert.equal(Core.originalProblem("", pattern), "");
});

test("the versions sent are kept once each, the last five, latest last", () => {
  const item = post("a");
  for (const body of ["1", "2", "1", "3", "4", "5", "6"]) Core.recordSent(item, body);
  assert.deepEqual(item.sent, ["1", "3", "4", "5", "6"]);
  Core.recordSent(item, "4");
  assert.deepEqual(item.sent, ["1", "3", "5", "6", "4"]);
});

test("the earlier versions to try are the others, latest first", () => {
  assert.deepEqual(Core.earlierVersions(post("a", { sent: ["1", "2", "3"] }), "3"), ["2", "1"]);
  assert.deepEqual(Core.earlierVersions(post("a", { sent: ["1", "2", "3"] }), "2"), ["3", "1"]);
  assert.deepEqual(Core.earlierVersions(post("a"), "1"), []);
});

const at = { online: true, sending: false, nextTry: 0, now: 1000 };

test("the outbox's state, in order of what matters most", () => {
  const ready = [post("a")], held = [post("a", { error: "x" })], edited = [post("a", { editing: true })];
  assert.equal(Core.outboxState(ready, { ...at, online: false, sending: true }), "will send when online");
  assert.equal(Core.outboxState(held, { ...at, sending: true }), "sending…");
  assert.equal(Core.outboxState(ready, { ...at, nextTry: 5000 }), "will try again");
  assert.equal(Core.outboxState(ready, at), "sending…");
  assert.equal(Core.outboxState(held.concat(edited), { ...at, nextTry: 5000 }), "needs your attention");
  assert.equal(Core.outboxState(edited, at), "being edited");
});

test("the summary counts the posts; a retry is not news, and an emptied outbox says so once", () => {
  assert.deepEqual(Core.outboxTexts(2, "will send when online", false),
                   { summary: "2 waiting — will send when online", news: "2 waiting — will send when online" });
  assert.deepEqual(Core.outboxTexts(1, "will try again", true), { summary: "1 waiting — will try again",
                                                                   news: "1 waiting" });
  assert.deepEqual(Core.outboxTexts(1, "sending…", true), { summary: "1 waiting — sending…", news: "1 waiting" });
  assert.deepEqual(Core.outboxTexts(0, "being edited", true), { summary: "", news: "All sent." });
  assert.deepEqual(Core.outboxTexts(0, "being edited", false), { summary: "", news: null });
});

test("a post's mark says who is editing it", () => {
  assert.equal(Core.marked(post("a", { editing: true }), "a", {}), " (being edited)");
  assert.equal(Core.marked(post("a"), "b", {}), "");
  assert.equal(Core.marked(post("a", { editing: true }), null, { a: true }), " (edit not finished: tap Edit)");
  assert.equal(Core.marked(post("a", { editing: true }), null, {}), " (being edited in another tab)");
});

test("the compose button and note follow what is being edited", () => {
  assert.deepEqual(Core.editLabels(null, undefined, "Editing."), { send: "Post update", note: "Editing." });
  assert.deepEqual(Core.editLabels("a", post("a", { editing: true }), "Editing."),
                   { send: "Send again", note: "Editing." });
  const gone = Core.heldAsNew(post("a"), "gone", Core.GONE);
  assert.deepEqual(Core.editLabels("a", gone, "Editing."), {
    send: "Post as a new update", note: Core.GONE + " Send it as a new update, or leave it in the outbox." });
});

test("discarding asks a question that says what is lost", () => {
  assert.match(Core.discardQuestion(Core.publishedFirst(post("a"), null)), /already published stays/);
  assert.match(Core.discardQuestion(post("a")), /has not been published/);
});

test("a draft keeps its ticked entries and adds the ones this page ticked", () => {
  const draft = { body: "x", supersedes: [1] };
  assert.deepEqual(Core.ticking(draft, [4]), { body: "x", supersedes: [1, 4] });
  assert.deepEqual(draft.supersedes, [1]);
  assert.deepEqual(Core.ticking({ body: "y" }, []), { body: "y", supersedes: [] });
});
