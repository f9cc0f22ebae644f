/* Site search behind Material's search box (overrides/partials/search.html).
 *
 * - Matches are the pages that contain the query, from the substring index site/search/
 *   (converter/search/substring_index.py): the query is folded like the pages (NFKC, Traditional ->
 *   Simplified, lower case, 文号 brackets unified, spaces dropped) and found through the
 *   positions of its character pairs, whatever a word segmenter would make of it.
 * - Ranked: a title hit first, then more occurrences, then an earlier one, then the newest.
 * - Each listed match is checked against its own text before it is shown (and its excerpt is
 *   cut around the match there), so no listed page lacks the query.
 * - Pages that only share words with the query (Pagefind's word search) come after the matches,
 *   on request, under their own heading.
 * - A 文号 typed with any brackets goes straight to its document, or to the 待收录 page of a
 *   cited document the library does not have yet.
 * - Keyboard: ↑/↓ move through the results, Enter opens, Esc closes, Tab stays in the dialog.
 * - Every URL is built from the page's relative base, so the site works under a sub-path.
 * - Scraped text is only ever set as text; only <mark> elements are made.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-policy-search]");
  if (!root) return;

  var PAGE = 10;
  var base = new URL((root.dataset.base || ".").replace(/\/?$/, "/"), location.href);
  var input = root.querySelector(".md-search__input");
  var form = root.querySelector(".md-search__form");
  var meta = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var toggle = document.getElementById("__search");

  /* The rule of converter/text/docnumber.py parse(), for a whole query: any bracket shape
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

  function getJSON(path) {
    return fetch(new URL(path, base)).then(function (r) {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    });
  }

  /* ------------------------------------------------------------ the substring index */

  var indexPromise = null;
  function index() {
    if (!indexPromise) {
      indexPromise = getJSON("search/index.json").catch(function (e) { indexPromise = null; throw e; });
    }
    return indexPromise;
  }

  /* The query folded as converter/search/substring_index.py folds the pages (its table holds every
   * character whose fold differs and could meet the corpus): the folded characters, and for
   * each the offset of its source character in `text`. */
  function fold(ix, text) {
    var chars = [], where = [];
    for (var i = 0; i < text.length;) {
      var c = String.fromCodePoint(text.codePointAt(i));
      // Control characters (below U+0020 the table leaves out) are dropped, as the index drops them.
      var f = c < " " ? "" : Object.prototype.hasOwnProperty.call(ix.fold, c) ? ix.fold[c] : c;
      if (f) { chars.push(f); where.push(i); }
      i += c.length;
    }
    return { chars: chars, text: chars.join(""), where: where };
  }

  function varints(bytes) {
    var at = 0;
    return {
      more: function () { return at < bytes.length; },
      at: function () { return at; },
      skip: function (n) { at += n; },
      next: function () {
        var n = 0, shift = 1, b;
        do { b = bytes[at++]; n += (b & 127) * shift; shift *= 128; } while (b & 128);
        return n;
      }
    };
  }

  /* Packs and text stretches are gzip'd files (converter/search/substring_index.py _gz); a server that
   * already sent them with Content-Encoding: gzip hands over the inflated bytes. */
  var fetched = 0;  // bytes of index files fetched, for the budget of a query's checks
  function getBytes(path) {
    return fetch(new URL(path, base)).then(function (r) {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.arrayBuffer();
    }).then(function (buf) {
      fetched += buf.byteLength;
      var b = new Uint8Array(buf);
      if (b[0] !== 0x1f || b[1] !== 0x8b) return buf;
      return new Response(new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    });
  }

  /* Packs: postings sorted by key, ~16 KB per file (a frequent pair's alone may be larger). */
  var packs = {};
  function pack(name) {
    if (!packs[name]) {
      packs[name] = getBytes("search/packs/" + name).then(function (buf) {
        // Header: key count, then per key its UTF-8 length, bytes and posting length; then the postings.
        var bytes = new Uint8Array(buf), rd = varints(bytes), dec = new TextDecoder();
        var n = rd.next(), entries = [];
        for (var k = 0; k < n; k++) {
          var kl = rd.next(), at = rd.at();
          entries.push([dec.decode(bytes.subarray(at, at + kl)), 0]);
          rd.skip(kl);
          entries[k][1] = rd.next();
        }
        var map = new Map(), p = rd.at();
        entries.forEach(function (e) { map.set(e[0], bytes.subarray(p, p + e[1])); p += e[1]; });
        return map;
      });
    }
    return packs[name];
  }

  /* The last entry whose first key is <= key (keys in UTF-16 order, as written), or null. */
  function floor(entries, key) {
    var lo = 0, hi = entries.length - 1;
    if (hi < 0 || key < entries[0][0]) return null;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (entries[mid][0] <= key) lo = mid; else hi = mid - 1;
    }
    return entries[lo][1];
  }

  /* index.json -> directory file (first keys of 128 packs) -> the pack holding a key:
   * [first key, file, gzip'd size, split pairs in it], or null. */
  var dirs = {};
  function locate(ix, key) {
    var d = floor(ix.dirs, key);
    if (!d) return Promise.resolve(null);
    if (!dirs[d]) dirs[d] = getJSON("search/dirs/" + d);
    return dirs[d].then(function (entries) {
      var lo = 0, hi = entries.length - 1;
      if (key < entries[0][0]) return null;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (entries[mid][0] <= key) lo = mid; else hi = mid - 1;
      }
      return entries[lo];
    });
  }

  /* A key's postings (bytes), or null. */
  function posting(ix, key) {
    return locate(ix, key).then(function (at) {
      return at ? pack(at[1]).then(function (m) { return m.get(key) || null; }) : null;
    });
  }

  /* Bigram postings: page id -> sorted positions (title from 0, body from title_span). */
  function decodeGram(bytes) {
    var rd = varints(bytes), out = new Map(), id = -1;
    while (rd.more()) {
      id += rd.next();
      var n = rd.next(), ps = new Array(n), p = 0;
      for (var k = 0; k < n; k++) { p += rd.next(); ps[k] = p; }
      out.set(id, ps);
    }
    return out;
  }

  function charHits(bytes) {
    var rd = varints(bytes), out = [], id = -1;
    while (rd.more()) {
      id += rd.next();
      var v = rd.next();
      out.push({ id: id, count: Math.floor(v / 2), title: (v & 1) === 1, first: -1 });
    }
    return out;
  }

  /* A split pair's own entry (after its 0 byte): page id -> { count, title }. */
  function decodeDocs(bytes) {
    var rd = varints(bytes), out = new Map(), id = -1;
    while (rd.more()) {
      id += rd.next();
      var v = rd.next();
      out.set(id, { count: Math.floor(v / 2), title: (v & 1) === 1 });
    }
    return out;
  }

  /* A split pair's positions on pages `ids` (page id -> positions), from the entries of the
   * blocks of ix.block page ids that hold them. */
  function blockOf(ix, id) { return Math.floor(id / ix.block); }
  function blockPositions(ix, key, ids) {
    var blocks = {};
    ids.forEach(function (id) { blocks[blockOf(ix, id)] = true; });
    return Promise.all(Object.keys(blocks).map(function (b) {
      var hex = (+b).toString(16);
      return posting(ix, key + ix.block_sep + "0000".slice(hex.length) + hex);
    })).then(function (bs) {
      var out = new Map();
      bs.forEach(function (bytes) { if (bytes) decodeGram(bytes).forEach(function (ps, id) { out.set(id, ps); }); });
      return out;
    });
  }

  /* Starts whose pair at offset o is there too (both lists sorted). */
  function keep(starts, ps, o) {
    var out = [], j = 0;
    for (var k = 0; k < starts.length; k++) {
      var want = starts[k] + o;
      while (j < ps.length && ps[j] < want) j++;
      if (j < ps.length && ps[j] === want) out.push(starts[k]);
    }
    return out;
  }

  /* Pairs at offsets 0, 2, 4, … and the last cover every character: a page holds the query
   * at p exactly when each of those pairs is at p + its offset. */
  function coverOffsets(chars) {
    var offsets = [];
    for (var o = 0; o < chars.length - 1; o += 2) offsets.push(o);
    if (offsets[offsets.length - 1] !== chars.length - 2) offsets.push(chars.length - 2);
    return offsets;
  }

  /* Where the query can start given each offset's positions on a page (a missing list: none). */
  function alignedStarts(offsets, lists) {
    if (!lists[0]) return [];
    var starts = lists[0].map(function (p) { return p - offsets[0]; }).filter(function (p) { return p >= 0; });
    for (var k = 1; starts.length && k < offsets.length; k++) {
      starts = lists[k] ? keep(starts, lists[k], offsets[k]) : [];
    }
    return starts;
  }

  function hitAt(ix, id, starts) {
    if (!starts.length) return null;
    var body = starts.filter(function (p) { return p >= ix.title_span; });
    return { id: id, count: starts.length, title: starts[0] < ix.title_span, first: body.length ? body[0] - ix.title_span : -1 };
  }

  /* The hit on page `id` given each offset's positions there (null: the pair is not there). */
  function aligned(ix, id, offsets, lists) {
    return hitAt(ix, id, alignedStarts(offsets, lists));
  }

  function rank(a, b) {
    return (b.title - a.title) || (b.count - a.count) ||
      ((a.first < 0 ? Infinity : a.first) - (b.first < 0 ? Infinity : b.first)) || (a.id - b.id);
  }

  var CHEAP = 48 * 1024;    // pack bytes a query fetches at once before it narrows its candidates
  var FEW = 64;             // candidates checked all at once (their count is then exact)
  var BATCH = 16;           // candidates checked per step when there are more …
  var BUDGET = 512 * 1024;  // … until this many bytes are fetched for one page of results
  var TEXT_BYTES = 2048;    // an excerpt file, gzip'd, and its request: the cost of checking a page by its text

  /* A query of 3+ characters over an index where common pairs are split (positions by
   * block of pages): the pairs fetched cheapest first, until few pages can hold the query;
   * those pages are then checked against the positions of every pair. Returns
   * { hits, pending, more(n) }: hits checked and ranked; pending, pages that may hold the
   * query, best possible rank first; more(n) checks pending pages until the first n hits
   * are final (or all when n is Infinity). */
  function phrase(ix, chars) {
    var begun = fetched;
    var offsets = coverOffsets(chars);
    var keys = offsets.map(function (o) { return chars[o] + chars[o + 1]; });
    var unique = keys.filter(function (k, i) { return keys.indexOf(k) === i; });
    return Promise.all(unique.map(function (k) { return locate(ix, k); })).then(function (locs) {
      var info = {};
      unique.forEach(function (k, i) {
        var at = locs[i];
        info[k] = { size: at ? at[2] : 0, split: !!(at && at[3] && at[3].indexOf(k) >= 0), whole: null, docs: null };
      });
      var order = unique.slice().sort(function (a, b) { return info[a].size - info[b].size; });
      var fetched = [];
      function load(k) {
        return posting(ix, k).then(function (bytes) {
          if (!bytes) { info[k].missing = true; return; }
          if (bytes[0] === 0) info[k].docs = decodeDocs(bytes.subarray(1));
          else info[k].whole = decodeGram(bytes);
          fetched.push(k);
        });
      }
      function ids(k) { return info[k].whole || info[k].docs; }
      function candidates() {
        var sets = fetched.map(ids).sort(function (a, b) { return a.size - b.size; });
        var out = [];
        sets[0].forEach(function (_, id) {
          for (var i = 1; i < sets.length; i++) if (!sets[i].has(id)) return;
          out.push(id);
        });
        return out;
      }
      // Cheapest first: all cheap packs at once (at least one), then one at a time while
      // many pages remain possible.
      var first = order.filter(function (k, i) { return i === 0 || info[k].size <= CHEAP; });
      var rest = order.slice(first.length);
      return Promise.all(first.map(load)).then(function step() {
        if (unique.some(function (k) { return info[k].missing; })) return [];
        var c = candidates();
        if (rest.length && c.length > FEW) return load(rest.shift()).then(step);
        return c;
      }).then(function (cands) {
        return checker(ix, chars, offsets, keys, info, cands, begun);
      });
    });
  }

  /* The candidates' best possible ranks, and the step that checks them. */
  function checker(ix, chars, offsets, keys, info, cands, begun) {
    var pending = [];
    cands.forEach(function (id) {
      var lists = keys.map(function (k) { return info[k].whole ? info[k].whole.get(id) : null; });
      var known = offsets.filter(function (_, i) { return lists[i]; });
      var bound = { id: id, title: true, count: Infinity, first: 0 };
      if (known.length) {
        var part = aligned(ix, id, known, lists.filter(Boolean));
        if (!part) return;
        bound.title = part.title;
        bound.count = part.count;
      }
      keys.forEach(function (k) {
        var d = info[k].docs && info[k].docs.get(id);
        if (d) { bound.title = bound.title && d.title; bound.count = Math.min(bound.count, d.count); }
      });
      pending.push(bound);
    });
    pending.sort(rank);
    var found = { hits: [], pending: pending };
    function unfetched() {
      return keys.filter(function (k, i) { return !info[k].whole && keys.indexOf(k) === i; });
    }
    function fetchWhole(k) {
      return posting(ix, k).then(function (bytes) { info[k].whole = bytes ? decodeGram(bytes) : new Map(); });
    }
    // Positions for the batch: of every pair (whole pairs, and split pairs' blocks).
    function byPositions(ids) {
      var split = unfetched();
      return Promise.all(split.map(function (k) { return blockPositions(ix, k, ids); })).then(function (got) {
        var pos = {};
        split.forEach(function (k, i) { pos[k] = got[i]; });
        return ids.map(function (id) {
          return aligned(ix, id, offsets, keys.map(function (k) { return (info[k].whole || pos[k]).get(id) || null; }));
        });
      });
    }
    // Or: where the query can start, from the whole pairs (or one split pair's blocks), each
    // start checked against the page's own text (its excerpt files, a tenth of a block's size,
    // and the ones the result list shows anyway).
    function byText(ids) {
      var whole = offsets.filter(function (_, i) { return info[keys[i]].whole; });
      var starts;
      if (whole.length) {
        starts = Promise.resolve(function (id) {
          return alignedStarts(whole, whole.map(function (o) { return info[keys[offsets.indexOf(o)]].whole.get(id) || null; }));
        });
      } else {
        // The split pair with the fewest occurrences on these pages: the fewest starts to check.
        var weight = function (k) {
          var d = info[k].docs;
          return d ? ids.reduce(function (n, id) { return n + (d.has(id) ? d.get(id).count : 0); }, 0) : Infinity;
        };
        var anchor = unfetched().sort(function (a, b) { return weight(a) - weight(b); })[0];
        var at = offsets[keys.indexOf(anchor)];
        starts = blockPositions(ix, anchor, ids).then(function (m) {
          return function (id) { return alignedStarts([at], [m.get(id) || null]); };
        });
      }
      return starts.then(function (startsOf) {
        return Promise.all(ids.map(function (id) { return textHit(ix, id, startsOf(id), chars); }));
      });
    }
    // A split pair's block sizes, estimated from its pages' counts (~2 bytes a page, ~1.5 an
    // occurrence), and the blocks already fetched.
    var sizes = {}, loaded = {};
    function blockSize(k, b) {
      if (!sizes[k]) {
        sizes[k] = {};
        info[k].docs.forEach(function (d, id) {
          var at = blockOf(ix, id);
          sizes[k][at] = (sizes[k][at] || 0) + 2 + 1.5 * d.count;
        });
      }
      return loaded[k + ix.block_sep + b] ? 0 : sizes[k][b] || 0;
    }
    // Check by positions when the blocks cost less per page than the text: a block serves every
    // pending page in it (all of them join the batch), an excerpt file one page.
    function byBlocks(batch) {
      var split = unfetched(), blocks = {};
      if (split.some(function (k) { return !info[k].docs; })) return null;  // sizes unknown (few candidates)
      batch.forEach(function (b) { blocks[blockOf(ix, b.id)] = true; });
      var cost = 0;
      Object.keys(blocks).forEach(function (b) { split.forEach(function (k) { cost += blockSize(k, b); }); });
      var inBlocks = found.pending.filter(function (b) { return blocks[blockOf(ix, b.id)]; });
      if (cost > TEXT_BYTES * (batch.length + inBlocks.length) || cost > BUDGET / 4) return null;
      Object.keys(blocks).forEach(function (b) { split.forEach(function (k) { loaded[k + ix.block_sep + b] = true; }); });
      found.pending = found.pending.filter(function (b) { return !blocks[blockOf(ix, b.id)]; });
      return batch.concat(inBlocks);
    }
    // Every candidate at once (rankedIds) goes by positions: a few hundred blocks rather than
    // the text of every page.
    function check(batch, all) {
      return Promise.all(unfetched().filter(function (k) { return !info[k].split; }).map(fetchWhole)).then(function () {
        var ids = batch.map(function (b) { return b.id; });
        if (all || !unfetched().length || chars.length > ix.overlap) return byPositions(ids);
        var wide = byBlocks(batch);
        return wide ? byPositions(wide.map(function (b) { return b.id; })) : byText(ids);
      }).then(function (hits) {
        hits.forEach(function (hit) { if (hit) found.hits.push(hit); });
        found.hits.sort(rank);
      });
    }
    // The first n hits are final when the n-th ranks before every pending page's best
    // possible rank (title hit, then occurrences; where they are is not known before the check).
    function final(n) {
      var h = found.hits[n - 1], b = found.pending[0];
      return (h.title && !b.title) || (h.title === b.title && h.count > b.count);
    }
    function step(n, start) {
      var left = found.pending.length;
      if (!left) return Promise.resolve(found);
      if (n !== Infinity && left > FEW) {
        if (found.hits.length >= n && final(n)) return Promise.resolve(found);
        // Past the budget the rest stays pending (counted apart; "显示更多" checks on).
        if (fetched - start >= BUDGET) return Promise.resolve(found);
      }
      var size = n === Infinity || left <= FEW ? left : BATCH;
      return check(found.pending.splice(0, size), n === Infinity && size > FEW).then(function () { return step(n, start); });
    }
    // One budget per page of results asked for (the first page's spans the query's lookups too).
    found.asked = 0;
    found.start = begun;
    found.more = function (n) {
      if (n > found.asked) {
        if (found.asked) found.start = fetched;
        found.asked = n;
      }
      return step(n, found.start);
    };
    return found;
  }

  /* {folded, hits, pending, more}: the pages holding the query, ranked; the first `n` of them
   * final (all of them, and no page pending, when n is Infinity). */
  function matches(query, n) {
    n = n || PAGE;
    return index().then(function (ix) {
      var f = fold(ix, query);
      var done = function (hits) { return { folded: f, hits: hits, pending: [], more: function () { return Promise.resolve(this); } }; };
      if (!f.chars.length) return done([]);
      if (f.chars.length === 1) {
        return posting(ix, f.chars[0]).then(function (b) { return done(b ? charHits(b).sort(rank) : []); });
      }
      if (f.chars.length === 2) {
        var key = f.chars.join("");
        return posting(ix, key).then(function (b) {
          if (!b) return done([]);
          if (b[0] !== 0) return done(gramHits(ix, f.chars, decodeGram(b)));
          // A split pair: counts and title flags of every page; first positions are fetched
          // for the hits shown (so ties rank by date here).
          var hits = [];
          decodeDocs(b.subarray(1)).forEach(function (d, id) { hits.push({ id: id, count: d.count, title: d.title, first: -1, key: key }); });
          return done(hits.sort(rank));
        });
      }
      return phrase(ix, f.chars).then(function (found) {
        if (Array.isArray(found)) return done(found);
        found.folded = f;
        return found.more(n);
      });
    });
  }

  function gramHits(ix, chars, positions) {
    var hits = [];
    positions.forEach(function (ps, id) { hits.push(aligned(ix, id, [0], [ps])); });
    return hits.sort(rank);
  }

  /* A page's k-th stretch of body text (docs/<id>-<k>.bin: {u, t, d, n, s, x, k}), fetched once. */
  var records = {};
  function record(id, k) {
    var name = id + "-" + k;
    if (!records[name]) {
      records[name] = getBytes("search/docs/" + name + ".bin").then(function (buf) {
        return JSON.parse(new TextDecoder().decode(buf));
      });
      records[name].catch(function () { delete records[name]; });
    }
    return records[name];
  }

  /* The hit on page `id` among `starts` (positions as the postings count them), each checked
   * against the page's folded title or the stretch of body text it falls in. */
  function textHit(ix, id, starts, chars) {
    var wanted = {};
    starts.forEach(function (p) {
      var k = p < ix.title_span ? 0 : Math.floor((p - ix.title_span) / ix.chunk);
      (wanted[k] = wanted[k] || []).push(p);
    });
    var ks = Object.keys(wanted);
    return Promise.all(ks.map(function (k) { return record(id, +k); })).then(function (recs) {
      var ok = [];
      recs.forEach(function (rec, i) {
        wanted[ks[i]].forEach(function (p) {
          var title = p < ix.title_span;
          var text = title ? (rec.ft = rec.ft || fold(ix, rec.t).chars) : (rec.fx = rec.fx || fold(ix, rec.x).chars);
          var at = title ? p : p - ix.title_span - rec.s;
          if (at < 0 || at + chars.length > text.length) return;
          for (var j = 0; j < chars.length; j++) if (text[at + j] !== chars[j]) return;
          ok.push(p);
        });
      });
      ok = ok.sort(function (a, b) { return a - b; }).filter(function (p, i) { return ok[i - 1] !== p; });
      return hitAt(ix, id, ok);
    });
  }

  /* A page's stretch of body text around its first match (docs/<id>-<k>.bin). */
  function chunk(ix, hit) {
    // A hit of a split pair knows its count, not where it is: its block tells.
    var first = !hit.key ? Promise.resolve(hit.first) : blockPositions(ix, hit.key, [hit.id]).then(function (m) {
      var body = (m.get(hit.id) || []).filter(function (p) { return p >= ix.title_span; });
      return body.length ? body[0] - ix.title_span : -1;
    });
    return first.then(function (at) {
      return record(hit.id, at >= 0 ? Math.floor(at / ix.chunk) : 0);
    });
  }

  /* ------------------------------------------------------------ 文号 */

  var shards = {};
  function lookup(number) {
    if (!number) return Promise.resolve([]);
    var m = /〔(\d{4})〕/.exec(number);
    var name = m ? m[1] : "other";
    if (!shards[name]) shards[name] = getJSON("search/numbers/" + name + ".json").catch(function () { return {}; });
    return shards[name].then(function (table) { return table[number] || []; });
  }

  /* ------------------------------------------------------------ Pagefind (related pages) */

  var enginePromise = null;
  function engine() {
    if (!enginePromise) {
      /* A site built in shards has a Pagefind bundle per shard (index.json lists the others):
       * merged into the first, they answer as one index. */
      enginePromise = Promise.all([import(new URL("pagefind/pagefind.js", base).href), index()]).then(function (got) {
        var pf = got[0], others = got[1].pagefind_bundles || [];
        return pf.options({ baseUrl: base.pathname, excerptLength: 36 })
          .then(function () {
            return Promise.all(others.map(function (b) {
              return pf.mergeIndex(new URL(b, base).href, { baseUrl: base.pathname });
            }));
          })
          .then(function () { return pf.init(); })
          .then(function () { return pf; });
      });
    }
    return enginePromise;
  }

  /* ------------------------------------------------------------ rendering */

  /* Ranges [from, to) of `text` whose folded form is the folded query. */
  function ranges(ix, text, needle) {
    var f = fold(ix, text), out = [], at = f.text.indexOf(needle.text);
    while (needle.text && at >= 0) {
      var first = charIndex(f, at), last = charIndex(f, at + needle.text.length - 1);
      var end = f.where[last] + String.fromCodePoint(text.codePointAt(f.where[last])).length;
      out.push([f.where[first], end]);
      at = f.text.indexOf(needle.text, at + 1);
    }
    return out;
  }

  // folded string offset (UTF-16) -> index into chars/where
  function charIndex(f, offset) {
    var n = 0, k = 0;
    while (k < f.chars.length && n + f.chars[k].length <= offset) { n += f.chars[k].length; k++; }
    return k;
  }

  function markedText(tag, text, rs) {
    var out = document.createElement(tag), at = 0;
    rs.forEach(function (r) {
      if (r[0] < at) return;
      out.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(r[0], r[1]);
      out.appendChild(mark);
      at = r[1];
    });
    out.appendChild(document.createTextNode(text.slice(at)));
    return out;
  }

  /* The passage around the first occurrence, every occurrence in it marked. */
  function excerpt(text, rs) {
    var from = rs.length ? Math.max(0, rs[0][0] - 24) : 0;
    var to = Math.min(text.length, (rs.length ? rs[0][1] : 0) + 72);
    var inside = rs.filter(function (r) { return r[0] >= from && r[1] <= to; })
      .map(function (r) { return [r[0] - from, r[1] - from]; });
    var p = markedText("p", text.slice(from, to).replace(/\n/g, " "), inside);
    if (from > 0) p.insertBefore(document.createTextNode("…"), p.firstChild);
    if (to < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }

  function item(url, titleNode, body, note, kind) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = new URL(url, base).href;
    a.dataset.kind = kind;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    article.appendChild(titleNode);
    if (note) {
      var n = document.createElement("p");
      n.className = "policy-search__note";
      n.textContent = note;
      article.appendChild(n);
    }
    if (body) article.appendChild(body);
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  function h1(text, rs) { return markedText("h1", text, rs || []); }

  function byline(number, date) { return [number, date].filter(Boolean).join(" · "); }

  function button(text, onClick, kind) {
    var li = document.createElement("li");
    li.className = "md-search-result__item policy-search__more" + (kind ? " policy-search__" + kind : "");
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button";
    b.textContent = text;
    b.addEventListener("click", function () {
      var next = li.nextElementSibling;
      li.remove();
      onClick();
      if (next && next.querySelector("a,button")) next.querySelector("a,button").focus();
    });
    li.appendChild(b);
    return li;
  }

  function section(text) {
    var li = document.createElement("li");
    li.className = "md-search-result__item policy-search__section";
    li.setAttribute("role", "heading");
    li.setAttribute("aria-level", "2");
    li.textContent = text;
    return li;
  }

  /* Shows hits[from…] ten at a time; a hit whose own text does not hold the query is not
   * shown (root.dataset.falseMatches counts them: the index promises there are none). */
  function showMatches(ix, found, from, token, shown, q, atEnd) {
    // A stretch that cannot be fetched costs its one result, not the whole list.
    return found.more(from + PAGE).then(function () {
      if (token !== seq) return [];
      if (found.banner) found.banner();
      var batch = found.hits.slice(from, from + PAGE);
      return Promise.all(batch.map(function (h) { return chunk(ix, h).catch(function () { return null; }); }));
    }).then(function (docs) {
      if (token !== seq) return;
      docs.forEach(function (d) {
        if (!d || shown[d.u]) return;
        var inTitle = ranges(ix, d.t, found.folded), inBody = ranges(ix, d.x, found.folded);
        if (!inTitle.length && !inBody.length) {
          root.dataset.falseMatches = String(+(root.dataset.falseMatches || 0) + 1);
          return;
        }
        shown[d.u] = true;
        list.appendChild(item(d.u, h1(d.t, inTitle), excerpt(d.x, inBody), byline(d.n, d.d), "match"));
      });
      var next = from + PAGE;
      if (next < found.hits.length || found.pending.length) {
        var left = found.pending.length
          ? "（已核对的还有 " + (found.hits.length - next) + " 个，另有 " + found.pending.length + " 个页面待核对）"
          : "（还有 " + (found.hits.length - next) + " 个）";
        list.appendChild(button("显示更多结果" + left, function () {
          showMatches(ix, found, next, token, shown, q, atEnd);
        }));
      } else if (atEnd) atEnd();
    });
  }

  /* Pages holding some of the query's words but not the whole query (Pagefind), on request. */
  function relatedButton(ix, found, token, shown, q) {
    return button("显示含有其中部分词语的页面", function () {
      list.appendChild(section("其他可能相关的结果：含有“" + q + "”中的部分词语，不含完整的“" + q + "”"));
      engine().then(function (pf) { return pf.search(q); }).then(function (s) {
        return Promise.all(s.results.slice(0, 30).map(function (r) { return r.data(); }));
      }).then(function (data) {
        if (token !== seq) return;
        var added = 0;
        data.forEach(function (d) {
          var url = new URL(d.url, location.href).pathname.replace(base.pathname, "");
          if (shown[url] || ranges(ix, d.content || "", found.folded).length) return;
          shown[url] = true;
          added++;
          list.appendChild(item(url, h1(d.meta.title || url), d.excerpt ? excerptFromHTML(d.excerpt) : null, byline(d.meta["文号"], d.meta.date), "related"));
        });
        if (!added) list.appendChild(section("没有其他可能相关的页面"));
      });
    }, "related");
  }

  /* Pagefind's excerpt is HTML with <mark>: parsed inertly, only text and marks kept. */
  function excerptFromHTML(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
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

  var seq = 0;
  function run(query) {
    var token = ++seq;
    var q = query.trim();
    delete root.dataset.results;
    delete root.dataset.pending;
    if (!q) {
      list.textContent = "";
      meta.textContent = "键入以开始搜索";
      return Promise.resolve();
    }
    meta.textContent = "正在搜索…";
    var number = normaliseDocNumber(q);
    return Promise.all([index(), matches(q), lookup(number)]).then(function (got) {
      if (token !== seq) return;
      var ix = got[0], found = got[1], direct = got[2], shown = {};
      list.textContent = "";
      var ids = {};
      found.hits.forEach(function (h) { ids[h.id] = true; });
      var extra = 0;
      direct.forEach(function (d) {
        if (d.m) {
          list.appendChild(item(d.u, h1(d.t), null, "文号直达：" + number + " · 本库尚未收录，待收录页面列出引用它的文件", "number"));
          return;
        }
        if (!ids[d.i]) extra++;
        shown[d.u] = true;
        list.appendChild(item(d.u, h1(d.t), null, "文号直达：" + number, "number"));
      });
      // Pages not yet checked (a query of very common pairs in a large library) are counted
      // apart: the banner never claims more, or fewer, than it knows.
      found.banner = function () {
        var total = found.hits.length + extra;
        root.dataset.results = String(total);
        if (found.pending.length) root.dataset.pending = String(found.pending.length);
        else delete root.dataset.pending;
        meta.textContent = found.pending.length
          ? "已找到 " + total + " 个页面包含“" + q + "”，另有 " + found.pending.length + " 个页面待核对"
          : found.hits.length
            ? "找到 " + total + " 个页面包含“" + q + "”"
            : (direct.length ? "文号直达；没有其他页面包含“" + q + "”" : "没有页面包含“" + q + "”");
      };
      found.banner();
      var atEnd = function () { list.appendChild(relatedButton(ix, found, token, shown, q)); };
      return showMatches(ix, found, 0, token, shown, q, atEnd);
    }).catch(function (err) {
      if (token === seq) meta.textContent = "搜索暂时不可用";
      console.error(err);
    });
  }

  /* For the benchmark and the tests: ids and counts of every matching page, ranked. */
  function rankedIds(query) {
    return matches(query, Infinity).then(function (found) {
      return found.hits.map(function (h) { return [h.id, h.count, h.title]; });
    });
  }
  /* For the tests: how many candidates are checked at once and per step, results per page. */
  function tune(t) {
    if (t.page !== undefined) PAGE = t.page;
    if (t.few !== undefined) FEW = t.few;
    if (t.batch !== undefined) BATCH = t.batch;
    if (t.cheap !== undefined) CHEAP = t.cheap;
    if (t.text !== undefined) TEXT_BYTES = t.text;
  }
  window.policySearch = { normaliseDocNumber: normaliseDocNumber, run: run, rankedIds: rankedIds, tune: tune };

  /* ------------------------------------------------------------ keyboard and focus */

  var current = null;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { current = run(input.value); }, 60);
  });
  // Load the index while the reader types the first characters.
  input.addEventListener("focus", function () {
    toggle.checked = true;
    index().catch(function () {});
  });
  toggle.addEventListener("change", function () {
    if (toggle.checked) input.focus();
  });

  function focusables() {
    var items = Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link, .policy-search__more button"));
    return [input].concat(items);
  }

  /* Enter in the box: a known 文号 opens its page; otherwise the first page that contains the
   * query (never a merely related one). Enter on a result opens that result. */
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    var number = normaliseDocNumber(input.value);
    lookup(number).then(function (direct) {
      if (direct.length === 1) {
        location.href = new URL(direct[0].u, base).href;
        return;
      }
      return run(input.value).then(function () {
        var first = list.querySelector('.md-search-result__link[data-kind="match"], .md-search-result__link[data-kind="number"]');
        if (first) location.href = first.href;
      });
    });
  });
  form.addEventListener("reset", function () {
    seq++;
    list.textContent = "";
    meta.textContent = "键入以开始搜索";
    delete root.dataset.results;
    delete root.dataset.pending;
    input.focus();
  });

  function close() {
    toggle.checked = false;
    input.blur();
    var opener = document.querySelector("label.md-header__button[for=__search]");
    if (opener && opener.offsetParent) opener.focus();
  }

  root.addEventListener("keydown", function (ev) {
    if (!toggle.checked) return;
    var items = focusables(), at = items.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (items.length < 2) return;
      ev.preventDefault();
      var step = ev.key === "ArrowDown" ? 1 : -1;
      var next = at < 0 ? (step > 0 ? 1 : items.length - 1) : at + step;
      if (next < 0) next = 0;
      if (next >= items.length) next = items.length - 1;
      items[next].focus();
      if (items[next].scrollIntoView) items[next].scrollIntoView({ block: "nearest" });
    } else if (ev.key === "Tab") { // the dialog keeps the focus
      ev.preventDefault();
      var n = at < 0 ? 0 : (at + (ev.shiftKey ? -1 : 1) + items.length) % items.length;
      items[n].focus();
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && toggle.checked) {
      ev.preventDefault();
      close();
    } else if (ev.key === "/" && !toggle.checked && !/INPUT|TEXTAREA/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      toggle.checked = true;
      input.focus();
    }
  });
  // Focus that wanders out of the open dialog (a click behind the overlay) comes back to the box.
  document.addEventListener("focusin", function (ev) {
    if (toggle.checked && !root.contains(ev.target) && ev.target !== toggle) input.focus();
  });

  /* ?q=… opens the search with that query, so a search can be linked. */
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    toggle.checked = true;
    current = run(initial);
  }
})();
