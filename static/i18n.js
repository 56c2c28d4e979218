/* The page's language for the scripts: the catalog's strings arrive as a versioned JSON file
   (<html data-catalog>, generated from the same .po catalogs as the pages; the CSP allows no
   inline script), plural forms keyed by CLDR category and picked with Intl.PluralRules. Until it
   arrives, and in English, each string is its own msgid. I18n.ready resolves once it has arrived.
   A classic script, one global (I18n); Node's tests load desk-core.js without it. */
var I18n = (function () {
  "use strict";
  var root = document.documentElement;
  var lang = root.getAttribute("lang") || "en";
  var messages = {};
  var plurals = new Intl.PluralRules(lang);

  function gettext(msgid) {
    var found = messages[msgid];
    return typeof found === "string" && found ? found : msgid;
  }
  function ngettext(singular, plural, n) {
    var found = messages[singular], category = plurals.select(n);
    if (found && typeof found === "object" && found[category]) return found[category];
    return new Intl.PluralRules("en").select(n) === "one" ? singular : plural;
  }
  /* "%(n)s waiting" with {n: 2}: the same placeholders as the Python side */
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }
  /* "5 min ago" as the language says it */
  function ago(amount, unit) {
    return new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "short" }).format(-amount, unit);
  }
  /* the reader's own local time, in their words: the title beside each GMT time */
  function localTime(date) {
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(date);
  }
  var url = root.getAttribute("data-catalog");
  var ready = !url ? Promise.resolve() : fetch(url, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : { messages: {} }; })
    .then(function (c) { messages = c.messages || {}; root.setAttribute("data-catalog-ready", ""); })
    .catch(function () { /* offline before the catalog came: the English msgids stand */ });
  return { lang: lang, gettext: gettext, ngettext: ngettext, format: format, ago: ago, localTime: localTime,
           ready: ready };
})();
