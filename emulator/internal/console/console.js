// The bucketfire console: the running configuration drawn as its tiers, kept live by the
// server's events (GET /_bucketfire/events); the invocations as they end, each with its log and
// its trace as a waterfall; what each bucket stores, object by object, each downloadable; the
// virtual clock and the cost so far.
'use strict';

const base = '/_bucketfire';
const SVG = 'http://www.w3.org/2000/svg';
const COLUMNS = ['client', 'route', 'function', 'bucket'];  // object-lambda shares the routes' column
const NODE_W = 190, NODE_H = 44, COL_GAP = 110, ROW_GAP = 16, PAD = 12;
const MAX_ROWS = 200;
const OBJECT_PAGE = 100;

const state = { nodes: new Map(), edges: [], functions: {}, rows: 0 };

async function json(path, options) {
  const res = await fetch(base + path, options);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function column(kind) {
  return kind === 'object-lambda' ? 1 : Math.max(0, COLUMNS.indexOf(kind));
}

// Lays the nodes out in their tier's column. Functions are ordered by where what they connect
// to sits (the mean row of their routes, access points and buckets), so fewer edges cross.
function drawArchitecture(graph) {
  const svg = document.getElementById('architecture');
  svg.replaceChildren();
  const rows = [0, 0, 0, 0];
  const place = (n) => {
    const c = column(n.kind);
    n.x = PAD + c * (NODE_W + COL_GAP);
    n.y = PAD + rows[c]++ * (NODE_H + ROW_GAP);
    state.nodes.set(n.id, n);
  };
  graph.nodes.filter((n) => n.kind !== 'function').forEach(place);
  const mean = (fn) => {
    const ys = graph.edges.filter((e) => e.kind !== 'destination' && (e.to === fn.id || e.from === fn.id))
      .map((e) => state.nodes.get(e.to === fn.id ? e.from : e.to)).filter(Boolean).map((n) => n.y);
    return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity;
  };
  graph.nodes.filter((n) => n.kind === 'function').map((n) => [mean(n), n])
    .sort((a, b) => a[0] - b[0]).forEach(([, n]) => place(n));
  const height = PAD * 2 + Math.max(...rows) * (NODE_H + ROW_GAP);
  svg.setAttribute('viewBox', `0 0 ${PAD * 2 + 4 * NODE_W + 3 * COL_GAP} ${height}`);
  svg.style.height = `${height}px`;
  const edges = el('g', { class: 'edges' });
  state.edges = graph.edges.map((e) => {
    const a = state.nodes.get(e.from), b = state.nodes.get(e.to);
    const y1 = a.y + NODE_H / 2, y2 = b.y + NODE_H / 2;
    let d;
    if (a.x === b.x) {  // within a column (a destination): an arc out to the right
      const x = a.x + NODE_W, out = 40 + Math.abs(y2 - y1) / 8;
      d = `M${x},${y1} C${x + out},${y1} ${x + out},${y2} ${x},${y2}`;
    } else {
      const forward = a.x < b.x;
      const x1 = forward ? a.x + NODE_W : a.x, x2 = forward ? b.x : b.x + NODE_W, bend = (x2 - x1) / 2;
      d = `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
    }
    const path = el('path', { class: `edge ${e.kind}`, d, 'data-from': e.from, 'data-to': e.to });
    path.appendChild(el('title', {}, `${e.kind}${e.events ? ' ' + e.events.join(', ') : ''}${e.condition ? ' ' + e.condition : ''}`));
    edges.appendChild(path);
    return { ...e, path };
  });
  svg.appendChild(edges);
  for (const n of graph.nodes) {
    const g = el('g', { class: `node ${n.kind}`, 'data-id': n.id, transform: `translate(${n.x},${n.y})` });
    g.appendChild(el('rect', { width: NODE_W, height: NODE_H }));
    g.appendChild(el('text', { x: 8, y: 17 }, n.label));
    n.counts = el('text', { x: 8, y: 34, class: 'counts' }, n.kind === 'function' ? n.runtime : n.kind);
    g.appendChild(n.counts);
    svg.appendChild(g);
  }
}

// An edge glows for a moment when an invocation crossed it.
function pulse(fn, trigger) {
  const kind = trigger.startsWith('s3:') ? 'notification' : trigger.startsWith('destination:') ? 'destination'
    : trigger.startsWith('api:') ? 'route' : trigger === 's3-object-lambda' ? 'transformation' : '';
  for (const e of state.edges) {
    if (e.to !== `function:${fn}` || e.kind !== kind) continue;
    e.path.classList.add('pulse');
    setTimeout(() => e.path.classList.remove('pulse'), 400);
  }
}

function showCounters(c) {
  for (const [name, f] of Object.entries(c.functions || {})) {
    const n = state.nodes.get(`function:${name}`);
    if (!n) continue;
    n.counts.textContent = `${f.invocations} invocations · ${f.errors} errors · ${f.throttles} throttles · ${f.running} running`;
    n.counts.parentNode.classList.toggle('failed', f.errors > 0);
  }
  const rows = [];
  for (const [bucket, classes] of Object.entries(c.buckets || {})) {
    let objects = 0, bytes = 0;
    for (const [cls, s] of Object.entries(classes)) {
      objects += s.objects; bytes += s.bytes;
      rows.push(`<tr data-bucket="${esc(bucket)}"><td class="bucket-name">${esc(bucket)}</td><td>${esc(cls)}</td>` +
                `<td>${s.objects}</td><td>${s.bytes}</td></tr>`);
    }
    const n = state.nodes.get(`bucket:${bucket}`);
    if (n) n.counts.textContent = `${objects} objects · ${bytes} bytes`;
  }
  document.querySelector('#buckets tbody').innerHTML = rows.join('');
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

function esc(text) {
  return String(text).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch]));
}

// A burst is aggregated, not drawn row by row: only the newest rows the table keeps are made,
// each edge pulses once per batch, and the counter counts everything.
function addInvocations(list, skipped) {
  const body = document.querySelector('#invocations tbody');
  const rows = document.createDocumentFragment();
  const pulsed = new Set();
  for (const inv of list.slice(-MAX_ROWS).reverse()) {
    const tr = document.createElement('tr');
    tr.className = inv.status;
    tr.dataset.requestId = inv.requestId;
    tr.innerHTML = [inv.time.slice(11, 23), inv.function, inv.trigger, inv.requestId, `${inv.durationMs.toFixed(2)} ms`,
      `${Math.max(1, Math.ceil(inv.durationMs))} ms`, inv.status, inv.attempt].map((v) => `<td>${esc(v)}</td>`).join('');
    tr.addEventListener('click', () => openInvocation(inv));
    rows.appendChild(tr);
  }
  for (const inv of list) {
    const key = `${inv.function}\n${inv.trigger}`;
    if (!pulsed.has(key)) { pulsed.add(key); pulse(inv.function, inv.trigger); }
  }
  body.prepend(rows);
  while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
  state.rows += list.length + (skipped || 0);
  document.getElementById('invocation-count').textContent = `${state.rows} since this page opened`;
}

async function openInvocation(inv) {
  document.getElementById('detail-view').hidden = false;
  document.getElementById('detail-id').textContent = inv.requestId;
  const facts = { function: inv.function, trigger: inv.trigger, outcome: inv.status, duration: `${inv.durationMs} ms`,
                  attempt: inv.attempt, error: inv.errorType ? `${inv.errorType}: ${inv.errorMessage}` : '—', trace: inv.traceId || '—' };
  document.getElementById('detail').innerHTML =
    Object.entries(facts).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  try {
    const kept = await json(`/invocations/${encodeURIComponent(inv.requestId)}`);
    document.getElementById('detail-event').textContent = pretty(kept.event);
    document.getElementById('detail-response').textContent = pretty(kept.response);
  } catch (e) {
    document.getElementById('detail-event').textContent = '(no longer kept)';
    document.getElementById('detail-response').textContent = '';
  }
  const log = await (await fetch(`${base}/functions/${encodeURIComponent(inv.function)}/logs`)).text();
  const lines = log.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`START RequestId: ${inv.requestId}`));
  const end = lines.findIndex((l, i) => i > start && l.startsWith(`REPORT RequestId: ${inv.requestId}`));
  document.getElementById('detail-log').textContent = start < 0 ? '(no longer kept)' : lines.slice(start, end + 1).join('\n');
  document.getElementById('waterfall').replaceChildren();
  if (inv.traceId) drawWaterfall(await json(`/traces/${inv.traceId}`));
}

// The trace's segments as bars on one time axis, children under their parents.
function drawWaterfall(answer) {
  const segments = answer.Traces[0].Segments.map((s) => JSON.parse(s.Document));
  const start = Math.min(...segments.map((s) => s.start_time));
  const end = Math.max(...segments.map((s) => s.end_time));
  const span = Math.max(end - start, 0.001);
  const children = new Map();
  for (const s of segments) children.set(s.parent_id || '', [...(children.get(s.parent_id || '') || []), s]);
  const ids = new Set(segments.map((s) => s.id));
  const roots = segments.filter((s) => !s.parent_id || !ids.has(s.parent_id));
  const box = document.getElementById('waterfall');
  const place = (s, depth) => {
    const bar = document.createElement('div');
    bar.className = 'bar';
    const left = ((s.start_time - start) / span) * 100, width = Math.max(((s.end_time - s.start_time) / span) * 100, 0.5);
    const what = s.origin === 'AWS::Lambda::Function' ? 'function' : '';
    const label = `${'  '.repeat(depth)}${s.name} ${s.aws?.operation || ''} ${s.http?.request?.url || ''} ${((s.end_time - s.start_time) * 1000).toFixed(1)} ms`;
    bar.innerHTML = `<span class="fill ${what} ${s.error || s.fault ? 'error' : ''}" style="left:${left}%;width:${width}%"></span>` +
      `<span class="label" style="left:calc(${Math.min(left, 55)}% + 4px)">${esc(label)}</span>`;
    bar.dataset.segment = s.id;
    box.appendChild(bar);
    for (const c of (children.get(s.id) || []).sort((a, b) => a.start_time - b.start_time)) place(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.start_time - b.start_time)) place(r, 0);
}

// A bucket's objects, a page at a time, as the server's clock sees them: class, Intelligent-
// Tiering's access tier, the restore state, and a presigned link that downloads the object.
const browsing = { bucket: '', prefix: '', next: '' };

function restoreText(o) {
  if (o.restore) {
    return o.restore.ongoing ? `restoring (${o.restore.tier}) until ${o.restore.completes}`
      : `restored${o.restore.expires ? ' until ' + o.restore.expires : ''}`;
  }
  return o.archived ? 'archived' : '—';
}

async function listObjects(more) {
  const q = new URLSearchParams({ bucket: browsing.bucket, limit: OBJECT_PAGE });
  if (browsing.prefix) q.set('prefix', browsing.prefix);
  if (more && browsing.next) q.set('start-after', browsing.next);
  const answer = await json(`/objects?${q}`);
  const body = document.querySelector('#objects tbody');
  if (!more) body.replaceChildren();
  for (const o of answer.objects) {
    const tr = document.createElement('tr');
    tr.dataset.key = o.key;
    tr.innerHTML = [o.key, o.size, o.storageClass, o.accessTier || '—', restoreText(o), o.lastModified]
      .map((v) => `<td>${esc(v)}</td>`).join('') +
      (o.download && !o.archived ? `<td><a class="download" href="${esc(o.download)}" download>download</a></td>` : '<td></td>');
    body.appendChild(tr);
  }
  browsing.next = answer.nextStartAfter || '';
  document.getElementById('objects-more').hidden = !browsing.next;
}

function browse(bucket) {
  browsing.bucket = bucket;
  browsing.prefix = '';
  document.getElementById('objects-prefix').value = '';
  document.getElementById('objects-bucket').textContent = bucket;
  document.getElementById('objects-view').hidden = false;
  return listObjects(false);
}

async function showClockAndCost() {
  const clock = await json('/clock');
  document.getElementById('clock').textContent = `clock ${clock.now}${clock.virtual ? ' (virtual)' : ''}`;
  document.getElementById('clock-controls').hidden = !clock.virtual;
  try {
    const cost = await json('/cost');
    document.getElementById('cost').textContent = `cost so far $${cost.total.toFixed(6)}`;
  } catch (e) { /* no cost report on this server */ }
}

function listen() {
  const source = new EventSource(`${base}/events`);
  const status = document.getElementById('status');
  source.onopen = () => { status.textContent = 'live'; status.classList.add('live'); };
  source.onerror = () => { status.textContent = 'reconnecting…'; status.classList.remove('live'); };
  source.addEventListener('invocations', (e) => {
    const data = JSON.parse(e.data);
    addInvocations(data.invocations, data.skipped);
  });
  source.addEventListener('counters', (e) => showCounters(JSON.parse(e.data)));
}

async function main() {
  drawArchitecture(await json('/architecture'));
  const recent = await json('/invocations?limit=50');
  addInvocations(recent.invocations.slice().reverse(), 0);
  document.querySelectorAll('[data-advance]').forEach((b) => b.addEventListener('click', async () => {
    await fetch(`${base}/clock?advance=${b.dataset.advance}`, { method: 'POST' });
    showClockAndCost();
  }));
  document.querySelector('#buckets tbody').addEventListener('click', (e) => {
    const row = e.target.closest('tr[data-bucket]');
    if (row) browse(row.dataset.bucket);
  });
  document.getElementById('architecture').addEventListener('click', (e) => {
    const node = e.target.closest('.node.bucket');
    if (node) browse(node.dataset.id.slice('bucket:'.length));
  });
  document.getElementById('objects-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    browsing.prefix = document.getElementById('objects-prefix').value;
    listObjects(false);
  });
  document.getElementById('objects-more').addEventListener('click', () => listObjects(true));
  await showClockAndCost();
  setInterval(showClockAndCost, 5000);
  listen();
  document.body.dataset.ready = 'true';
}

main().catch((e) => { document.getElementById('status').textContent = `error: ${e.message}`; });
