// The bucketfire console: the running configuration drawn as its tiers, kept live by the
// server's events (GET /_bucketfire/events); the invocations as they end, each with its log and
// its trace as a waterfall; what each bucket stores, object by object, each downloadable; the
// virtual clock and the cost so far.
'use strict';

const base = '/_bucketfire';
const SVG = 'http://www.w3.org/2000/svg';
const COLUMNS = ['client', 'route', 'function', 'bucket'];  // object lambda and batch jobs share the routes' column
const NODE_W = 230, NODE_H = 44, COL_GAP = 110, ROW_GAP = 16, PAD = 12;
const CLASS_LINES = 3, LINE_H = 13;  // a bucket node lists up to three storage classes
const BUCKET_H = NODE_H + CLASS_LINES * LINE_H;
const MAX_ROWS = 200;
const OBJECT_PAGE = 100;

const state = { nodes: new Map(), edges: [], functions: {}, rows: 0, graphText: '', counters: null };

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
  return kind === 'object-lambda' || kind === 'batch-job' ? 1 : Math.max(0, COLUMNS.indexOf(kind));
}

function height(n) {
  return n.kind === 'bucket' ? BUCKET_H : NODE_H;
}

function bytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function jobText(n) {
  return `${n.status} · ${n.succeeded + n.failed}/${n.total} tasks · ${n.failed} failed`;
}

// Lays the nodes out in their tier's column. Functions are ordered by where what they connect
// to sits (the mean row of their routes, access points and buckets), so fewer edges cross.
function drawArchitecture(graph) {
  const svg = document.getElementById('architecture');
  svg.replaceChildren();
  state.nodes.clear();
  const tops = [PAD, PAD, PAD, PAD];
  const place = (n) => {
    const c = column(n.kind);
    n.x = PAD + c * (NODE_W + COL_GAP);
    n.y = tops[c];
    n.h = height(n);
    tops[c] += n.h + ROW_GAP;
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
  const tall = Math.max(...tops) + PAD - ROW_GAP;
  svg.setAttribute('viewBox', `0 0 ${PAD * 2 + 4 * NODE_W + 3 * COL_GAP} ${tall}`);
  svg.style.height = `${tall}px`;
  const edges = el('g', { class: 'edges' });
  state.edges = graph.edges.map((e) => {
    const a = state.nodes.get(e.from), b = state.nodes.get(e.to);
    const y1 = a.y + a.h / 2, y2 = b.y + b.h / 2;
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
    g.appendChild(el('rect', { width: NODE_W, height: n.h }));
    g.appendChild(el('text', { x: 8, y: 17 }, n.label));
    const first = n.kind === 'function' ? n.runtime : n.kind === 'batch-job' ? jobText(n) : n.kind;
    n.counts = el('text', { x: 8, y: 34, class: 'counts' }, first);
    g.appendChild(n.counts);
    if (n.kind === 'bucket') {
      n.classes = Array.from({ length: CLASS_LINES }, (_, i) => el('text', { x: 14, y: 34 + (i + 1) * LINE_H, class: 'counts' }));
      n.classes.forEach((t) => g.appendChild(t));
    }
    if (n.kind === 'batch-job') g.classList.toggle('failed', n.failed > 0 || n.status === 'Failed');
    svg.appendChild(g);
  }
  if (state.counters) showCounters(state.counters);
}

// The configuration changes through the APIs (a function, a notification, a batch job): the
// diagram is redrawn when what the server describes differs from what is drawn.
async function refreshArchitecture() {
  const res = await fetch(`${base}/architecture`);
  if (!res.ok) return;
  const text = await res.text();
  if (text !== state.graphText) {
    state.graphText = text;
    drawArchitecture(JSON.parse(text));
  }
}

// An edge glows for a moment when an invocation crossed it.
function pulse(fn, trigger) {
  const kind = trigger.startsWith('s3:') ? 'notification' : trigger.startsWith('destination:') ? 'destination'
    : trigger.startsWith('api:') ? 'route' : trigger === 's3-object-lambda' ? 'transformation'
    : trigger.startsWith('batch:') ? 'batch-invoke' : '';
  for (const e of state.edges) {
    if (e.to !== `function:${fn}` || e.kind !== kind) continue;
    e.path.classList.add('pulse');
    setTimeout(() => e.path.classList.remove('pulse'), 400);
  }
}

function showCounters(c) {
  state.counters = c;
  for (const [name, f] of Object.entries(c.functions || {})) {
    const n = state.nodes.get(`function:${name}`);
    if (!n) continue;
    n.counts.textContent = `${plural(f.invocations, 'run')} · ${plural(f.errors, 'error')} · ${f.throttles} throttled` +
      (f.running ? ` · ${f.running} now` : '');
    n.counts.parentNode.classList.toggle('failed', f.errors > 0);
  }
  for (const n of state.nodes.values()) {
    if (n.kind !== 'bucket' || (c.buckets || {})[n.label]) continue;
    n.counts.textContent = 'empty';
    n.classes.forEach((t) => { t.textContent = ''; });
  }
  const rows = [];
  for (const [bucket, classes] of Object.entries(c.buckets || {})) {
    let objects = 0, total = 0;
    for (const [cls, s] of Object.entries(classes)) {
      objects += s.objects; total += s.bytes;
      rows.push(`<tr data-bucket="${esc(bucket)}"><td class="bucket-name">${esc(bucket)}</td><td>${esc(cls)}</td>` +
                `<td>${s.objects}</td><td>${s.bytes}</td></tr>`);
    }
    const n = state.nodes.get(`bucket:${bucket}`);
    if (n) {
      n.counts.textContent = `${plural(objects, 'object')} · ${bytes(total)}`;
      const each = Object.entries(classes).sort((x, y) => y[1].bytes - x[1].bytes);
      n.classes.forEach((t, i) => {
        const [cls, s] = each[i] || [];
        t.textContent = i === CLASS_LINES - 1 && each.length > CLASS_LINES ? `+ ${each.length - i} more classes`
          : cls ? `${cls}: ${s.objects} · ${bytes(s.bytes)}` : '';
      });
    }
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
    const memory = inv.memorySizeMb ? `${inv.maxMemoryUsedMb} / ${inv.memorySizeMb} MB` : '—';
    tr.innerHTML = [inv.time.slice(11, 23), inv.function, inv.trigger, inv.requestId, `${inv.durationMs.toFixed(2)} ms`,
      `${Math.max(1, Math.ceil(inv.durationMs))} ms`, memory, inv.status, inv.attempt].map((v) => `<td>${esc(v)}</td>`).join('');
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
                  'memory used': inv.memorySizeMb ? `${inv.maxMemoryUsedMb} MB of ${inv.memorySizeMb} MB` : '—',
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
  await refreshArchitecture();
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
  setInterval(() => { showClockAndCost(); refreshArchitecture(); }, 5000);
  listen();
  document.body.dataset.ready = 'true';
}

main().catch((e) => { document.getElementById('status').textContent = `error: ${e.message}`; });
