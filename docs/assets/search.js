/* Site search: Pagefind behind Material's search box (overrides/partials/search.html).
 *
 * - Results keep Material's look: title plus an excerpt with the matched words marked.
 * - A 文号 typed in any bracket shape goes straight to its document (data/doc-numbers/).
 * - Every URL is built from the page's relative base, so the site works under a sub-path.
 * - Excerpts are rebuilt from text nodes: only <mark> survives, nothing else becomes HTML.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-policy-search]");
  if (!root) return;

  var PAGE = 10;
  var EVERY_PAGE = "pfdocument"; // written on every document page by overrides/main.html
  var base = new URL((root.dataset.base || ".").replace(/\/?$/, "/"), location.href);
  var input = root.querySelector(".md-search__input");
  var form = root.querySelector(".md-search__form");
  var meta = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var toggle = document.getElementById("__search");

  /* The rule of converter/docnumber.py parse(), for a whole query: any bracket shape
   * becomes 〔〕, "第" before the number is dropped, leading zeros go. */
  var YEAR_FORM = /^([\u4e00-\u9fff]{1,12})[〔\[(（【［〖﹝]((?:19|20)\d{2})[〕\])）】］〗﹞]第?(\d{1,5})号$/;
  var ORDER_FORM = /^([\u4e00-\u9fff]{0,11}令)第(\d{1,5})号$/;

  function normaliseDocNumber(text) {
    var t = String(text).replace(/\s+/g, "").replace(/^[()（）]+|[()（）]+$/g, "");
    var m = YEAR_FORM.exec(t);
    if (m) return m[1] + "〔" + m[2] + "〕" + parseInt(m[3], 10) + "号";
    m = ORDER_FORM.exec(t);
    if (m) return m[1] + "第" + parseInt(m[2], 10) + "号";
    return null;
  }
  window.policySearch = { normaliseDocNumber: normaliseDocNumber };

  /* The 文号 table is split by year (converter/search.py doc_number_shard): a lookup fetches
   * one year's file, however many documents the site has. */
  var shards = {};
  function lookup(number) {
    if (!number) return Promise.resolve([]);
    var m = /〔(\d{4})〕/.exec(number);
    var name = m ? m[1] : "other";
    if (!shards[name]) {
      shards[name] = fetch(new URL("data/doc-numbers/" + name + ".json", base))
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; });
    }
    return shards[name].then(function (table) { return table[number] || []; });
  }

  var enginePromise = null;
  function engine() {
    if (!enginePromise) {
      enginePromise = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        return pf.options({ baseUrl: base.pathname, excerptLength: 36 })
          .then(function () { return pf.init(); })
          .then(function () { return pf; });
      });
    }
    return enginePromise;
  }

  /* The search dictionary (data/search-terms.json, written by the converter: curated terms plus
   * shared headings). Each page carries a Pagefind filter per term it contains. */
  var termsPromise = null;
  function terms() {
    if (!termsPromise) {
      termsPromise = fetch(new URL("data/search-terms.json", base))
        .then(function (r) { return r.ok ? r.json() : []; })
        .catch(function () { return []; });
    }
    return termsPromise;
  }

  /* A dictionary term's first page: data/terms/<i>.json (written by converter/search_terms.py
   * after the build) holds how many pages contain the term and the newest ten, with the passage
   * around the term. One small file, however many pages match: Pagefind's own work grows with
   * the number of matches (~0.6 s for a term on 10,000 pages). */
  function termPage(i) {
    return fetch(new URL("data/terms/" + i + ".json", base))
      .then(function (r) { if (!r.ok) throw new Error("no term file"); return r.json(); });
  }

  /* Every page holding a dictionary term, newest first, from the term's Pagefind filter: that
   * filter holds exactly the pages that contain it, so no page is missed where the segmenters
   * disagree, and none is found for holding the term's pieces apart (医疗…联合…体). */
  function termResults(term) {
    var filter = {};
    filter[term] = "1";
    // Not search(null, …): a filter-only search fetches every index chunk; EVERY_PAGE is one word.
    return engine().then(function (pf) { return pf.search(EVERY_PAGE, { filters: filter, sort: { date: "desc" } }); })
      .then(function (s) { return s.results; });
  }

  /* Any other query is first searched as a phrase ("…"): Pagefind then lists the pages where the
   * query's words run in its order, that is the pages that contain it (no page found for
   * holding its words apart), and on 10,000 pages it answers in about half the time of a word
   * search. The word search (pages holding each of the query's words anywhere) is kept for
   * 其他可能相关的结果, on request, or shown at once when no page holds the phrase: the page
   * and the query were cut into words differently (三级公立医院 as 三级 公立医院 / 三级 公立 医院). */
  function textResults(q) {
    var quoted = /^".+"$/.test(q);
    return engine().then(function (pf) {
      function words() {
        return pf.search(q.replace(/^"|"$/g, "")).then(function (s) { return s.results; });
      }
      return pf.search(quoted ? q : '"' + q + '"').then(function (s) {
        var exact = s.results;
        if (exact.length || quoted) {
          var ids = {};
          exact.forEach(function (r) { ids[r.id] = true; });
          var related = quoted ? null : function () {
            return words().then(function (rs) { return rs.filter(function (r) { return !ids[r.id]; }); });
          };
          return { term: null, exact: true, count: exact.length, first: null, results: function () { return Promise.resolve(exact); }, related: related };
        }
        return words().then(function (rs) {
          return { term: null, exact: false, count: rs.length, first: null, results: function () { return Promise.resolve(rs); }, related: null };
        });
      });
    });
  }

  /* What the box shows for a query: {number, direct: documents with that 文号, term, count,
   * first: a dictionary term's first page (or null), results(): a promise of Pagefind's
   * results, related(): other possibly relevant results (or null)}. Pagefind is asked about a
   * dictionary term only for its later pages. */
  function find(query) {
    var q = query.trim();
    var number = normaliseDocNumber(q);
    return Promise.all([lookup(number), terms()]).then(function (got) {
      var i = got[1].indexOf(q);
      var answer = i < 0 ? null : termPage(i).then(function (page) {
        return { term: q, count: page.count, first: page.first, results: function () { return termResults(q); } };
      }).catch(function () { // a site built without the term files
        return termResults(q).then(function (rs) {
          return { term: q, count: rs.length, first: null, results: function () { return Promise.resolve(rs); } };
        });
      });
      answer = answer || textResults(q);
      return answer.then(function (a) {
        a.number = number;
        a.direct = got[0];
        return a;
      });
    });
  }

  /* Every page the box lists for a query over all its pages, in order, and the pages it offers
   * as 其他可能相关的结果 (paths; the recall benchmark and the browser tests use it). */
  function listAll(query) {
    function paths(rs) {
      return Promise.all(rs.map(function (r) { return r.data(); })).then(function (data) {
        return data.map(function (d) { return new URL(d.url, base).pathname; });
      });
    }
    return find(query).then(function (found) {
      var listed = found.direct.concat(found.first || []).map(function (d) { return new URL(d.url, base).pathname; });
      return found.results().then(paths).then(function (more) {
        listed = listed.concat(more).filter(function (u, k, all) { return all.indexOf(u) === k; });
        return found.related ? found.related().then(paths) : [];
      }).then(function (related) {
        return { listed: listed, related: related.filter(function (u) { return listed.indexOf(u) < 0; }) };
      });
    });
  }

  /* Pagefind's excerpt is HTML with <mark>; parse it inertly and keep text and marks only. */
  function excerptNodes(html) {
    var doc = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html");
    var out = document.createElement("p");
    doc.body.firstChild.childNodes.forEach(function walk(node) {
      if (node.nodeType === 3) out.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else node.childNodes.forEach(walk);
    });
    return out;
  }

  /* Text with every occurrence of needle marked. */
  function marked(text, needle) {
    var out = document.createElement("p");
    text.split(needle).forEach(function (part, k) {
      if (k > 0) {
        var mark = document.createElement("mark");
        mark.textContent = needle;
        out.appendChild(mark);
      }
      out.appendChild(document.createTextNode(part));
    });
    return out;
  }

  /* Pagefind marks each segment it matched, so 医联体 can come back as 医 in 医院. When the
   * page's text holds the query itself, show the passage around its first occurrence with
   * every occurrence marked (the window converter/search_terms.py passage() cuts for a term's
   * first page); otherwise Pagefind's own excerpt. */
  function passage(content, needle) {
    content = (content || "").replace(/\s*pfdocument\s*$/, "");
    var i = needle ? content.indexOf(needle) : -1;
    if (i < 0) return null;
    var from = Math.max(0, i - 24), to = Math.min(content.length, i + needle.length + 60);
    return marked((from > 0 ? "…" : "") + content.slice(from, to) + (to < content.length ? "…" : ""), needle);
  }

  function item(url, title, excerpt, note) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = url;
    a.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h = document.createElement("h1");
    h.textContent = title;
    article.appendChild(h);
    if (note) {
      var n = document.createElement("p");
      n.className = "policy-search__note";
      n.textContent = note;
      article.appendChild(n);
    }
    if (excerpt !== null) article.appendChild(typeof excerpt === "string" ? excerptNodes(excerpt) : excerpt);
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  /* Results are listed ten at a time; `shown` holds the paths already listed (a document reached
   * by its 文号, a term's first page), so no document is listed twice. */
  function moreButton(left, onClick) {
    var li = document.createElement("li");
    li.className = "md-search-result__item policy-search__more";
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button";
    b.textContent = "显示更多结果（还有 " + left + " 个）";
    b.addEventListener("click", function () { li.remove(); onClick(); });
    li.appendChild(b);
    return li;
  }

  function append(url, title, excerpt, extra, shown) {
    var href = new URL(url, base);
    if (shown[href.pathname]) return false;
    shown[href.pathname] = true;
    list.appendChild(item(href.href, title, excerpt, extra));
    return true;
  }

  function byline(number, date) {
    return [number, date].filter(Boolean).join(" · ");
  }

  function left(total, shown) {
    return total - Object.keys(shown).length;
  }

  /* The next page of Pagefind's results from position `from`: fragments are loaded ten at a
   * time until ten more documents are listed or the results run out; then `atEnd`, if any. */
  function show(results, from, token, needle, shown, total, atEnd) {
    var added = 0;
    function step(at) {
      if (added >= PAGE || at >= results.length) return Promise.resolve(at);
      return Promise.all(results.slice(at, at + PAGE).map(function (r) { return r.data(); })).then(function (data) {
        if (token !== seq) return results.length;
        data.forEach(function (d) {
          var excerpt = passage(d.content, needle) || d.excerpt;
          if (append(d.url, d.meta.title || d.url, excerpt, byline(d.meta["文号"], d.meta.date), shown)) added++;
        });
        return step(at + PAGE);
      });
    }
    return step(from).then(function (at) {
      if (token !== seq) return;
      if (at < results.length && left(total, shown) > 0) {
        list.appendChild(moreButton(left(total, shown), function () { show(results, at, token, needle, shown, total, atEnd); }));
      } else if (atEnd) atEnd();
    });
  }

  /* After the pages that contain the query: the pages that hold its words apart, on request. */
  function relatedButton(found, token, needle, shown) {
    var li = document.createElement("li");
    li.className = "md-search-result__item policy-search__more";
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button";
    b.textContent = "显示其他可能相关的结果（分别含有查询中的词语）";
    b.addEventListener("click", function () {
      li.className = "md-search-result__item policy-search__section";
      li.textContent = "其他可能相关的结果：分别含有查询中的词语，不一定含有完整的“" + needle + "”";
      found.related().then(function (rs) {
        if (token === seq) show(rs, 0, token, needle, shown, Object.keys(shown).length + rs.length);
      });
    });
    li.appendChild(b);
    return li;
  }

  var seq = 0;
  function run(query) {
    var token = ++seq;
    var q = query.trim();
    if (!q) {
      list.textContent = "";
      meta.textContent = "键入以开始搜索";
      return Promise.resolve();
    }
    meta.textContent = "正在搜索…";
    return find(q).then(function (found) {
      if (token !== seq) return;
      var shown = {};
      var total = found.direct.length + found.count;
      list.textContent = "";
      found.direct.forEach(function (d) { append(d.url, d.title, null, "文号直达：" + found.number, shown); });
      (found.first || []).forEach(function (e) {
        // A document reached through its 文号 is listed once, at the top.
        if (!append(e.url, e.title, e.passage ? marked(e.passage, q) : null, byline(e.number, e.date), shown)) total--;
      });
      meta.textContent = total ? "找到 " + total + " 个符合条件的结果" + (found.term ? "，按日期从新到旧" : "") : "没有找到符合条件的结果";
      if (found.exact === false && total) meta.textContent = "没有页面包含完整的“" + q + "”；以下 " + total + " 个结果分别含有其中的词语";
      root.dataset.results = String(total);
      var needle = found.number || q;
      if (!found.first) {
        var atEnd = found.related ? function () { list.appendChild(relatedButton(found, token, needle, shown)); } : null;
        return found.results().then(function (rs) { return show(rs, 0, token, needle, shown, total, atEnd); });
      }
      if (left(total, shown) > 0) {
        list.appendChild(moreButton(left(total, shown), function () {
          found.results().then(function (rs) { if (token === seq) show(rs, 0, token, needle, shown, total); });
        }));
      }
    }).catch(function (err) {
      if (token === seq) meta.textContent = "搜索暂时不可用";
      console.error(err);
    });
  }
  window.policySearch.run = run;
  window.policySearch.find = find;
  window.policySearch.listAll = listAll;

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 120);
  });
  // Load the engine while the reader types the first characters.
  input.addEventListener("focus", function () {
    toggle.checked = true;
    engine();
    terms();
  });
  toggle.addEventListener("change", function () {
    if (toggle.checked) input.focus();
  });

  /* Enter: a known 文号 opens its document; otherwise the first result. */
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    var number = normaliseDocNumber(input.value);
    lookup(number).then(function (direct) {
      if (direct.length === 1) {
        location.href = new URL(direct[0].url, base).href;
        return;
      }
      return run(input.value).then(function () {
        var first = list.querySelector(".md-search-result__link");
        if (first) location.href = first.href;
      });
    });
  });
  form.addEventListener("reset", function () {
    seq++;
    list.textContent = "";
    meta.textContent = "键入以开始搜索";
    input.focus();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && toggle.checked) {
      toggle.checked = false;
      input.blur();
    } else if (ev.key === "/" && !toggle.checked && !/INPUT|TEXTAREA/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      toggle.checked = true;
      input.focus();
    }
  });

  /* ?q=… opens the search with that query, so a search can be linked. */
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    toggle.checked = true;
    run(initial);
  }
})();
