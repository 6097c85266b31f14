// The attention explorer: draws each <div class="explorer" data-i="k"> from the
// page's embedded JSON (<script id="s2s-data">, written by seq2seq/plot/html_page.cpp).
// Plain browser JavaScript, no library: works offline and from file://.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('s2s-data').textContent);
  var ui = data.ui;

  // White -> dark blue, as the SVG heatmaps (seq2seq/plot/svg.cpp blue_scale).
  function blue(v) {
    v = Math.max(0, Math.min(1, v || 0));
    var m = function (to) { return Math.round(255 + (to - 255) * v); };
    return 'rgb(' + m(8) + ',' + m(48) + ',' + m(107) + ')';
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function el(tag, cls, html) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (html !== undefined) e.innerHTML = html;
    return e;
  }
  var tip = el('div', 'tip');
  document.body.appendChild(tip);

  function Explorer(root, ex) {
    this.root = root;
    this.ex = ex;
    this.si = 0;    // sentence
    this.ai = 0;    // attention
    this.step = -1; // -1: all steps shown
    this.ai = this.focus();
    this.lit = [];  // highlighted elements
    this.build();
  }

  Explorer.prototype.build = function () {
    var self = this, ex = this.ex, root = this.root;
    root.appendChild(el('h3', '', esc(ex.title)));
    root.appendChild(el('div', 'model', esc(ui.model + ui.colon + ex.model)));
    var bar = el('div', 'bar');
    if (ex.sentences.length > 1) {
      var sel = el('select', 'pick');
      var opts = [];
      for (var i = 0; i < ex.sentences.length; i++)
        opts.push('<option value="' + i + '">' + (i + 1) + '. ' +
                  esc(ex.sentences[i].src.slice(0, 12).join(' ')) + '</option>');
      sel.innerHTML = opts.join('');
      sel.addEventListener('change', function () { self.si = +sel.value; self.ai = self.focus(); self.step = -1; self.render(); });
      bar.appendChild(el('span', '', esc(ui.sentence)));
      bar.appendChild(sel);
    }
    this.attnBar = el('span', 'attns');
    bar.appendChild(this.attnBar);
    var exp = el('button', 'export', esc(ui.export_svg));
    exp.addEventListener('click', function () { self.download(); });
    bar.appendChild(exp);
    root.appendChild(bar);
    this.text = el('div', 'texts');
    root.appendChild(this.text);
    var steps = el('div', 'bar');
    this.prevB = el('button', 'step-prev', '&#9664;');
    this.nextB = el('button', 'step-next', '&#9654;');
    this.allB = el('button', 'step-all', esc(ui.all_steps));
    this.prevB.title = ui.prev; this.nextB.title = ui.next;
    this.prevB.addEventListener('click', function () { self.go(self.step < 0 ? self.steps() - 1 : self.step - 1); });
    this.nextB.addEventListener('click', function () { self.go(self.step + 1); });
    this.allB.addEventListener('click', function () { self.go(-1); });
    this.stepLabel = el('span', 'step-label');
    steps.appendChild(el('span', '', esc(ui.replay)));
    steps.appendChild(this.prevB); steps.appendChild(this.nextB); steps.appendChild(this.allB);
    steps.appendChild(this.stepLabel);
    root.appendChild(steps);
    this.info = el('div', 'stepinfo');
    root.appendChild(this.info);
    this.ctx = el('div', 'ctxbar');
    root.appendChild(this.ctx);
    this.wrap = el('div', 'grid-wrap');
    root.appendChild(this.wrap);
    root.appendChild(el('div', 'legend', esc(ui.legend)));
    this.beam = el('div', 'beam');
    root.appendChild(this.beam);
    this.wrap.addEventListener('mouseover', function (ev) { self.hover(ev.target, ev); });
    this.wrap.addEventListener('mousemove', function (ev) { self.moveTip(ev); });
    this.wrap.addEventListener('mouseleave', function () { self.unhover(); });
    this.render();
  };

  // The attention shown first: the explorer's "focus" kind (09: "self") if the sentence has it.
  Explorer.prototype.focus = function () {
    var a = this.sent().attn;
    for (var i = 0; i < a.length; i++) if (this.ex.focus && a[i].kind === this.ex.focus) return i;
    return 0;
  };
  Explorer.prototype.sent = function () { return this.ex.sentences[this.si]; };
  Explorer.prototype.attn = function () { return this.sent().attn[this.ai]; };
  Explorer.prototype.steps = function () { return this.sent().tgt.length; };

  Explorer.prototype.render = function () {
    var self = this, s = this.sent();
    var btns = [];
    for (var i = 0; i < s.attn.length; i++)
      btns.push('<button class="attn' + (i === this.ai ? ' on' : '') + '" data-a="' + i + '">' +
                esc(s.attn[i].label) + '</button>');
    this.attnBar.innerHTML = btns.join('');
    Array.prototype.forEach.call(this.attnBar.querySelectorAll('button'), function (b) {
      b.addEventListener('click', function () { self.ai = +b.getAttribute('data-a'); self.render(); });
    });
    var t = '<div class="sent"><b>' + esc(ui.source + ui.colon) + '</b>' + esc(s.src.join(' ')) + '</div>' +
            '<div class="sent"><b>' + esc(ui.output + ui.colon) + '</b>' + esc(s.tgt.join(' ')) + '</div>';
    if (s.ref) t += '<div class="sent"><b>' + esc(ui.reference + ui.colon) + '</b>' + esc(s.ref.join(' ')) + '</div>';
    if (s.aer !== undefined)
      t += '<div class="aer">' + esc(ui.aer) + ' ' + s.aer.toFixed(3) + ' &middot; ' + esc(ui.gold_note) + '</div>';
    this.text.innerHTML = t;
    this.drawGrid();
    this.drawBeam();
    this.go(this.step);
  };

  // Columns of the current attention: source tokens, or earlier output tokens.
  Explorer.prototype.cols = function () {
    var s = this.sent(), a = this.attn();
    return a.kind === 'self' ? s.tgt : s.src;
  };

  // One line per output token (a flex row: its label, then its cells), so that the
  // step control and hovering touch rows, not every cell. A large matrix (a
  // 250-token source) is drawn a few thousand cells at a time, so the page paints
  // and answers at once; the grid gets data-done="1" when the last row is in.
  Explorer.prototype.drawGrid = function () {
    var self = this, s = this.sent(), a = this.attn(), cols = this.cols();
    var gold = {};
    if (s.gold && a.kind === 'cross') s.gold.forEach(function (l) { gold[l[0] + ',' + l[1]] = 1; });
    var h = ['<div class="gr head"><div class="rh"></div>'];
    for (var j = 0; j < cols.length; j++) h.push('<div class="ch" data-c="' + j + '">' + esc(cols[j]) + '</div>');
    h.push('</div>');
    var line = function (r) {
      var row = a.rows[r], out = [];
      out.push('<div class="gr" data-r="' + r + '"><div class="rh" data-r="' + r + '">' + esc(s.tgt[r]) + '</div>');
      var lo = -1, hi = cols.length;
      if (a.centre) { lo = a.centre[r] - a.window; hi = a.centre[r] + a.window; }
      var ctr = a.centre ? Math.round(a.centre[r]) : -1;
      for (var c = 0; c < row.length; c++) {
        var cls = 'c';
        if (gold[c + ',' + r]) cls += ' gold';
        if (a.centre && (c < lo || c > hi)) cls += ' out';
        if (c === ctr) cls += ' ctr';
        out.push('<div class="' + cls + '" data-r="' + r + '" data-c="' + c + '" data-w="' + row[c] +
                 '" style="background:' + blue(row[c]) + '"></div>');
      }
      out.push('</div>');
      return out.join('');
    };
    var g = el('div', 'grid');
    // Letters (cmudict, the synthetic tasks) read better upright than turned.
    if (cols.every(function (x) { return x.length <= 2; })) g.classList.add('short');
    var w = 0;
    for (var k = 0; k < s.tgt.length; k++) w = Math.max(w, s.tgt[k].length);
    this.root.style.setProperty('--rh', Math.round(12 * (1 + Math.min(w, 24) * 0.62)) + 'px');  // grid and bars
    this.wrap.innerHTML = '';
    this.wrap.appendChild(g);
    this.grid = g;
    this.lines = [];
    var token = this.drawing = {};  // a newer drawing stops this one
    var next = 0, budget = 3000;    // cells per chunk
    var chunk = function () {
      if (self.drawing !== token) return;
      var parts = next === 0 ? h : [], n = 0;
      while (next < a.rows.length && (n === 0 || n + a.rows[next].length <= budget)) {
        n += a.rows[next].length + 1;
        parts.push(line(next++));
      }
      g.insertAdjacentHTML('beforeend', parts.join(''));
      self.lines = g.querySelectorAll('.gr[data-r]');
      self.mark();
      if (next < a.rows.length) setTimeout(chunk, 0);
      else g.setAttribute('data-done', '1');
    };
    chunk();
  };

  Explorer.prototype.unhover = function () {
    (this.lit || []).forEach(function (e) { e.classList.remove('hl'); });
    this.lit = [];
    tip.style.display = 'none';
  };
  Explorer.prototype.light = function (list) {
    for (var i = 0; i < list.length; i++) { list[i].classList.add('hl'); this.lit.push(list[i]); }
  };

  // Hover a target token: its row of weights; a source token: its column; a cell: its weight.
  Explorer.prototype.hover = function (t, ev) {
    if (!t || !t.getAttribute) return;
    var r = t.getAttribute('data-r'), c = t.getAttribute('data-c');
    if (r === null && c === null) return;
    this.unhover();
    var cols = this.cols(), s = this.sent(), msg = '';
    if (t.classList.contains('rh')) {
      if (r === null) return;
      this.light([t]);
      this.light(this.lines[+r].querySelectorAll('.c'));
      msg = s.tgt[r] + ' \u2190 ' + ui.row_note;
    } else if (t.classList.contains('ch')) {
      this.light([t]);
      this.light(this.grid.querySelectorAll('.c[data-c="' + c + '"]'));
      msg = cols[c] + ' \u2192 ' + ui.col_note;
    } else if (t.classList.contains('c')) {
      this.light([this.lines[+r].firstChild]);
      this.light(this.grid.querySelectorAll('.ch[data-c="' + c + '"]'));
      msg = cols[c] + ' \u2192 ' + s.tgt[r] + ': ' + t.getAttribute('data-w');
    }
    if (!msg) return;
    tip.textContent = msg;
    tip.style.display = 'block';
    this.moveTip(ev);
  };
  Explorer.prototype.moveTip = function (ev) {
    if (!ev || ev.clientX === undefined) return;
    tip.style.left = (ev.clientX + 12) + 'px';
    tip.style.top = (ev.clientY + 12) + 'px';
  };

  // Rows after the current step are faded, the current one is bold.
  Explorer.prototype.mark = function () {
    var t = this.step;
    for (var i = 0; i < this.lines.length; i++) {
      this.lines[i].classList.toggle('cur', i === t);
      this.lines[i].classList.toggle('fut', t >= 0 && i > t);
    }
  };

  // The step control: step t shows rows 0..t, the context weights of step t and the chosen token.
  Explorer.prototype.go = function (t) {
    var n = this.steps(), s = this.sent(), a = this.attn();
    if (t >= n) t = n - 1;
    if (t < -1) t = -1;
    this.step = t;
    this.stepLabel.setAttribute('data-step', String(t));
    this.stepLabel.textContent = t < 0 ? ui.all_steps + ui.lp + n + ui.rp : ui.step + ' ' + (t + 1) + ' / ' + n;
    this.mark();
    if (t < 0) {
      this.info.textContent = ui.step_hint;
      this.ctx.innerHTML = '';
      return;
    }
    var st = s.steps[t], alts = [];  // [p(chosen), token_1, p_1, token_2, p_2, ...]
    for (var q = 1; q + 1 < st.length; q += 2) alts.push(st[q] + ' ' + st[q + 1].toFixed(3));
    alts = alts.join(', ');
    this.info.innerHTML = esc(ui.chosen) + ' <b>' + esc(s.tgt[t]) + '</b> (p = ' + st[0].toFixed(4) + ') &middot; ' +
                          esc(ui.top) + ': ' + esc(alts) + '<br>' + esc(ui.context);
    var row = a.rows[t] || [], cols = this.cols(), bars = [];
    for (var j = 0; j < row.length; j++)
      bars.push('<div title="' + esc(cols[j] + ': ' + row[j]) + '" style="height:' + Math.max(1, Math.round(46 * row[j])) + 'px"></div>');
    this.ctx.innerHTML = bars.join('');
  };

  // The beam tree: one column per step, the hypotheses that were in the beam.
  Explorer.prototype.drawBeam = function () {
    var nodes = this.sent().beam;
    if (!nodes) { this.beam.innerHTML = ''; return; }
    var perStep = {}, pos = [], W = 96, H = 26, maxRow = 0, maxStep = 0;
    nodes.forEach(function (n, i) {
      var st = n[1];
      perStep[st] = (perStep[st] || 0) + 1;
      pos[i] = [st, perStep[st] - 1];
      maxRow = Math.max(maxRow, perStep[st]);
      maxStep = Math.max(maxStep, st);
    });
    var w = (maxStep + 1) * W + 70, h = maxRow * H + 10, out = [];
    var X = function (st) { return 60 + st * W; }, Y = function (r) { return 8 + r * H; };
    out.push('<text x="2" y="' + (Y(0) + 14) + '">&lt;sos&gt;</text>');
    nodes.forEach(function (n, i) {
      var p = pos[i], x0 = n[0] < 0 ? 40 : X(pos[n[0]][0]) + 84, y0 = n[0] < 0 ? Y(0) + 10 : Y(pos[n[0]][1]) + 10;
      out.push('<line class="' + (n[6] ? 'best' : '') + '" x1="' + x0 + '" y1="' + y0 + '" x2="' + X(p[0]) + '" y2="' + (Y(p[1]) + 10) + '"></line>');
    });
    nodes.forEach(function (n, i) {
      var p = pos[i];
      out.push('<g class="bnode" data-status="' + n[5] + '"><title>' + esc(n[2] + ': log p ' + n[3] + ', ' + ui.score + ' ' + n[4] + ui.lp + ui[n[5]] + ui.rp) + '</title>' +
               '<rect class="' + n[5] + (n[6] ? ' best' : '') + '" x="' + X(p[0]) + '" y="' + Y(p[1]) + '" width="84" height="20" rx="4"></rect>' +
               '<text x="' + (X(p[0]) + 4) + '" y="' + (Y(p[1]) + 14) + '">' + esc(n[2].slice(0, 8)) + ' ' + n[4].toFixed(2) + '</text></g>');
    });
    this.beam.innerHTML = '<h4>' + esc(ui.beam_tree) + esc(ui.lp) + esc(ui.beam_size) + ' ' + this.ex.beam + esc(ui.rp) + '</h4>' +
      '<div class="legend">' + esc(ui.beam_legend) + '</div>' +
      '<div class="grid-wrap"><svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '">' + out.join('') + '</svg></div>';
  };

  // The current view (matrix, labels, gold links) as a standalone SVG.
  Explorer.prototype.svg = function () {
    var s = this.sent(), a = this.attn(), cols = this.cols(), cell = 20;
    var left = 10 + 7 * Math.max.apply(null, s.tgt.map(function (x) { return x.length; }).concat([4]));
    var top = 10 + 7 * Math.max.apply(null, cols.map(function (x) { return x.length; }).concat([4]));
    var W = left + cols.length * cell + 10, H = top + a.rows.length * cell + 10, out = [];
    out.push('<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H + '" font-family="' + esc(data.font) + '" font-size="12">');
    out.push('<rect width="100%" height="100%" fill="white"/>');
    cols.forEach(function (c, j) {
      var x = left + j * cell + 14;
      out.push('<text transform="translate(' + x + ',' + (top - 4) + ') rotate(-90)">' + esc(c) + '</text>');
    });
    var gold = {};
    if (s.gold && a.kind === 'cross') s.gold.forEach(function (l) { gold[l[0] + ',' + l[1]] = 1; });
    a.rows.forEach(function (row, r) {
      out.push('<text x="' + (left - 4) + '" y="' + (top + r * cell + 14) + '" text-anchor="end">' + esc(s.tgt[r]) + '</text>');
      row.forEach(function (v, c) {
        var g = gold[c + ',' + r] ? ' stroke="#d95f02" stroke-width="2"' : '';
        out.push('<rect x="' + (left + c * cell) + '" y="' + (top + r * cell) + '" width="' + (cell - 1) + '" height="' + (cell - 1) +
                 '" fill="' + blue(v) + '"' + g + '><title>' + esc(cols[c] + ' \u2192 ' + s.tgt[r] + ': ' + v) + '</title></rect>');
      });
    });
    out.push('</svg>');
    return out.join('\n');
  };
  Explorer.prototype.download = function () {
    var blob = new Blob([this.svg()], { type: 'image/svg+xml' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'attention_' + (this.si + 1) + '.svg';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  };

  var explorers = [];
  Array.prototype.forEach.call(document.querySelectorAll('.explorer[data-i]'), function (root) {
    explorers.push(new Explorer(root, data.explorers[+root.getAttribute('data-i')]));
  });
  // For the browser tests and the console: the explorers and their data.
  window.s2sExplorer = { data: data, explorers: explorers };
})();
