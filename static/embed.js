/* Liveblog embed loader, for a partner's page: sizes each Liveblog frame to its content.
 *
 *   <iframe src="https://live.example/blogs/strike/embed" title="Strike" width="600" height="800"
 *           data-liveblog-embed></iframe>
 *   <script src="https://live.example/static/embed.js" async></script>
 *
 * The frame posts {type: "liveblog:height", height} whenever its content changes height; only messages
 * from a frame marked data-liveblog-embed and from this script's own origin are heard. No cookies, no
 * other requests. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src, location.href).origin : null;
  if (!origin || window.__liveblogEmbed) return;
  window.__liveblogEmbed = true;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "liveblog:height") return;
    var height = Number(data.height);
    if (!(height > 0 && height < 100000)) return;
    var frames = document.querySelectorAll("iframe[data-liveblog-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frames[i].style.height = height + "px";
    }
  });
})();
