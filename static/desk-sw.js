/* The desk's service worker (scope /desk/): the compose page and its assets open from the
   phone's cache when there is no connection, so a reload or a restart with the network cut
   still shows the outbox (kept in localStorage) and lets the correspondent keep writing.
   Network first: whenever the server answers, its page is the one shown and cached. */
"use strict";
var CACHE = "liveblog-desk-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (ev) { ev.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (ev) {
  var req = ev.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  var page = req.mode === "navigate" && url.pathname.indexOf("/desk/") === 0;
  if (!page && url.pathname.indexOf("/static/") !== 0) return;
  ev.respondWith(fetch(req).then(function (res) {
    if (res.ok && !res.redirected) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return c.put(page ? url.pathname : req, copy); });
    }
    return res;
  }).catch(function (err) {
    return caches.match(page ? url.pathname : req).then(function (hit) {
      if (hit) return hit;
      throw err;
    });
  }));
});
