/* The one-time sign-in link carries its token after "#" (/login#token=…): browsers never send
   that part to the server, so it stays out of access logs and Referer headers. This script
   takes it out of the address bar and history and puts it in the link form, which the
   correspondent sends with a tap (a link preview cannot spend it). Without JavaScript the
   link can be pasted into the same form. */
(function () {
  "use strict";
  var found = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  var form = document.getElementById("link-form");
  if (!found || !form) return;
  history.replaceState(null, "", location.pathname + location.search);
  var token = found[1];
  try { token = decodeURIComponent(token); } catch (e) { /* a mangled link: the server says so */ }
  document.getElementById("token").value = token;
  document.getElementById("password-form").hidden = true;
  document.getElementById("link-paste").hidden = true;
  document.getElementById("link-ready").hidden = false;
  var button = form.querySelector("button");
  button.textContent = I18n.gettext("Sign in");
  I18n.ready.then(function () { button.textContent = I18n.gettext("Sign in"); });
  button.className = "primary";
  button.focus();
})();
