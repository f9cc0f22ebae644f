/* Every page: a table wider than the screen scrolls in its own box (Material's scroll wrapper);
 * a keyboard user must be able to reach that box to scroll it (WCAG 2.1.1), so a box that
 * overflows takes the focus and is named as a region; one that fits is left out of the tab order. */
(function () {
  "use strict";

  // The element that scrolls is Material's wrapper, or for a plain pipe table the <table>
  // itself (display: inline-block; overflow: auto). A table keeps its table role: it only
  // takes the focus; a wrapper becomes a named region.
  function mark() {
    document.querySelectorAll(".md-typeset .md-typeset__scrollwrap, .md-typeset table").forEach(function (el) {
      var overflow = getComputedStyle(el).overflowX;
      var scrolls = (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
      var marked = el.hasAttribute("data-scroll-box");
      if (scrolls && !marked && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-box", "");
        if (el.tagName !== "TABLE") {
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", "表格（可左右滚动）");
        }
      } else if (!scrolls && marked) {
        ["tabindex", "data-scroll-box", "role", "aria-label"].forEach(function (a) { el.removeAttribute(a); });
      }
    });
  }

  // Material wraps tables once the page is loaded, after this script runs.
  if (document.readyState === "complete") mark();
  else window.addEventListener("load", mark);
  var timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
})();

/* Document pages: a copy-link button on every heading and numbered item (一、（一）1.), so a
 * reader can cite "第二部分第（三）项" with a link that lands on it. */
(function () {
  "use strict";

  var body = document.querySelector("[data-pagefind-body]");
  if (!body) return;

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallback(text); });
    }
    return Promise.resolve(fallback(text));
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
  }

  var targets = body.querySelectorAll(".md-typeset .item[id], .md-typeset h2[id], .md-typeset h3[id], .md-typeset h4[id]");
  targets.forEach(function (el) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "policy-copy-link";
    button.title = "复制本条链接";
    button.setAttribute("aria-label", "复制本条链接");
    button.setAttribute("data-pagefind-ignore", "");
    button.textContent = "复制链接";
    button.addEventListener("click", function (ev) {
      ev.preventDefault();
      var url = location.href.split("#")[0] + "#" + el.id;
      history.replaceState(null, "", "#" + el.id);
      copy(url).then(function () {
        button.textContent = "已复制";
        button.dataset.copied = url;
        setTimeout(function () { button.textContent = "复制链接"; }, 1500);
      });
    });
    el.appendChild(button);
  });
})();
