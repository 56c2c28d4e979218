/* The compose box's checks before Post (issue 15): a text of spaces is not posted silently, a text over the
   limit is stopped with how much to cut, the counter counts as the server does and is news for screen readers
   only when it nears the limit, and a refusal names the field as the compose box labels it. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Core = require("../../static/desk-core.js");

test("a text of spaces and newlines cannot be posted, and the person is told why", () => {
  assert.equal(Core.bodyProblem("  \n\t \n", 20000, false), "Write the update first: it has no text.");
  assert.equal(Core.bodyProblem("", 20000, true), "", "a photo may go alone");
  assert.equal(Core.bodyProblem("Ports shut.", 20000, false), "");
});

test("a text over the limit cannot be posted: the message says by how much", () => {
  assert.equal(Core.bodyProblem("x".repeat(20000), 20000, false), "");
  assert.equal(Core.bodyProblem("x".repeat(20001), 20000, false),
               "The update is 1 character over the limit of 20000: shorten it.");
  assert.equal(Core.bodyProblem("x".repeat(20012), 20000, false),
               "The update is 12 characters over the limit of 20000: shorten it.");
});

test("characters are counted as the server counts them: an emoji is one, not two UTF-16 units", () => {
  assert.equal("📷".length, 2);
  assert.equal(Core.length("📷 é"), 3);
  assert.equal(Core.bodyProblem("📷".repeat(20000), 20000, false), "");
});

test("the counter says how many characters are left, or how many over", () => {
  assert.deepEqual(Core.counter(0, 20000), { text: "20000 characters left", over: false });
  assert.deepEqual(Core.counter(19999, 20000), { text: "1 character left", over: false });
  assert.deepEqual(Core.counter(20000, 20000), { text: "0 characters left", over: false });
  assert.deepEqual(Core.counter(20003, 20000), { text: "3 characters over the limit", over: true });
});

test("screen readers hear the counter only as it nears the limit, not on every keystroke", () => {
  assert.equal(Core.counterNews(10, 11, 20000), null);
  assert.equal(Core.counterNews(18999, 19000, 20000), "1000 characters left.");
  assert.equal(Core.counterNews(19000, 19001, 20000), null);
  assert.equal(Core.counterNews(19899, 19900, 20000), "100 characters left.");
  assert.equal(Core.counterNews(20000, 20001, 20000), "1 character over the limit.");
  assert.equal(Core.counterNews(20001, 20005, 20000), null);
  assert.equal(Core.counterNews(20001, 19990, 20000), "10 characters left.", "back under the limit is news");
  assert.equal(Core.counterNews(0, 19990, 20000), "10 characters left.", "a paste near the limit is news");
});

test("a refusal names the field by its label, not the API's name", () => {
  const answer = { error: "body: must be at most 20000 characters",
                   detail: { field: "body", message: "must be at most 20000 characters" } };
  assert.equal(Core.verdict(422, false, answer, "", null).message,
               "Refused: Update: must be at most 20000 characters. Tap Edit to fix it, or Discard.");
  const other = { error: "supersedes: entry 9 does not exist", detail: { field: "supersedes[0]", message: "entry 9 does not exist" } };
  assert.match(Core.verdict(422, false, other, "", null).message, /^Refused: Supersedes: entry 9 does not exist\./);
  assert.match(Core.verdict(409, false, { error: "conflict" }, "", null).message, /^Refused: conflict\./);
});

test("a refused photo is named by the photo box's labels, not the upload's field names", () => {
  const photo = { error: "file: the file is not an image this server can read",
                  detail: { field: "file", message: "the file is not an image this server can read" } };
  assert.equal(Core.verdict(422, false, photo, "a waiting photo", null).message,
               "Refused: a waiting photo: Photo: the file is not an image this server can read. "
               + "Tap Edit to fix it, or Discard.");
  assert.equal(Core.refusal(photo), "Photo: the file is not an image this server can read");
  const caption = { error: "caption: must be at most 300 characters",
                    detail: { field: "caption", message: "must be at most 300 characters" } };
  assert.equal(Core.refusal(caption), "Caption: must be at most 300 characters");
});

test("a refusal the server said in the person's language is shown in it, the field by its label", () => {
  const photo = { error: "file: the file is not an image this server can read", said: "файл не является изображением",
                  detail: { field: "file", message: "the file is not an image this server can read" } };
  assert.equal(Core.refusal(photo), "Photo: файл не является изображением");
  const ended = { error: "this blog has ended; reopen it to post", said: "этот блог завершён", detail: null };
  assert.equal(Core.refusal(ended), "этот блог завершён");
  const unlabelled = { error: "time: is required", detail: { field: "time", message: "is required" } };
  assert.equal(Core.refusal(unlabelled), "time: is required", "a field the compose box has no label for: its name");
});
