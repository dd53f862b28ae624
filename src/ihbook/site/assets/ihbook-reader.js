/* Reader experience of the book (ihbook.site.reader). Loaded on every page, deferred.
 *  1. ☰ (chapter list) and page-contents buttons: the themes bind their handlers to the FIRST
 *     .primary-toggle / .secondary-toggle of the page, a hidden duplicate in the site header;
 *     clicks on the visible buttons are forwarded to it.
 *  2. Tooltips never stay up after a tap or click, and are not shown on touch screens.
 *  3. Charts: click, tap, Enter or Space on a chart image opens it at full size in a dialog.
 *  4. Reference markers ({claim}): tap/click toggles the source box; Esc closes it.
 */
(function () {
  "use strict";
  var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function hideTooltips() {
    document.querySelectorAll(".tooltip").forEach(function (t) { t.remove(); });
  }

  /* 1. sidebar buttons ------------------------------------------------------------- */
  function forwardToggles(selector) {
    var all = Array.prototype.slice.call(document.querySelectorAll(selector));
    if (all.length < 2) return;
    var bound = all[0];
    all.slice(1).forEach(function (btn) {
      btn.addEventListener("click", function (ev) {
        ev.preventDefault();
        ev.stopPropagation();
        bound.click();
        btn.blur();
        hideTooltips();
        if (selector === ".primary-toggle") {
          var side = document.getElementById("pst-primary-sidebar");
          var open = side && !side.classList.contains("pst-sidebar-hidden") && side.offsetParent !== null;
          btn.setAttribute("aria-expanded", open ? "true" : "false");
        }
      });
    });
  }

  /* 3. full-size charts ------------------------------------------------------------- */
  var ZOOMABLE = ".ihbook-chart img, .ihbook-state img, .bd-article .cell_output img";
  var dialog = null;

  function openImage(img) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "ihbook-lightbox";
      dialog.setAttribute("aria-label", "图表原尺寸");
      dialog.innerHTML = '<form method="dialog" class="ihbook-lightbox-bar"><span class="ihbook-lightbox-hint">原尺寸，可左右滑动查看</span>' +
        '<button type="submit" class="ihbook-lightbox-close">关闭</button></form><div class="ihbook-lightbox-body"></div>';
      dialog.addEventListener("click", function (ev) {
        if (ev.target === dialog || ev.target.tagName === "IMG") dialog.close();
      });
      document.body.appendChild(dialog);
    }
    var body = dialog.querySelector(".ihbook-lightbox-body");
    body.innerHTML = "";
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt || "";
    big.className = "ihbook-lightbox-img";
    body.appendChild(big);
    dialog.showModal();
  }

  function isZoomable(el) {
    return el && el.tagName === "IMG" && el.matches(ZOOMABLE) && el.naturalWidth > 0;
  }

  /* ids in tables drawn by widgets (the static pages get a no-break span at build time) */
  var ID_RE = /(^|[^\w-])(?:[A-Z]{1,4}\d{0,2}|CF|Q)-[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9](?![\w-])/;
  function nowrapIds(root) {
    (root || document).querySelectorAll(".widget-subarea td, .widget-subarea th").forEach(function (td) {
      var t = td.textContent || "";
      if (t.length <= 40 && ID_RE.test(t)) td.style.whiteSpace = "nowrap";
    });
  }

  function markZoomable(root) {
    nowrapIds(root);
    (root || document).querySelectorAll(ZOOMABLE).forEach(function (img) {
      if (img.dataset.ihbookZoom) return;
      img.dataset.ihbookZoom = "1";
      img.setAttribute("tabindex", "0");
      img.setAttribute("title", "点击查看原尺寸");
      img.classList.add("ihbook-zoomable");
    });
  }

  /* 4. reference markers ------------------------------------------------------------ */
  function closeClaims(except) {
    document.querySelectorAll(".ihbook-claim.open").forEach(function (c) {
      if (c === except) return;
      c.classList.remove("open");
      var b = c.querySelector(".ihbook-claim-mark");
      if (b) b.setAttribute("aria-expanded", "false");
    });
  }

  document.addEventListener("click", function (ev) {
    var mark = ev.target.closest && ev.target.closest(".ihbook-claim-mark");
    if (mark) {
      var box = mark.closest(".ihbook-claim");
      var open = !box.classList.contains("open");
      closeClaims(box);
      box.classList.toggle("open", open);
      mark.setAttribute("aria-expanded", open ? "true" : "false");
      ev.preventDefault();
      return;
    }
    if (!(ev.target.closest && ev.target.closest(".ihbook-claim-pop"))) closeClaims(null);
    if (isZoomable(ev.target)) { openImage(ev.target); return; }
    var tip = ev.target.closest && ev.target.closest('[data-bs-toggle="tooltip"], [data-bs-toggle="dropdown"]');
    if (tip) { setTimeout(function () { tip.blur(); hideTooltips(); }, 0); }
  }, true);

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") closeClaims(null);
    if ((ev.key === "Enter" || ev.key === " ") && isZoomable(ev.target)) {
      ev.preventDefault();
      openImage(ev.target);
    }
  });

  /* 2. tooltips: none on touch screens (they stick after a tap) */
  document.addEventListener("show.bs.tooltip", function (ev) { if (touch) ev.preventDefault(); }, true);
  document.addEventListener("touchend", function () { setTimeout(hideTooltips, 0); }, { passive: true });

  /* sphinx-togglebutton writes an English aria-label at run time: name the button by its text */
  function fixLabels() {
    document.querySelectorAll('[aria-label="Toggle hidden content"]').forEach(function (b) {
      b.setAttribute("aria-label", (b.textContent || "").trim() || "展开或收起");
    });
  }
  window.addEventListener("load", fixLabels);

  ready(function () {
    fixLabels();
    forwardToggles(".primary-toggle");
    forwardToggles(".secondary-toggle");
    markZoomable(document);
    // widget panels are drawn later by the widget manager
    if (window.MutationObserver) {
      var pending = false;
      new MutationObserver(function () {
        if (pending) return;
        pending = true;
        setTimeout(function () { pending = false; markZoomable(document); }, 200);
      }).observe(document.querySelector(".bd-article") || document.body, { childList: true, subtree: true });
    }
  });
})();
