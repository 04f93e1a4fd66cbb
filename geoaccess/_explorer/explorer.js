// geoaccess consultation explorer: score the ticked sites in the browser.
//
// Bokeh runs this body (a CustomJS callback) when the page is ready, when a site is
// ticked or unticked, and when a scenario is picked. Its arguments, set by
// geoaccess/explorer.py: areas and sites (ColumnDataSources of the map), checks (the
// CheckboxGroup of sites), picker (the scenario Select), summary and table (Divs) and
// payload (JSON text; its matrix is described in geoaccess/_explorer/matrix.py).
//
// The definitions are those of geoaccess.evaluate and geoaccess.compare: an area's time
// is the minutes to its nearest open site; "within t" means at most t minutes; shares
// are of everyone (areas with no route count as not within); the mean is weighted over
// people with a route; a "longer journey" is a later site in the area's sorted list (or
// no route any more), "shorter" an earlier one (or a route where there was none).

function bytes(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function setup(d) {
  const m = d.matrix;
  const s = {
    d,
    ptr: new Uint32Array(bytes(m.ptr).buffer),
    site: m.site_bytes === 1 ? bytes(m.site) : new Uint16Array(bytes(m.site).buffer),
    minutes: new Float32Array(bytes(m.minutes).buffer),
    weight: new Float64Array(bytes(d.weight).buffer),
    group: d.group === null ? null : bytes(d.group),
    rows: m.rows,
    updates: 0,
    syncing: false,
    roles: d.scenarios[d.baseline].roles,
  };
  // rank of each entry within its row: equal times share a rank
  s.rank = new Uint16Array(m.entries);
  const tie = new Uint8Array(m.entries);
  for (const k of new Uint32Array(bytes(m.ties).buffer)) tie[k] = 1;
  for (let r = 0; r < s.rows; r++) {
    let rank = 0;
    for (let k = s.ptr[r]; k < s.ptr[r + 1]; k++) {
      if (k > s.ptr[r] && !tie[k]) rank++;
      s.rank[k] = rank;
    }
  }
  s.pos = new Int32Array(s.rows);
  s.basePos = new Int32Array(s.rows);
  s.status = new Int8Array(s.rows);
  if (d.raster) {
    s.cells = new Int32Array(bytes(d.raster.cells).buffer);
    s.cellWorst = new Int8Array(d.raster.nx * d.raster.ny);
    s.rgba = [d.no_time, ...d.colours].map(rgba);
  }
  nearest(s, openOf(d.scenarios[d.baseline].open, m.sites), s.basePos);
  s.compute = (open) => score(s, open);
  return s;
}

function openOf(indices, n) {
  const open = new Uint8Array(n);
  for (const j of indices) open[j] = 1;
  return open;
}

// position in the flat arrays of each row's nearest open site (-1: none)
function nearest(s, open, out) {
  for (let r = 0; r < s.rows; r++) {
    let found = -1;
    for (let k = s.ptr[r]; k < s.ptr[r + 1]; k++) {
      if (open[s.site[k]]) { found = k; break; }
    }
    out[r] = found;
  }
}

function newTotals(nt) {
  return { population: 0, reached: 0, weighted: 0, unreachable: 0, gain: 0, loss: 0,
           unchanged: 0, unknown: 0, within: new Float64Array(nt),
           loses: new Float64Array(nt), gains: new Float64Array(nt) };
}

// status of a row against the baseline (also read by the map's hover text)
const UNCHANGED = 0, LONGER = 1, SHORTER = 2, LOST = 3, NEW = 4, NEITHER = 5;
const KIND = ["unchanged", "loss", "gain", "loss", "gain", "unknown"];

function score(s, open) {
  const thr = s.d.thresholds, nt = thr.length;
  nearest(s, open, s.pos);
  // totals by group (0: not recorded, or every row when there are no groups)
  const groups = Array.from({ length: 11 }, () => newTotals(nt));
  for (let r = 0; r < s.rows; r++) {
    const w = s.weight[r], p = s.pos[r], b = s.basePos[r];
    const m = p >= 0 ? s.minutes[p] : NaN, mb = b >= 0 ? s.minutes[b] : NaN;
    let status;
    if (b >= 0 && p >= 0) {
      status = s.rank[p] > s.rank[b] ? LONGER : s.rank[p] < s.rank[b] ? SHORTER : UNCHANGED;
    } else {
      status = b >= 0 ? LOST : p >= 0 ? NEW : NEITHER;
    }
    s.status[r] = status;
    const t = groups[s.group === null ? 0 : s.group[r]];
    t.population += w;
    if (p >= 0) { t.reached += w; t.weighted += w * m; } else { t.unreachable += w; }
    t[KIND[status]] += w;
    for (let i = 0; i < nt; i++) {
      const inP = m <= thr[i], inB = mb <= thr[i];  // NaN compares false
      if (inP) t.within[i] += w;
      if (inB && !inP) t.loses[i] += w;
      if (!inB && inP) t.gains[i] += w;
    }
  }
  const all = newTotals(nt);
  for (const g of groups) {
    for (const k of ["population", "reached", "weighted", "unreachable", "gain", "loss",
                     "unchanged", "unknown"]) all[k] += g[k];
    for (let i = 0; i < nt; i++) {
      all.within[i] += g.within[i];
      all.loses[i] += g.loses[i];
      all.gains[i] += g.gains[i];
    }
  }
  return { all, groups };
}

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

const people = (x) => Math.round(x).toLocaleString("en-GB");
const share = (x) => (Number.isFinite(x) ? (100 * x).toFixed(1) + "%" : "–");
const mins = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const label = (t) => String(t);

// a table cell showing a number, with the unrounded value for checks
function cell(key, value, shown) {
  return `<td data-key="${key}" data-value="${value}">${shown}</td>`;
}

function summaryHtml(s, res, open, nOpen, scenarioName) {
  const d = s.d, a = res.all, thr = d.thresholds;
  const bits = Array.from(open).join("");
  let h = `<div class="ga" data-open="${bits}">`;
  h += `<p class="ga-config"><b>${nOpen} of ${open.length} sites open</b>`;
  h += ` &middot; ${esc(scenarioName)}</p>`;
  const words = d.population_words.charAt(0).toUpperCase() + d.population_words.slice(1);
  h += `<table class="ga-t"><caption>${esc(words)} within a ${esc(d.mode_words)}`;
  h += ` of the nearest open site</caption><tr><th>minutes</th><th>people</th>`;
  h += `<th>share</th></tr>`;
  thr.forEach((t, i) => {
    h += `<tr><td>${label(t)}</td>`;
    h += cell(`population_within_${label(t)}`, a.within[i], people(a.within[i]));
    h += cell(`share_within_${label(t)}`, a.within[i] / a.population,
              share(a.within[i] / a.population));
    h += `</tr>`;
  });
  h += `<tr><td>no route</td>`;
  h += cell("population_unreachable", a.unreachable, people(a.unreachable));
  h += cell("share_unreachable", a.unreachable / a.population,
            share(a.unreachable / a.population)) + `</tr></table>`;
  const mean = a.reached > 0 ? a.weighted / a.reached : NaN;
  h += `<p>Mean time to the nearest open site: <span data-key="mean_minutes" `;
  h += `data-value="${mean}">${mins(mean)}</span> minutes (people with a route; `;
  h += `<span data-key="population" data-value="${a.population}">${people(a.population)}</span>`;
  h += ` ${esc(d.population_words)} in all).</p>`;
  h += `<table class="ga-t"><caption>Compared with &ldquo;${esc(d.scenarios[d.baseline].name)}`;
  h += `&rdquo;</caption>`;
  h += `<tr><td>longer journey or no route any more</td>`;
  h += cell("population_loss", a.loss, people(a.loss)) + `</tr>`;
  h += `<tr><td>shorter journey or a new route</td>`;
  h += cell("population_gain", a.gain, people(a.gain)) + `</tr>`;
  h += `<tr><td>no change</td>`;
  h += cell("population_unchanged", a.unchanged, people(a.unchanged)) + `</tr></table>`;
  h += `<table class="ga-t"><tr><th>within</th><th>lose access</th><th>gain access</th></tr>`;
  thr.forEach((t, i) => {
    h += `<tr><td>${label(t)} min</td>`;
    h += cell(`population_loses_${label(t)}`, a.loses[i], people(a.loses[i]));
    h += cell(`population_gains_${label(t)}`, a.gains[i], people(a.gains[i])) + `</tr>`;
  });
  return h + `</table></div>`;
}

function tableHtml(s, res, bits) {
  const d = s.d;
  if (s.group === null) return `<p class="ga-note" data-open="${bits}">${esc(d.no_groups)}</p>`;
  const i = d.thresholds.indexOf(d.threshold), t = label(d.threshold);
  let h = `<table class="ga-t" data-open="${bits}"><caption>${esc(d.group_caption)}`;
  h += `</caption><tr><th>${esc(d.group_title)}</th><th>people</th><th>mean min</th>`;
  h += `<th>within ${t} min</th><th>longer journey</th><th>lose ${t}-min access</th></tr>`;
  const row = (key, name, g) => {
    const mean = g.reached > 0 ? g.weighted / g.reached : NaN;
    let r = `<tr data-group="${key}"><td>${esc(name)}</td>`;
    r += cell("population", g.population, people(g.population));
    r += cell("mean_minutes", mean, mins(mean));
    r += cell(`share_within_${t}`, g.within[i] / g.population, share(g.within[i] / g.population));
    r += cell("population_loss", g.loss, people(g.loss));
    r += cell(`population_loses_${t}`, g.loses[i], people(g.loses[i]));
    return r + `</tr>`;
  };
  for (let g = 1; g <= 10; g++) {
    if (d.groups_present.includes(g)) {
      h += row(String(g), d.group_labels[g], res.groups[g]);
    }
  }
  if (d.groups_present.includes(0)) h += row("not recorded", "not recorded", res.groups[0]);
  return h + row("all", "All areas", res.all) + `</table>`;
}

function classOf(bins, m) {
  if (!Number.isFinite(m)) return -1;
  for (let c = 0; c < bins.length; c++) if (m <= bins[c]) return c;
  return bins.length;
}

// numeric columns only: colours come from a colour mapper, hover text from formatters
function drawMap(s) {
  const d = s.d, n = s.rows;
  const minutes = new Float64Array(n), cls = new Int8Array(n), site = new Int32Array(n);
  const change = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const p = s.pos[r], b = s.basePos[r];
    const m = p >= 0 ? s.minutes[p] : NaN;
    minutes[r] = m;
    cls[r] = classOf(d.bins, m);
    site[r] = p >= 0 ? s.site[p] : -1;
    change[r] = p >= 0 && b >= 0 ? m - s.minutes[b] : NaN;
  }
  Object.assign(areas.data, { minutes, cls, site, change, status: s.status.slice() });
  areas.change.emit();
  if (raster !== null) paint(s, cls);
}

// many points: each cell of the image takes the colour of the longest time in it
function paint(s, cls) {
  const d = s.d, image = raster.data.image[0], worst = s.cellWorst;
  const noRoute = d.bins.length + 1;
  worst.fill(-1);
  for (let r = 0; r < s.rows; r++) {
    const c = cls[r] < 0 ? noRoute : cls[r], k = s.cells[r];
    if (c > worst[k]) worst[k] = c;
  }
  for (let k = 0; k < worst.length; k++) {
    const c = worst[k];
    image[k] = c < 0 ? 0 : s.rgba[c === noRoute ? 0 : c + 1];
  }
  raster.change.emit();
}

// "#rrggbb" as the 32-bit little-endian RGBA pixel of an ImageRGBA (alpha 90%)
function rgba(hex) {
  const v = parseInt(hex.slice(1), 16);
  return ((230 << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff)) >>> 0;
}

function drawSites(s, open) {
  if (sites === null) return;
  const d = s.d, idx = sites.data.index;
  const cols = { role: [], marker: [], color: [], size: [], alpha: [], line: [] };
  for (const j of idx) {
    const role = open[j] ? (s.roles[j] || d.site_kinds[j]) : "closed";
    const style = d.styles[role] || d.styles.other;
    cols.role.push(role);
    for (const k of ["marker", "color", "size", "alpha", "line"]) cols[k].push(style[k]);
  }
  Object.assign(sites.data, cols);
  sites.change.emit();
}

function update() {
  const d = st.d, open = openOf(checks.active, d.matrix.sites);
  const t0 = performance.now();
  const res = score(st, open);
  st.lastComputeMs = performance.now() - t0;
  st.updates += 1;
  st.last = res;
  const same = (sc) => sc.open.length === checks.active.length &&
    sc.open.every((j) => open[j] === 1);
  const match = d.scenarios.find(same);
  const name = match ? match.name : d.custom;
  // a site ticked since the last scenario was picked is drawn in the role of its kind
  if (match) st.roles = match.roles;
  summary.text = summaryHtml(st, res, open, checks.active.length,
                             match ? `Scenario: ${match.name}` : d.custom);
  table.text = tableHtml(st, res, Array.from(open).join(""));
  drawMap(st);
  drawSites(st, open);
  if (picker.value !== name) {
    st.syncing = true;
    picker.value = name;
    st.syncing = false;
  }
}

// ------------------------------------------------------------------ dispatch
const STORE = "__geoaccess_explorer__";
globalThis[STORE] = globalThis[STORE] || new Map();
let st = globalThis[STORE].get(areas.id);
if (st === undefined) {
  st = setup(JSON.parse(payload));
  globalThis[STORE].set(areas.id, st);
}

if (cb_obj === picker) {
  // a scenario was picked: tick its sites (which fires this callback again)
  const k = st.d.scenarios.findIndex((s) => s.name === picker.value);
  if (!st.syncing && k >= 0) {
    const before = st.updates;
    st.roles = st.d.scenarios[k].roles;
    checks.active = st.d.scenarios[k].open.slice();
    if (st.updates === before) update();  // the same sites were ticked already
  }
} else {
  update();
}
