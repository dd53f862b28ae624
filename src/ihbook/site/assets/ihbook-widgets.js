/* Lazy loader of the ipywidgets HTML manager (ihbook.site.reader; nb_ipywidgets_js in _config.yml).
 * The manager is 3.6 MB: it is fetched only when a widget comes near the screen (or the page
 * is printed, or window.ihbookLoadWidgets() is called), not on every visit to a chapter.
 * Until then each widget area shows a short note. Same files, same order as before:
 * RequireJS, its config (baseUrl), the manager (which renders every widget once loaded). */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = new URL("ihbook-vendor/", me.src).href;
  var files = ["requirejs/require.js", "requirejs/config.js", "html-manager/embed-amd.js"];
  var started = null;

  function script(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("无法加载 " + src)); };
      document.head.appendChild(s);
    });
  }

  function load() {
    if (started) return started;
    document.documentElement.classList.add("ihbook-widgets-loading");
    started = files.reduce(function (p, f) {
      return p.then(function () { return script(base + f); });
    }, Promise.resolve()).then(function () {
      document.documentElement.classList.add("ihbook-widgets-loaded");
    });
    return started;
  }
  window.ihbookLoadWidgets = load;

  function start() {
    var views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
    if (!views.length) return;
    var areas = [];
    views.forEach(function (v) {
      var area = v.parentElement;
      if (!area || area.querySelector(".ihbook-widget-wait")) return;
      var note = document.createElement("p");
      note.className = "ihbook-widget-wait";
      note.textContent = "交互图表加载中……";
      area.insertBefore(note, v);
      areas.push(area);
    });
    if (!("IntersectionObserver" in window)) { load(); return; }
    var io = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); load(); }
    }, { rootMargin: "400px 0px" });
    areas.forEach(function (a) { io.observe(a); });
    window.addEventListener("beforeprint", load);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
