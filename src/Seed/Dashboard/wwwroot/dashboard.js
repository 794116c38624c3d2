// Flock dashboard: polls the seed's read-only overview once a second and renders nodes and jobs.
// A token pasted here (kept in sessionStorage, gone when the tab closes) opens it: a read-only token shows the cluster,
// the admin token also unlocks submit and cancel.
'use strict';

const POLL_MS = 1000;
const TOKEN_KEY = 'flock.admin-token';
const DASH = '—';

// Settled jobs per page: ?jobs=N in the address changes it. `before` is null on the newest page.
const PAGE_SIZE = Math.max(1, Number(new URLSearchParams(location.search).get('jobs')) || 10);
const SVG = 'http://www.w3.org/2000/svg';

// refused: why the last token was dropped, shown until another is pasted (the next poll must not say just 'token needed').
const state = { access: null, admin: false, before: null, openHistories: new Set(), refused: null, hls: null, watching: null };
const $ = (id) => document.getElementById(id);

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

function authHeaders() {
  const t = token();
  return t ? { Authorization: 'Bearer ' + t } : {};
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}

function num(value, digits) {
  return typeof value === 'number' && isFinite(value) ? value.toFixed(digits) : DASH;
}

// As pbm writes sizes (`12 KiB`, `1.2 MiB`, `3.4 GiB`), so the page and `pbm job watch` read the same.
function bytes(value) {
  if (typeof value !== 'number' || !isFinite(value)) return DASH;
  if (value >= 2 ** 30) return (value / 2 ** 30).toFixed(1) + ' GiB';
  if (value >= 2 ** 20) return (value / 2 ** 20).toFixed(1) + ' MiB';
  return (value / 1024).toFixed(0) + ' KiB';
}

function bitrate(bitsPerSecond) {
  if (typeof bitsPerSecond !== 'number' || !isFinite(bitsPerSecond) || bitsPerSecond <= 0) return DASH;
  return bitsPerSecond >= 10e6 ? (bitsPerSecond / 1e6).toFixed(1) + ' Mb/s' : Math.round(bitsPerSecond / 1000) + ' kb/s';
}

// As pbm writes durations (`45s`, `3m07s`, `2h05m`).
function duration(seconds) {
  if (typeof seconds !== 'number' || !isFinite(seconds)) return DASH;
  const s = Math.round(Math.max(0, seconds));
  const two = (n) => String(n).padStart(2, '0');
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm' + two(s % 60) + 's';
  return Math.floor(s / 3600) + 'h' + two(Math.floor((s % 3600) / 60)) + 'm';
}

// As pbm writes a rate (`52.3 fps`).
function rate(fps) {
  return typeof fps === 'number' && isFinite(fps) ? fps.toFixed(1) + ' fps' : DASH;
}

// --- access -------------------------------------------------------------------------------------------------------

// Seeing the cluster takes a token too (read-only or admin): job names and paths are not for anyone on the network.
// Without one stored, nothing is polled, so a page left open never counts as a failed login at the seed.
function setAccess(access, note) {
  state.access = access;
  state.admin = access === 'admin';
  document.body.classList.toggle('admin', state.admin);
  const label = $('access');
  label.textContent = note || access || 'token needed';
  label.classList.toggle('admin', state.admin);
  $('token-input').hidden = state.admin;
  $('token-save').hidden = state.admin;
  $('token-clear').hidden = !token();
  for (const section of document.querySelectorAll('.admin-only')) section.hidden = !state.admin;
  // Without a token there is nothing to connect to yet: say what is missing rather than "connecting..." forever.
  $('no-nodes').textContent = access
    ? 'No node has joined yet.'
    : 'Paste a token above to see the cluster: a read-only one (flock seed token create --read-only) or the admin token.';
  $('events-section').hidden = !access;
  if (!access) {
    renderNodes([], {}, {});
    renderJobs({ jobs: [] });
    renderEvents([]);
    $('connection').textContent = 'token needed';
    $('connection').className = 'badge';
  }
}

$('token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = $('token-input').value.trim();
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  state.refused = null;
  $('token-input').value = '';
  refresh();
});

$('token-clear').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  state.refused = null;
  setAccess(null);
});

// --- actions ------------------------------------------------------------------------------------------------------

$('submit-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const file = $('submit-file').files[0];
  if (!file) return;
  const options = $('submit-options').value.trim().split(/\s+/).filter(Boolean);
  const params = new URLSearchParams({ name: file.name });
  const chunk = $('submit-chunk').value;
  if (chunk) params.set('chunkSeconds', chunk);
  if ($('submit-live').checked) params.set('live', 'true');
  $('submit-status').textContent = 'uploading…';
  const response = await fetch('/api/jobs/upload?' + params, {
    method: 'POST',
    headers: { ...authHeaders(), 'X-Flock-Options': JSON.stringify(options) },
    body: file,
  });
  const body = await response.json().catch(() => ({}));
  $('submit-status').textContent = response.ok ? 'job ' + body.id + ' submitted' : 'error: ' + (body.error || response.status);
  refresh();
});

async function cancelJob(id) {
  const response = await fetch('/api/jobs/' + encodeURIComponent(id) + '/cancel', { method: 'POST', headers: authHeaders() });
  if (!response.ok) alert('cancel failed: ' + ((await response.json().catch(() => ({}))).error || response.status));
  refresh();
}

async function download(job, link) {
  // A plain link works on an open seed; a guarded one needs the bearer header, so fetch and hand over a blob.
  const response = await fetch(link.href, { headers: authHeaders() });
  if (!response.ok) { alert('download failed: ' + response.status); return; }
  const url = URL.createObjectURL(await response.blob());
  const a = el('a', { href: url, download: link.download });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// --- rendering ----------------------------------------------------------------------------------------------------

function renderNodes(nodes, fpsByNode, chunksByNode) {
  const body = $('nodes').tBodies[0];
  body.replaceChildren(...nodes.map((n) => {
    // Encoding: ffmpeg runs on it now. Reserved: handed to it, waiting in its queue. Verifying: back at the seed.
    const held = chunksByNode[n.name] || { encoding: [], reserved: [], verifying: [] };
    const idle = !held.encoding.length && !held.reserved.length && !held.verifying.length;
    const row = el('tr', { className: 'node-row' },
      el('td', { textContent: n.name }),
      el('td', {}, el('span', { className: 'status ' + n.status, textContent: nodeStatus(n) })),
      el('td', { textContent: num(n.power, 2) }),
      el('td', { textContent: n.cores ?? DASH }),
      el('td', { className: 'fps', textContent: fpsByNode[n.name] > 0 ? num(fpsByNode[n.name], 1) : DASH }),
      el('td', { className: 'work encoding', textContent: idle ? 'idle'
        : held.encoding.map(workLabel).concat(held.verifying.map((c) => workLabel(c) + ' (verifying)')).join(', ') || DASH }),
      el('td', { className: 'work reserved', textContent: held.reserved.map(workLabel).join(', ') || DASH }));
    row.dataset.encoding = held.encoding.length;
    row.dataset.reserved = held.reserved.length;
    row.dataset.node = n.name;
    return row;
  }));
  $('no-nodes').hidden = nodes.length > 0;
  $('node-count').textContent = '(' + nodes.length + ')';
}

// A quarantined node comes back by itself: say when.
function nodeStatus(n) {
  return n.status === 'quarantined' && n.quarantinedUntil ? 'quarantined until ' + clock(n.quarantinedUntil) : n.status;
}

function clock(iso) {
  const at = new Date(iso);
  return isNaN(at) ? DASH : at.toLocaleTimeString();
}

// The seed names a held chunk JOB/INDEX.
function workLabel(chunkId) {
  const [job, index] = chunkId.split('/');
  return index === undefined ? chunkId : `#${job} chunk ${index}`;
}

// An attempt that failed or lost its node stays in the chunk's history, so a retry that succeeded does not hide it.
const troubled = (c) => (c.history || []).some((a) => a.outcome === 'failed' || a.outcome === 'released');

function attemptLine(a) {
  return `attempt ${a.attempt} on ${a.node}: ${a.outcome}` + (a.error ? ` (${a.error})` : '');
}

function chunkCell(c) {
  const cell = el('span', { className: 'chunk ' + c.state + (troubled(c) ? ' retried' : '') });
  cell.dataset.index = c.index;
  cell.dataset.state = c.state;
  const percent = typeof c.percent === 'number' ? Math.round(c.percent) + '%' : null;
  cell.textContent = c.state === 'encoding' && percent ? percent : String(c.index);
  cell.title = `chunk ${c.index}: ${c.state}` + (c.node ? ` on ${c.node}` : '') + ` · attempts ${c.attempts} · ${c.frames} frames`
    + (percent ? ` · ${percent}` : '') + (typeof c.fps === 'number' ? ` · ${c.fps.toFixed(1)} fps` : '')
    + (c.history || []).map((a) => '\n' + attemptLine(a)).join('');
  return cell;
}

// Every attempt of a chunk that needed more than one or did not end done, as `pbm job show` lists them.
function attemptHistory(job) {
  const rows = [];
  for (const c of job.chunks || []) {
    const history = c.history || [];
    if (history.length > 1 || history.some((a) => a.outcome !== 'done'))
      for (const a of history) rows.push({ chunk: c.index, ...a });
  }
  if (rows.length === 0) return null;
  const failed = rows.filter((a) => a.outcome === 'failed').length;
  const table = el('table', {},
    el('thead', {}, el('tr', {}, ...['chunk', 'attempt', 'node', 'outcome', 'started', 'ended', 'bytes', 'error'].map((h) => el('th', { textContent: h })))),
    el('tbody', {}, ...rows.map((a) => {
      const row = el('tr', { className: 'attempt ' + a.outcome },
        el('td', { textContent: a.chunk }),
        el('td', { textContent: a.attempt }),
        el('td', { textContent: a.node }),
        el('td', { textContent: a.outcome }),
        el('td', { textContent: clock(a.started) }),
        el('td', { textContent: a.ended ? clock(a.ended) : DASH }),
        el('td', { textContent: typeof a.bytes === 'number' ? a.bytes : DASH }),
        el('td', { className: 'reason', textContent: a.error || DASH }));
      row.dataset.chunk = a.chunk;
      row.dataset.outcome = a.outcome;
      return row;
    })));
  const summary = `attempt history: ${rows.length} attempt${rows.length === 1 ? '' : 's'}` + (failed ? `, ${failed} failed` : '');
  // Re-rendered every second: one left open stays open.
  const details = el('details', { className: 'attempts', open: state.openHistories.has(job.id) }, el('summary', { textContent: summary }), table);
  details.addEventListener('toggle', () => { if (details.open) state.openHistories.add(job.id); else state.openHistories.delete(job.id); });
  return details;
}

// Encode rate over the job's run, from the seed's samples (so a page opened late still has the start).
function fpsChart(job) {
  const points = (job.fpsHistory || []).map((p) => ({ t: Date.parse(p.at), fps: p.fps, frames: p.frames })).filter((p) => isFinite(p.t));
  // Nothing encoded yet (still waiting, or every attempt failed): a flat line would only say less than the grid.
  if (points.length === 0 || !(points[points.length - 1].frames > 0)) return null;
  const width = 600, height = 70, pad = 2;
  const t0 = Math.min(Date.parse(job.submittedAt), points[0].t), t1 = Math.max(points[points.length - 1].t, t0 + 1000);
  const max = Math.max(...points.map((p) => p.fps), 1);
  const x = (t) => (pad + ((width - 2 * pad) * (t - t0)) / (t1 - t0)).toFixed(1);
  const y = (fps) => (height - pad - ((height - 2 * pad) * fps) / max).toFixed(1);
  // A step per sample: each value is the rate over the interval that ends there.
  const coords = [];
  let previous = t0;
  for (const p of points) { coords.push(`${x(previous)},${y(p.fps)}`, `${x(p.t)},${y(p.fps)}`); previous = p.t; }
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.classList.add('fps-chart');
  svg.dataset.points = points.length;
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', coords.join(' '));
  const title = document.createElementNS(SVG, 'title');
  const mean = points.reduce((sum, p) => sum + p.fps, 0) / points.length;
  title.textContent = `fps over ${duration((t1 - t0) / 1000)}: peak ${max.toFixed(1)}, mean of samples ${mean.toFixed(1)}`;
  svg.append(title, line);
  return el('div', { className: 'chart' },
    el('span', { className: 'axis', textContent: `${max.toFixed(0)} fps` }), svg,
    el('span', { className: 'axis', textContent: duration((t1 - t0) / 1000) }));
}

// Submitted, elapsed (running: so far; the seed's figure, as `pbm job watch` shows), finished.
function timeStats(job) {
  const submitted = Date.parse(job.submittedAt);
  const finished = job.finishedAt ? Date.parse(job.finishedAt) : null;
  const elapsed = typeof job.elapsedSeconds === 'number' ? job.elapsedSeconds : ((finished ?? Date.now()) - submitted) / 1000;
  return [
    stat('submitted', clock(job.submittedAt), 'submitted'),
    stat('elapsed', duration(elapsed), 'elapsed'),
    stat('finished', finished ? clock(job.finishedAt) : DASH, 'finished'),
  ];
}

// The finished file's size and bitrate; while it runs, what the verified chunks add up to so far and what that
// extrapolates to (`1.2 MiB of ~3.4 MiB`, as `pbm job watch` shows it).
function outputStats(job) {
  const name = (job.output || '').split('/').pop() || DASH;
  if (typeof job.outputFileBytes === 'number')
    return [stat('output', name, 'output'), stat('size', bytes(job.outputFileBytes), 'size'), stat('bitrate', bitrate(job.outputBitrate), 'bitrate')];
  const soFar = typeof job.outputBytes === 'number' ? job.outputBytes : 0;
  const size = soFar <= 0 ? DASH
    : typeof job.expectedOutputBytes === 'number' ? bytes(soFar) + ' of ~' + bytes(job.expectedOutputBytes) : bytes(soFar);
  const frames = (job.chunks || []).filter((c) => c.state === 'done').reduce((sum, c) => sum + c.frames, 0);
  const seconds = job.sourceSeconds > 0 && job.totalFrames > 0 ? (frames * job.sourceSeconds) / job.totalFrames : 0;
  return [stat('output', name, 'output'),
    stat('size', size, 'size'),
    stat('bitrate', seconds > 0 && soFar > 0 ? '~' + bitrate((soFar * 8) / seconds) : DASH, 'bitrate')];
}

function stat(label, value, name) {
  const span = el('span', { className: 'stat' }, label + ' ', el('b', { textContent: value }));
  if (name) span.dataset.stat = name;
  return span;
}

function renderJob(job) {
  const done = (job.chunks || []).filter((c) => c.state === 'done').length;
  const total = (job.chunks || []).length;
  const percent = job.totalFrames > 0 ? Math.min(100, (100 * job.encodedFrames) / job.totalFrames) : 0;

  const actions = el('span', { className: 'actions' });
  if (job.state === 'completed') {
    const link = el('a', { href: '/api/jobs/' + encodeURIComponent(job.id) + '/output', textContent: 'download output', className: 'download' });
    link.download = (job.output || 'output').split('/').pop();
    // The output endpoint wants the token too, which a plain link cannot send.
    link.addEventListener('click', (e) => { e.preventDefault(); download(job, link); });
    actions.append(link);
  }
  // Until chunk 0 is verified the playlist has no segment yet, and a player would give up on it rather than wait.
  if (job.livePlaylist && (job.chunks || []).some((c) => c.index === 0 && c.state === 'done')) {
    const watch = el('button', { className: 'watch-live', textContent: state.watching === job.id ? 'watching' : 'watch live' });
    watch.addEventListener('click', () => watchLive(job));
    actions.append(watch);
  }
  if (state.admin && !['completed', 'failed', 'cancelled'].includes(job.state)) {
    const cancel = el('button', { className: 'danger cancel', textContent: 'cancel' });
    cancel.addEventListener('click', () => { if (confirm('Cancel job ' + job.id + '?')) cancelJob(job.id); });
    actions.append(cancel);
  }

  const head = el('div', { className: 'job-head' },
    el('span', { className: 'title', textContent: `#${job.id} ${job.input}` }),
    el('span', { className: 'status ' + job.state, textContent: job.state }),
    stat('chunks', `${done}/${total}`, 'chunks'),
    stat('frames', `${job.encodedFrames}/${job.totalFrames}`, 'frames'),
    // Now (the last ~15 s, all nodes) and the average over the encode, as `pbm job watch` shows them.
    stat('now', rate(job.framesPerSecond), 'fps'),
    stat('avg', rate(job.averageFramesPerSecond), 'avg'),
    stat('ETA', ['completed', 'failed', 'cancelled'].includes(job.state) ? DASH : duration(job.etaSeconds), 'eta'),
    stat('options', (job.options || []).join(' ') || 'default'),
    actions);

  const card = el('div', { className: 'job' }, head,
    el('div', { className: 'job-info' }, ...timeStats(job), ...outputStats(job)));
  // Why it failed comes first: it is what someone opening a failed job is looking for.
  if (job.error) card.append(el('p', { className: 'error', textContent: (job.state === 'failed' ? 'failed: ' : '') + job.error }));
  card.append(el('div', { className: 'bar' }, el('div', { style: `width:${percent.toFixed(1)}%` })),
    el('div', { className: 'grid' }, ...(job.chunks || []).map(chunkCell)));
  const chart = fpsChart(job);
  if (chart) card.append(chart);
  const history = attemptHistory(job);
  if (history) card.append(history);
  card.dataset.jobId = job.id;
  card.dataset.state = job.state;
  return card;
}

// One player for the page, outside the job cards (they are rebuilt on every poll). It starts at the beginning of the
// job's EVENT playlist, not at its live edge, and waits for segments when it catches up with the encode. The token
// goes as a header on every request hls.js makes; only Safari's native HLS, which cannot set one, gets it as ?token=.
function watchLive(job) {
  const video = $('player');
  if (state.hls) { state.hls.destroy(); state.hls = null; }
  state.watching = job.id;
  video.dataset.job = job.id;
  $('player-job').textContent = `#${job.id} ${job.input}`;
  $('player-section').hidden = false;
  $('player-status').textContent = '';
  if (window.Hls && Hls.isSupported()) {
    const hls = new Hls({ startPosition: 0, xhrSetup: (xhr) => xhr.setRequestHeader('Authorization', 'Bearer ' + token()) });
    hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) $('player-status').textContent = 'player error: ' + data.details; });
    hls.loadSource(job.livePlaylist);
    hls.attachMedia(video);
    state.hls = hls;
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = job.livePlaylist + '?token=' + encodeURIComponent(token());
  } else {
    $('player-status').textContent = 'this browser cannot play HLS';
    return;
  }
  video.play().catch((e) => { $('player-status').textContent = 'press play (' + e.message + ')'; });
}

// Every unfinished job, then one page of settled ones.
function renderJobs(overview) {
  const jobs = overview.jobs || [];
  // Newest first: the job someone just submitted is the one they are looking for.
  const ordered = [...jobs].sort((a, b) => Number(b.id) - Number(a.id));
  $('jobs').replaceChildren(...ordered.map(renderJob));
  $('no-jobs').hidden = jobs.length > 0 || state.before !== null;
  const settledShown = jobs.filter((j) => ['completed', 'failed', 'cancelled'].includes(j.state)).length;
  const settled = overview.settledJobs || 0;
  const unfinished = jobs.length - settledShown;
  $('job-count').textContent = `(${unfinished} unfinished, ${settled} settled)`;
  $('pager').hidden = !overview.olderJobs && state.before === null;
  $('jobs-older').hidden = !overview.olderJobs;
  $('jobs-newest').hidden = state.before === null;
  $('jobs-page').textContent = `settled jobs: ${settledShown} of ${settled} shown` + (state.before !== null ? ` (older than #${state.before})` : '');
  $('jobs-older').onclick = () => { state.before = overview.olderJobs; refresh(); };
}

$('jobs-newest').addEventListener('click', () => { state.before = null; refresh(); });

// Cluster kinds a person reads as "the node is gone"; the rest are named as they are.
const EVENT_LABELS = {
  unreachable: 'node lost', downed: 'node lost', removed: 'node removed', down: 'node lost', quarantined: 'node quarantined',
  reachable: 'node back', joined: 'node joined', up: 'node up', leaving: 'node leaving', exiting: 'node left',
  'chunk-failed': 'chunk failed', 'chunk-released': 'chunk taken back', 'chunk-retried': 'chunk retried',
  'job-failed': 'job failed', 'job-completed': 'job completed', 'job-cancelled': 'job cancelled', 'job-retried': 'job retried',
};
const BAD_EVENTS = new Set(['unreachable', 'downed', 'down', 'quarantined', 'chunk-failed', 'chunk-released', 'job-failed']);

function renderEvents(events) {
  $('events').replaceChildren(...events.map((e) => {
    const who = [e.jobId ? '#' + e.jobId : null, e.node].filter(Boolean).join(' ');
    const item = el('li', { className: 'event' + (BAD_EVENTS.has(e.kind) ? ' bad' : '') },
      el('span', { className: 'when', textContent: clock(e.at) }),
      el('span', { className: 'kind', textContent: EVENT_LABELS[e.kind] || e.kind }),
      el('span', { className: 'who', textContent: who }),
      el('span', { className: 'detail', textContent: e.detail }));
    item.dataset.kind = e.kind;
    item.dataset.source = e.source;
    return item;
  }));
  $('no-events').hidden = events.length > 0;
}

// --- polling ------------------------------------------------------------------------------------------------------

let polling = false;
async function refresh() {
  if (polling) return;
  polling = true;
  try {
    if (!token()) { setAccess(null, state.refused); return; }
    const page = new URLSearchParams({ limit: PAGE_SIZE });
    if (state.before !== null) page.set('before', state.before);
    const response = await fetch('/api/overview?' + page, { cache: 'no-store', headers: authHeaders() });
    if (response.status === 401 || response.status === 429) {
      sessionStorage.removeItem(TOKEN_KEY);
      state.refused = response.status === 401 ? 'token refused' : 'too many attempts: wait a minute';
      setAccess(null, state.refused);
      return;
    }
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const overview = await response.json();
    if (overview.access !== state.access) setAccess(overview.access);
    renderNodes(overview.nodes || [], overview.nodeFramesPerSecond || {}, overview.nodeChunks || {});
    renderJobs(overview);
    renderEvents(overview.events || []);
    $('connection').textContent = 'live';
    $('connection').className = 'badge live';
  } catch (e) {
    // In the browser's console, so a page stuck on this says whether the seed or the page failed.
    console.warn('refresh failed:', e);
    $('connection').textContent = 'seed unreachable';
    $('connection').className = 'badge down';
  } finally {
    polling = false;
  }
}

setAccess(null);
refresh();
setInterval(refresh, POLL_MS);
