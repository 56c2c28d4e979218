/* Inside the embed (/blogs/{slug}/embed): tells the page that frames it how tall the content is, whenever
 * that changes, so static/embed.js there can size the frame. The height is no secret: any origin may hear it. */
(function () {
  "use strict";
  if (window.parent === window || !window.ResizeObserver) return;
  var last = -1;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "liveblog:height", height: height }, "*");
  }
  new ResizeObserver(report).observe(document.documentElement);
  report();
})();
