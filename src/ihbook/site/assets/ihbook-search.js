/* Search page (book/_templates/search.html): Pagefind's UI in Chinese, with the ranking
 * chosen on the dev split of data/eval/search_queries.csv (ihbook.site.search.RANKING).
 * A query in the address (?q=…, as the search box in the header sends it) runs at once. */
(function () {
  "use strict";
  var el = document.getElementById("ihbook-search");
  if (!el || !window.PagefindUI) return;
  var ranking = {};
  try { ranking = JSON.parse(el.getAttribute("data-ranking") || "{}"); } catch (e) { ranking = {}; }
  var ui = new window.PagefindUI({
    element: "#ihbook-search",
    showSubResults: true,
    showImages: false,
    excerptLength: 40,
    ranking: ranking,
    resetStyles: false,
    translations: {
      placeholder: "搜索本书……",
      clear_search: "清除",
      load_more: "更多结果",
      search_label: "搜索本书",
      filters_label: "筛选",
      zero_results: "没有找到与“[SEARCH_TERM]”相关的内容",
      many_results: "找到 [COUNT] 个与“[SEARCH_TERM]”相关的页面",
      one_result: "找到 1 个与“[SEARCH_TERM]”相关的页面",
      alt_search: "没有找到与“[SEARCH_TERM]”相关的内容。下面是“[DIFFERENT_TERM]”的结果",
      search_suggestion: "没有找到与“[SEARCH_TERM]”相关的内容。可以试试：",
      searching: "正在搜索“[SEARCH_TERM]”……"
    }
  });
  // a visible label for Pagefind's input (axe: label-title-only)
  (function labelInput(tries) {
    var input = el.querySelector("input.pagefind-ui__search-input");
    if (input) { input.id = "ihbook-search-input"; return; }
    if (tries > 0) setTimeout(function () { labelInput(tries - 1); }, 50);
  })(100);
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
